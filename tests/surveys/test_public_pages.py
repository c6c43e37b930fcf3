import pytest
import redis
from fastapi.testclient import TestClient

from kokemus.app import create_app
from kokemus.config import Settings
from kokemus.store import Database
from kokemus.surveys import service
from tests.factories import load_default_journey
from tests.surveys.helpers import answer_rows, publish, responses, resume_field

SURVEY = """
key: delivery
languages: [fi, sv, en]
title: {fi: Toimitus, sv: Leverans, en: Delivery}
touchpoint: home-delivery
thanks: {fi: Kiitos paljon, sv: Tack så mycket, en: Thanks a lot}
questions:
  - {key: stars, type: rating, required: true, text: {fi: Tähdet, sv: Stjärnor, en: Stars}}
  - {key: expect, type: expectation, text: {fi: Odotukset, sv: Förväntningar, en: Expectations}}
  - key: why
    type: text
    required: true
    text: {fi: Mikä meni vikaan, sv: Vad gick fel, en: What went wrong}
    show_if: {question: stars, at_most: 3}
  - key: steps
    type: checklist
    text: {fi: Havainnot, sv: Observationer, en: Observed}
    items:
      - {key: greet, text: {fi: Tervehti, sv: Hälsade, en: Greeted}}
      - {key: thank, text: {fi: Kiitti, sv: Tackade, en: Thanked}}
"""


@pytest.fixture(autouse=True)
def journey(database: Database) -> None:
    load_default_journey(database)


def page_of(database: Database) -> str:
    return f"/s/{publish(database, SURVEY).public_id}"


def test_a_two_page_survey_is_answered_and_linked_to_its_touchpoint(
    client: TestClient, database: Database
) -> None:
    link = page_of(database)
    first = client.get(link, headers={"Accept-Language": "sv-FI,sv;q=0.9,en;q=0.5"})
    assert first.status_code == 200
    assert '<html lang="sv">' in first.text
    assert "Stjärnor" in first.text
    assert "Sida 1 av 2" in first.text
    second = client.post(link, data={"p": "0", "lang": "sv", "q.stars": "2", "q.expect": "1"})
    assert second.status_code == 200
    assert "Vad gick fel" in second.text
    assert "Sida 2 av 2" in second.text
    done = client.post(
        link,
        data={
            "p": "1",
            "lang": "sv",
            "r": resume_field(second.text),
            "q.why": "Stolen kom trasig",
            "q.steps.greet": "yes",
            "q.steps.thank": "no",
        },
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert client.get(done.headers["location"]).text.count("Tack så mycket") == 1
    (response,) = responses(database, response_survey_id(database))
    assert response.complete
    assert response.language == "sv"
    assert response.channel == "link"
    assert response.answers == {
        "stars": 2,
        "expect": 1,
        "why": "Stolen kom trasig",
        "steps": {"greet": True, "thank": False},
    }
    with database.transaction() as session:
        assert response.touchpoint_id == service.touchpoint_ids(session)["home-delivery"]
    assert answer_rows(database, response.id) == [
        ("stars", 2.0, None, None),
        ("expect", 1.0, "weak", None),
        ("why", None, "Stolen kom trasig", None),
        ("steps", 1.0, None, "greet"),
        ("steps", 0.0, None, "thank"),
    ]


def response_survey_id(database: Database) -> int:
    with database.transaction() as session:
        return service.get_survey(session, "delivery").id


def test_five_stars_skip_the_question_shown_only_on_a_weak_rating(
    client: TestClient, database: Database
) -> None:
    link = page_of(database)
    second = client.post(link, data={"p": "0", "lang": "en", "q.stars": "5"})
    assert "What went wrong" not in second.text
    assert "Observed" in second.text


def test_a_required_question_left_empty_is_named_and_nothing_is_completed(
    client: TestClient, database: Database
) -> None:
    link = page_of(database)
    answer = client.post(link, data={"p": "0", "lang": "en", "q.expect": "3"})
    assert answer.status_code == 422
    named = 'href="#q-stars">This question needs an answer. <span class="which">(Stars)'
    assert named in answer.text
    assert 'aria-invalid="true"' in answer.text
    # What was given is kept on the page drawn again.
    assert 'value="3" checked' in answer.text
    assert not any(
        response.complete for response in responses(database, response_survey_id(database))
    )


def test_an_out_of_range_answer_is_refused_on_the_page(
    client: TestClient, database: Database
) -> None:
    answer = client.post(page_of(database), data={"p": "0", "lang": "fi", "q.stars": "9"})
    assert answer.status_code == 422
    assert "Vastaus ei kelpaa." in answer.text


def test_markup_in_an_answer_is_escaped_and_kept_verbatim(
    client: TestClient, database: Database
) -> None:
    link = page_of(database)
    second = client.post(link, data={"p": "0", "lang": "en", "q.stars": "1"})
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    back = client.post(
        link,
        data={
            "p": "1",
            "lang": "en",
            "r": resume_field(second.text),
            "q.why": hostile,
            "nav": "back",
        },
    )
    forward = client.post(
        link, data={"p": "0", "lang": "en", "r": resume_field(back.text), "q.stars": "1"}
    )
    assert "<script>alert" not in forward.text
    assert "<img src=x" not in forward.text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in forward.text
    (response,) = responses(database, response_survey_id(database))
    assert response.answers["why"] == hostile


def test_partial_answers_are_resumed_from_the_same_link(
    client: TestClient, database: Database
) -> None:
    link = page_of(database)
    client.post(link, data={"p": "0", "lang": "en", "q.stars": "2", "q.expect": "4"})
    again = client.get(link)
    # The cookie brings the person back to the page they had not answered yet.
    assert "What went wrong" in again.text
    assert "Page 2 of 2" in again.text
    first = client.get(f"{link}?p=0")
    assert 'value="2" checked' in first.text
    assert 'value="4" checked' in first.text
    (response,) = responses(database, response_survey_id(database))
    assert not response.complete
    assert response.answers == {"stars": 2, "expect": 4}


def test_the_honeypot_stores_nothing(client: TestClient, database: Database) -> None:
    link = page_of(database)
    answer = client.post(
        link, data={"p": "0", "q.stars": "5", "website": "http://spam"}, follow_redirects=False
    )
    assert answer.status_code == 303
    assert responses(database, response_survey_id(database)) == []


def test_the_same_anonymous_answers_twice_are_stored_once(
    client: TestClient, database: Database
) -> None:
    survey = publish(
        database,
        """
key: quick
languages: [en]
title: {en: Quick}
questions: [{key: stars, type: rating, text: {en: Stars}}]
""",
    )
    for _ in range(2):
        client.cookies.clear()
        sent = client.post(f"/s/{survey.public_id}", data={"q.stars": "4"}, follow_redirects=False)
        assert sent.status_code == 303
    client.post(f"/s/{survey.public_id}", data={"q.stars": "3"}, follow_redirects=False)
    assert [r.answers for r in responses(database, survey.id)] == [{"stars": 4}, {"stars": 3}]


def test_hostile_requests_are_refused(client: TestClient, database: Database) -> None:
    link = page_of(database)
    assert (
        client.post(link, content=b"x=1", headers={"Content-Type": "text/plain"}).status_code == 415
    )
    huge = b"q.why=" + b"a" * (70 * 1024)
    sent = client.post(
        link, content=huge, headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert sent.status_code == 413
    assert client.get("/s/no-such-survey").status_code == 404
    assert (
        client.post(
            link,
            content=b"\xff\xfe=\xff",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        ).status_code
        == 400
    )


def test_pages_carry_security_headers(client: TestClient, database: Database) -> None:
    answer = client.get(page_of(database))
    policy = answer.headers["content-security-policy"]
    assert "default-src 'none'" in policy
    assert "script-src" not in policy
    assert answer.headers["referrer-policy"] == "no-referrer"
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert "<script" not in answer.text


def test_a_closed_survey_takes_no_answers(client: TestClient, database: Database) -> None:
    link = page_of(database)
    with database.transaction() as session:
        service.close(session, service.get_survey(session, "delivery"))
    assert client.get(link).status_code == 410
    assert client.post(link, data={"q.stars": "5"}).status_code == 410


def test_the_rate_limit_per_address(database_url: str, database: Database) -> None:
    load_default_journey(database)
    settings = Settings(database_url=database_url, survey_rate_limit="3/minute")
    link = page_of(database)
    with TestClient(create_app(settings, database)) as client:
        codes = [
            client.post(link, data={"p": "0", "q.stars": str(n)}).status_code for n in (1, 2, 3, 4)
        ]
    assert codes[:3] == [200, 200, 200]
    assert codes[3] == 429


def test_a_qr_link_records_its_channel_touchpoint_and_unit(
    client: TestClient, database: Database
) -> None:
    survey = publish(
        database,
        """
key: counter
languages: [fi]
title: {fi: Kassa}
questions: [{key: stars, type: rating, text: {fi: Tähdet}}]
""",
    )
    link = f"/s/{survey.public_id}?via=qr&tp=store-visit&unit=store"
    page = client.get(link)
    assert 'name="tp" value="store-visit"' in page.text
    client.post(
        f"/s/{survey.public_id}",
        data={"q.stars": "5", "via": "qr", "tp": "store-visit", "unit": "store"},
    )
    (response,) = responses(database, survey.id)
    with database.transaction() as session:
        assert response.touchpoint_id == service.touchpoint_ids(session)["store-visit"]
        assert response.unit_id == service.unit_id(session, "store")
    assert response.channel == "qr"


REDIS_URL = "redis://127.0.0.1:6379/15"


def redis_is_up() -> bool:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return False
    return True


@pytest.mark.skipif(not redis_is_up(), reason="no Redis server on 127.0.0.1:6379")
def test_workers_share_the_limit_through_redis(database_url: str, database: Database) -> None:
    redis.Redis.from_url(REDIS_URL).flushdb()
    settings = Settings(
        database_url=database_url, survey_rate_limit="3/minute", rate_limit_storage=REDIS_URL
    )
    link = page_of(database)
    # Two apps on one store stand for two worker processes.
    with (
        TestClient(create_app(settings, database)) as first,
        TestClient(create_app(settings, database)) as second,
    ):
        codes = [
            client.post(link, data={"p": "0", "q.stars": "2"}).status_code
            for client in (first, second, first, second)
        ]
    assert codes == [200, 200, 200, 429]
