import time

from fastapi.testclient import TestClient

from kokemus.enrich.service import analyze_all
from kokemus.enrich.worker import TextWorker
from kokemus.store import Database
from tests.factories import add_source, add_token, load_default_journey, send, track
from tests.surveys.helpers import publish_template


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def answer_post_delivery(client: TestClient, admin: str, stars: int, text: str) -> None:
    body = {"answers": {"delivery-stars": stars, "improve": text}}
    sent = client.post("/api/v1/surveys/post-delivery/responses", json=body, headers=bearer(admin))
    assert sent.status_code == 201, sent.text


def test_free_text_answers_are_analysed_redacted_and_queryable(
    client: TestClient, database: Database
) -> None:
    load_default_journey(database)
    admin = add_token(database, "admin", scope="admin")
    publish_template(database, "post-delivery")
    answer_post_delivery(
        client, admin, 1, "Tuoli tuli rikki ja kuljettaja oli töykeä. Soita 040 123 4567"
    )
    answer_post_delivery(client, admin, 4, "Fast delivery, thank you!")

    assert analyze_all(database) == 2
    assert analyze_all(database) == 0  # nothing is analysed twice

    texts = client.get("/api/v1/texts?survey=post-delivery", headers=bearer(admin)).json()["texts"]
    finnish, english = texts
    assert finnish["language"] == "fi"
    assert finnish["sentiment"]["label"] == "negative"
    assert "delivery_damage" in finnish["themes"]
    assert "040 123 4567" not in finnish["redacted"]
    assert [pii["type"] for pii in finnish["pii"]] == ["phone"]
    assert finnish["model"]["name"]
    assert english["language"] == "en"
    assert english["sentiment"]["label"] == "positive"

    negative = client.get(
        "/api/v1/texts?survey=post-delivery&sentiment=negative", headers=bearer(admin)
    ).json()["texts"]
    assert [text["id"] for text in negative] == [finnish["id"]]
    damage = client.get(
        "/api/v1/texts?survey=post-delivery&theme=delivery_damage", headers=bearer(admin)
    ).json()["texts"]
    assert [text["id"] for text in damage] == [finnish["id"]]

    listed = client.get("/api/v1/surveys/post-delivery/responses", headers=bearer(admin)).json()
    first = listed["responses"][0]
    assert first["texts"]["improve"]["id"] == finnish["id"]


def test_the_worker_analyses_in_the_background(client: TestClient, database: Database) -> None:
    load_default_journey(database)
    admin = add_token(database, "admin", scope="admin")
    publish_template(database, "post-delivery")
    answer_post_delivery(client, admin, 2, "Paketti myöhästyi viikon")
    worker = TextWorker(database, poll_seconds=0.05)
    worker.notify()
    try:
        for _ in range(200):
            texts = client.get("/api/v1/texts?survey=post-delivery", headers=bearer(admin)).json()[
                "texts"
            ]
            if texts:
                break
            time.sleep(0.05)
    finally:
        worker.close()
    assert [text["sentiment"]["label"] for text in texts] == ["negative"]


def test_texts_that_events_carry_are_analysed_once(client: TestClient, database: Database) -> None:
    load_default_journey(database)
    add_source(database, "helpdesk", kind="helpdesk")
    admin = add_token(database, "admin", scope="admin")
    events = [
        track(
            "Ticket Created",
            message_id="t1",
            user_id="c1",
            properties={"description": "Tilaus on kadonnut, kukaan ei vastaa"},
        ),
        track(
            "Satisfaction Rated",
            message_id="t2",
            user_id="c1",
            properties={"score": "bad", "comment": "Terrible service, nobody answered"},
        ),
        track("Ticket Solved", message_id="t3", user_id="c1", properties={"status": "solved"}),
    ]
    send(database, events, source="helpdesk")
    assert analyze_all(database) == 3  # events read
    send(
        database,
        [
            track(
                "Satisfaction Rated",
                message_id="t4",
                user_id="c2",
                properties={"comment": "Nopea ja ystävällinen apu, kiitos!"},
            )
        ],
        source="helpdesk",
    )
    assert analyze_all(database) == 1  # only the new one
    texts = client.get("/api/v1/texts?kind=event", headers=bearer(admin)).json()["texts"]
    assert [(text["property"], text["language"], text["sentiment"]["label"]) for text in texts] == [
        ("description", "fi", "negative"),
        ("comment", "en", "negative"),
        ("comment", "fi", "positive"),
    ]
    answers_only = client.get("/api/v1/texts?kind=answer", headers=bearer(admin)).json()
    assert answers_only["texts"] == []
