"""The survey screens on both stores: build every question type, preview, publish, share,
triggers, responses and exports; who may do what; every text escaped."""

import csv
import io
import re
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx2
import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import func, select
from starlette.datastructures import FormData

from kokemus.app import create_app
from kokemus.audit.models import AuditEntry
from kokemus.config import Settings
from kokemus.enrich.service import analyze_all
from kokemus.store import Database
from kokemus.surveys.definition import SurveyDefinition
from kokemus.surveys.external import ResponseIn, accept_response
from kokemus.surveys.models import Response, Survey, Trigger
from kokemus.web.survey_screens import forms, responses
from tests.accounts.helpers import add_user
from tests.factories import load_default_journey
from tests.surveys.helpers import publish, publish_template
from tests.web.helpers import csrf_of, sign_in

HOSTILE = '<script>alert("x")</script>'
ESCAPED = "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;"


def texts(value: str, languages: tuple[str, ...] = ("fi", "sv", "en")) -> dict[str, str]:
    return {f"text.{language}": f"{value} ({language})" for language in languages}


@dataclass
class Screens:
    database: Database
    settings: Settings
    clients: ExitStack = field(default_factory=ExitStack)

    def client(self, email: str) -> TestClient:
        client = self.clients.enter_context(TestClient(create_app(self.settings, self.database)))
        assert sign_in(client, email).status_code == 303
        return client

    def survey(self, key: str) -> Survey:
        with self.database.transaction() as session:
            found = session.scalar(select(Survey).where(Survey.key == key))
            assert found is not None
            return found

    def audit(self) -> list[tuple[str, str | None, dict[str, Any]]]:
        with self.database.transaction() as session:
            entries = session.scalars(
                select(AuditEntry).where(AuditEntry.action.like("survey.%")).order_by(AuditEntry.id)
            )
            return [(entry.action, entry.target, entry.details) for entry in entries]


@pytest.fixture
def screens(settings: Settings, database: Database) -> Iterator[Screens]:
    load_default_journey(database)
    add_user(database, "admin@example.com", role="admin")
    add_user(database, "analyst@example.com", role="analyst")
    add_user(database, "manager@example.com", role="manager", units=["store"])
    add_user(database, "front@example.com", role="frontline", units=["store"])
    add_user(database, "carrier@example.com", role="partner", units=["carrier"])
    shown = Screens(database, settings)
    with shown.clients:
        yield shown


def post(client: TestClient, path: str, data: dict[str, Any], page: str) -> httpx2.Response:
    token = csrf_of(client.get(page))
    return client.post(path, data={"csrf": token, **data}, follow_redirects=False)


def create_blank(client: TestClient, key: str, **extra: Any) -> int:
    data = {
        "start": "blank",
        "key": key,
        "kind": "customer",
        "languages": ["fi", "sv", "en"],
        "title.fi": f"Otsikko {HOSTILE}",
        "title.sv": f"Rubrik {HOSTILE}",
        "title.en": f"Title {HOSTILE}",
        "question_type": "nps",
        "question_key": "recommend",
        **extra,
    }
    made = post(client, "/surveys/new", data, "/surveys/new")
    assert made.status_code == 303, made.text
    found = re.fullmatch(r"/surveys/(\d+)/edit", made.headers["location"])
    assert found, made.headers["location"]
    return int(found.group(1))


def add_question(client: TestClient, survey_id: int, data: dict[str, Any]) -> httpx2.Response:
    page = f"/surveys/{survey_id}/questions/new?type={data['type']}"
    return post(client, f"/surveys/{survey_id}/questions/new", data, page)


def definition(screens: Screens, key: str) -> SurveyDefinition:
    return SurveyDefinition.model_validate(screens.survey(key).definition)


# --- building ----------------------------------------------------------------------------


def test_an_admin_builds_every_question_type_reorders_and_publishes(screens: Screens) -> None:
    admin = screens.client("admin@example.com")
    assert admin.get("/surveys").status_code == 200
    survey_id = create_blank(admin, "built")
    base = f"/surveys/{survey_id}"

    # The first question came with the blank survey; give it its texts.
    saved = post(
        admin,
        f"{base}/questions/recommend",
        {**texts("Would you recommend us?"), "required": "1", "action": "save"},
        f"{base}/questions/recommend",
    )
    assert saved.status_code == 303, saved.text
    for question in (
        {
            "type": "rating",
            "key": "stars",
            **texts("Stars?"),
            **{"low_label.fi": "Huono", "low_label.sv": "Dålig", "low_label.en": "Bad"},
        },
        {"type": "ces", "key": "effort", **texts("Easy?"), "touchpoint": "checkout"},
        {"type": "expectation", "key": "expected", **texts("As expected?"), "new_page": "1"},
        {
            "type": "single_choice",
            "key": "intact",
            **texts("Intact?"),
            "entry.0.key": "yes",
            **{f"entry.0.text.{lang}": f"Yes {HOSTILE}" for lang in ("fi", "sv", "en")},
            # No key: it is made from the text.
            **{f"entry.1.text.{lang}": "Ei, rikki" for lang in ("fi", "sv", "en")},
            "entry.1.key": "",
            "entry.2.key": "",
        },
        {
            "type": "multi_choice",
            "key": "channels",
            **texts("Where?"),
            "entry.0.key": "web",
            "entry.0.order": "2",
            **{f"entry.0.text.{lang}": "Web" for lang in ("fi", "sv", "en")},
            "entry.1.key": "store",
            "entry.1.order": "1",
            **{f"entry.1.text.{lang}": "Store" for lang in ("fi", "sv", "en")},
        },
        {
            "type": "checklist",
            "key": "steps",
            **texts("Steps"),
            "entry.0.key": "greeted",
            **{f"entry.0.text.{lang}": "Greeted" for lang in ("fi", "sv", "en")},
        },
        {
            "type": "text",
            "key": "why",
            **texts("Why?"),
            "show_if.question": "recommend",
            "show_if.condition": "at_most",
            "show_if.value": "6",
            "action": "stay",
        },
    ):
        added = add_question(admin, survey_id, question)
        assert added.status_code == 303, added.text
    assert added.headers["location"] == f"{base}/questions/why?saved=1"

    built = definition(screens, "built")
    assert [q.key for q in built.questions] == [
        "recommend", "stars", "effort", "expected", "intact", "channels", "steps", "why",
    ]  # fmt: skip
    assert {q.type for q in built.questions} == {
        "rating", "nps", "ces", "expectation", "single_choice", "multi_choice", "checklist", "text",
    }  # fmt: skip
    assert built.question("recommend").required
    assert built.question("stars").low_label == {"fi": "Huono", "sv": "Dålig", "en": "Bad"}
    assert built.question("effort").touchpoint == "checkout"
    assert built.question("expected").new_page
    assert built.question("intact").option_keys() == ["yes", "ei-rikki"]
    assert built.question("channels").option_keys() == ["store", "web"]
    assert built.question("steps").option_keys() == ["greeted"]
    condition = built.question("why").show_if
    assert condition is not None
    assert (condition.question, condition.at_most) == ("recommend", 6)

    # Reorder, remove, and change an option.
    moved = post(admin, f"{base}/questions/effort/move", {"direction": "up"}, f"{base}/edit")
    assert moved.status_code == 303
    removed = post(admin, f"{base}/questions/steps/delete", {}, f"{base}/edit")
    assert removed.status_code == 303
    edited = post(
        admin,
        f"{base}/questions/intact",
        {
            **texts("Intact?"),
            "entry.0.key": "yes",
            **{f"entry.0.text.{lang}": "Kyllä" for lang in ("fi", "sv", "en")},
            "entry.1.key": "ei-rikki",
            "entry.1.remove": "1",
            "entry.2.key": "no",
            **{f"entry.2.text.{lang}": "Ei" for lang in ("fi", "sv", "en")},
            "key": "renamed",
        },
        f"{base}/questions/intact",
    )
    assert edited.status_code == 303, edited.text
    built = definition(screens, "built")
    assert [q.key for q in built.questions] == [
        "recommend", "effort", "stars", "expected", "renamed", "channels", "why",
    ]  # fmt: skip
    assert built.question("renamed").option_keys() == ["yes", "no"]

    # Every text shown escaped, on every screen that shows it.
    for path in ("/surveys", base, f"{base}/edit", f"{base}/preview", f"{base}/yaml"):
        shown = admin.get(path)
        assert shown.status_code == 200, path
        assert HOSTILE not in shown.text, path
    assert ESCAPED in admin.get(f"{base}/edit").text
    assert ESCAPED in admin.get(f"{base}/preview?lang=sv").text

    # The settings: a touchpoint, and Swedish dropped with its texts.
    settings = post(
        admin,
        f"{base}/edit",
        {
            "kind": "customer",
            "languages": ["fi", "en"],
            "title.fi": "Otsikko",
            "title.sv": "Rubrik",
            "title.en": "Title",
            "touchpoint": "home-delivery",
        },
        f"{base}/edit",
    )
    assert settings.status_code == 303, settings.text
    assert settings.headers["location"] == f"{base}/edit?saved=settings&dropped=sv"
    assert "sv were removed" in admin.get(settings.headers["location"]).text
    built = definition(screens, "built")
    assert built.languages == ["fi", "en"]
    assert built.touchpoint == "home-delivery"
    assert "sv" not in built.question("why").text

    published = post(admin, f"{base}/publish", {}, base)
    assert published.status_code == 303, published.text
    assert screens.survey("built").status == "published"
    page = admin.get(published.headers["location"])
    assert "Published: respondents now answer this version." in page.text
    assert "/s/" in page.text

    # Once published, a question's key stays.
    kept = post(admin, f"{base}/questions/why", {**texts("Why?", ("fi", "en")), "key": "x"}, base)
    assert kept.status_code == 303
    assert "why" in [q.key for q in definition(screens, "built").questions]
    assert "draft has changes" in admin.get(base).text

    closed = post(admin, f"{base}/close", {}, base)
    assert closed.status_code == 303
    assert screens.survey("built").status == "closed"
    actions = [(action, details.get("change")) for action, _, details in screens.audit()]
    assert actions[0] == ("survey.create", None)
    assert ("survey.update", "question_add") in actions
    assert ("survey.update", "question_move") in actions
    assert ("survey.update", "question_remove") in actions
    assert ("survey.update", "settings") in actions
    assert actions[-3:] == [
        ("survey.publish", None),
        ("survey.update", "question_edit"),
        ("survey.close", None),
    ]
    assert all(target == "built" for _, target, _ in screens.audit())


def test_publishing_refused_names_what_is_missing(screens: Screens) -> None:
    admin = screens.client("admin@example.com")
    survey_id = create_blank(admin, "half-done")
    base = f"/surveys/{survey_id}"
    overview = admin.get(base)
    assert "questions[0] (recommend).text: no fi translation" in overview.text
    refused = post(admin, f"{base}/publish", {}, base)
    assert refused.status_code == 422
    assert "cannot publish &#39;half-done&#39;: questions[0] (recommend).text" in refused.text
    assert "questions[0] (recommend).text: no en translation" in refused.text
    assert screens.survey("half-done").status == "draft"


def test_definition_errors_name_the_path_and_keep_what_was_written(screens: Screens) -> None:
    admin = screens.client("admin@example.com")
    survey_id = create_blank(admin, "errors")
    base = f"/surveys/{survey_id}"

    no_options = add_question(
        admin, survey_id, {"type": "single_choice", "key": "pick", **texts("Pick")}
    )
    assert no_options.status_code == 422
    assert "questions[1]: a single_choice question needs options" in no_options.text
    assert 'value="Pick (sv)"' in no_options.text  # what was written is still there

    later = add_question(
        admin,
        survey_id,
        {"type": "text", "key": "t", **texts("T"), "show_if.question": "nope"},
    )
    assert later.status_code == 422
    assert "refers to &#39;nope&#39;, which is not an earlier question" in later.text

    bad_key = add_question(admin, survey_id, {"type": "text", "key": "Bad Key!", **texts("T")})
    assert bad_key.status_code == 422
    assert "questions[1].key: String should match pattern" in bad_key.text

    yaml_page = admin.get(f"{base}/yaml")
    assert "key: errors" in yaml_page.text
    broken = (
        "key: errors\nlanguages: [fi]\ntitle: {fi: x}\n"
        "questions:\n  - key: a\n    type: stars\n    text: {fi: A}\n"
    )
    refused = post(admin, f"{base}/yaml", {"text": broken}, f"{base}/yaml")
    assert refused.status_code == 422
    assert "questions[0].type: Input should be" in refused.text
    assert "type: stars" in refused.text
    renamed = broken.replace("key: errors", "key: other").replace("stars", "nps")
    conflict = post(admin, f"{base}/yaml", {"text": renamed}, f"{base}/yaml")
    assert conflict.status_code == 409
    assert "is not this survey" in conflict.text
    garbage = post(admin, f"{base}/yaml", {"text": "key: [unclosed"}, f"{base}/yaml")
    assert garbage.status_code == 422
    assert "not valid JSON or YAML" in garbage.text

    good = broken.replace("stars", "nps")
    saved = post(admin, f"{base}/yaml", {"text": good}, f"{base}/yaml")
    assert saved.status_code == 303
    assert definition(screens, "errors").languages == ["fi"]
    updates = [details["change"] for action, _, details in screens.audit() if details.get("change")]
    assert updates == ["yaml"]

    last = post(admin, f"{base}/questions/a/delete", {}, f"{base}/edit")
    assert last.status_code == 422
    assert "questions: List should have at least 1 item" in last.text

    taken = post(
        admin,
        "/surveys/new",
        {"start": "blank", "key": "errors", "languages": ["fi"]},
        "/surveys/new",
    )
    assert taken.status_code == 409
    assert "exists already" in taken.text


def test_a_survey_from_a_template_under_its_own_key(screens: Screens) -> None:
    admin = screens.client("admin@example.com")
    page = admin.get("/surveys/new")
    assert "How did your delivery go?" in page.text
    made = post(
        admin,
        "/surveys/new",
        {"start": "template", "template": "post-delivery", "key": "delivery-2"},
        "/surveys/new",
    )
    assert made.status_code == 303, made.text
    assert definition(screens, "delivery-2").touchpoint == "home-delivery"
    unknown = post(admin, "/surveys/new", {"start": "template", "template": "../x"}, "/surveys/new")
    assert unknown.status_code == 404
    assert "no survey template" in unknown.text


# --- preview -----------------------------------------------------------------------------


def test_the_preview_walks_the_pages_in_each_language_and_stores_nothing(screens: Screens) -> None:
    survey = publish_template(screens.database, "post-delivery")
    admin = screens.client("admin@example.com")
    base = f"/surveys/{survey.id}/preview"
    said = {
        "fi": "Kuinka tyytyväinen olet toimitukseen kokonaisuutena?",
        "sv": "Hur nöjd är du med leveransen som helhet?",
        "en": "Overall, how satisfied are you with the delivery?",
    }
    for language, text in said.items():
        page = admin.get(base, params={"lang": language})
        assert page.status_code == 200
        assert text in page.text
        assert f'<html lang="{language}">' in page.text
        assert (
            "nothing you answer is stored" in page.text
            or "tallenneta" in page.text
            or ("sparas" in page.text)
        )
        assert 'action="/surveys/' in page.text
    # A required question left empty is named, as on the real page.
    empty = admin.post(base, data={"p": "0", "lang": "en", "answers": "{}"})
    assert empty.status_code == 422
    assert "This question needs an answer." in empty.text
    # Low stars open the improvement page; the answers travel in the form.
    first = admin.post(base, data={"p": "0", "lang": "en", "q.delivery-stars": "2"})
    assert first.status_code == 200
    assert "What could we have done better?" in first.text
    carried = re.search(r'name="answers" value="([^"]+)"', first.text)
    assert carried is not None
    answers = carried.group(1).replace("&#34;", '"')
    done = admin.post(base, data={"p": "1", "lang": "en", "answers": answers, "q.improve": HOSTILE})
    assert done.status_code == 200
    assert "Nothing was stored" in done.text
    # Tampered carried answers are checked again, never trusted.
    odd = admin.post(base, data={"p": "1", "lang": "en", "answers": '{"delivery-stars": "x"}'})
    assert odd.status_code == 200
    with screens.database.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Response)) == 0


# --- sharing -----------------------------------------------------------------------------


def test_qr_codes_per_touchpoint_and_the_widget_snippet(screens: Screens) -> None:
    survey = publish_template(screens.database, "store-visit")
    manager = screens.client("manager@example.com")
    base = f"/surveys/{survey.id}"
    page = manager.get(f"{base}/share", params={"touchpoint": "store-purchase", "unit": "store"})
    assert page.status_code == 200
    assert f'src="{base}/qr.svg?touchpoint=store-purchase&amp;unit=store"' in page.text
    assert f"/s/{survey.public_id}?via=qr&amp;tp=store-purchase&amp;unit=store" in page.text
    assert f"data-survey=&#34;{survey.public_id}&#34;" in page.text
    assert "data-touchpoint=&#34;store-purchase&#34;" in page.text
    svg = manager.get(f"{base}/qr.svg", params={"touchpoint": "store-purchase"})
    assert svg.status_code == 200
    assert svg.headers["content-type"] == "image/svg+xml"
    assert svg.headers["content-security-policy"] == "default-src 'none'"
    assert b"tp=store-purchase" in svg.content
    png = manager.get(f"{base}/qr.png", params={"download": "1", "unit": "store"})
    assert png.content.startswith(b"\x89PNG")
    assert png.headers["content-disposition"] == 'attachment; filename="store-visit-store-qr.png"'
    unknown = manager.get(f"{base}/share", params={"touchpoint": "nowhere"})
    assert unknown.status_code == 422
    assert "&#39;nowhere&#39; is not a touchpoint" in unknown.text
    assert manager.get(f"{base}/qr.svg", params={"touchpoint": "nowhere"}).status_code == 404
    hostile = manager.get(f"{base}/share", params={"touchpoint": HOSTILE})
    assert hostile.status_code == 422
    assert HOSTILE not in hostile.text


# --- triggers ----------------------------------------------------------------------------


def test_triggers_are_added_with_their_rules_and_disabled(screens: Screens) -> None:
    survey = publish_template(screens.database, "post-delivery")
    analyst = screens.client("analyst@example.com")
    base = f"/surveys/{survey.id}/triggers"
    rules = {
        "event_name": "Order Delivered",
        "delay": "2",
        "delay_unit": "days",
        "sample_percent": "12,5",
        "fatigue_days": "45",
        "quiet_start": "22:00",
        "quiet_end": "07:30",
        "require_consent": "1",
        "remind_after_days": "",
    }
    added = post(analyst, base, rules, base)
    assert added.status_code == 303, added.text
    by_touchpoint = post(
        analyst,
        base,
        {
            **rules,
            "event_name": "",
            "touchpoint": "home-delivery",
            "quiet_start": "",
            "quiet_end": "",
        },
        base,
    )
    assert by_touchpoint.status_code == 303, by_touchpoint.text
    with screens.database.transaction() as session:
        first, second = session.scalars(select(Trigger).order_by(Trigger.id))
        assert (first.event_name, first.delay_minutes, first.sample_percent) == (
            "Order Delivered", 2 * 24 * 60, 12.5,
        )  # fmt: skip
        assert (first.fatigue_days, first.quiet_start, first.quiet_end) == (45, "22:00", "07:30")
        assert first.require_consent
        assert first.remind_after_days is None
        assert second.touchpoint_id is not None
        assert second.quiet_start is None
    page = analyst.get(base)
    assert "2 days" in page.text
    assert "22:00–07:30" in page.text

    both = post(analyst, base, {**rules, "touchpoint": "home-delivery"}, base)
    assert both.status_code == 422
    assert "event_name: name either an event name or a touchpoint" in both.text
    assert 'value="Order Delivered"' in both.text
    not_a_number = post(analyst, base, {**rules, "fatigue_days": "lots"}, base)
    assert not_a_number.status_code == 422
    assert "fatigue_days: &#39;lots&#39; is not a whole number" in not_a_number.text
    half_quiet = post(analyst, base, {**rules, "quiet_end": ""}, base)
    assert "quiet_hours: give both" in half_quiet.text

    disabled = post(analyst, f"{base}/{first.id}/disable", {}, base)
    assert disabled.status_code == 303
    with screens.database.transaction() as session:
        assert session.get(Trigger, first.id).active is False  # type: ignore[union-attr]
    other = publish_template(screens.database, "store-visit")
    wrong = post(analyst, f"/surveys/{other.id}/triggers/{second.id}/disable", {}, base)
    assert wrong.status_code == 404
    actions = [action for action, _, _ in screens.audit()]
    assert actions == ["survey.trigger_create", "survey.trigger_create", "survey.trigger_disable"]

    pulse = publish_template(screens.database, "five-star-workday")
    assert "Only customer surveys are sent" in analyst.get(f"/surveys/{pulse.id}/triggers").text


# --- responses ---------------------------------------------------------------------------


def delivery_survey(key: str) -> SurveyDefinition:
    both = {"fi": key, "en": key}
    return SurveyDefinition.model_validate(
        {
            "key": key,
            "languages": ["fi", "en"],
            "title": both,
            "touchpoint": "home-delivery",
            "questions": [
                {
                    "key": "recommend",
                    "type": "nps",
                    "text": {"fi": "Suosittelisitko?", "en": "Recommend?"},
                },
                {
                    "key": "reason",
                    "type": "single_choice",
                    "text": both,
                    "options": [{"key": "price", "text": {"fi": HOSTILE, "en": HOSTILE}}],
                },
                {"key": "comment", "type": "text", "text": {"fi": "Miksi?", "en": "Why?"}},
            ],
        }
    )


def answer(database: Database, key: str, comment: str, *, unit: str, day: int) -> None:
    body = ResponseIn(
        answers={"recommend": 3, "reason": "price", "comment": comment},
        language="fi",
        unit=unit,
        submitted_at=datetime(2026, 10, day, 9, tzinfo=UTC),
    )
    accept_response(database, key, body)


def test_responses_show_redacted_text_page_and_export(
    screens: Screens, monkeypatch: pytest.MonkeyPatch
) -> None:
    survey = publish(screens.database, delivery_survey("delivery"))
    answer(screens.database, "delivery", f"Soita 040 123 4567 {HOSTILE}", unit="carrier", day=1)
    answer(screens.database, "delivery", "Paketti oli rikki.", unit="carrier", day=2)
    answer(screens.database, "delivery", "Myymälässä palveltiin hyvin.", unit="store", day=3)
    admin = screens.client("admin@example.com")
    base = f"/surveys/{survey.id}"

    waiting = admin.get(f"{base}/responses")
    assert "Waiting for text analysis." in waiting.text
    assert "Paketti oli rikki" not in waiting.text
    analyze_all(screens.database)

    monkeypatch.setattr(responses, "PAGE_SIZE", 2)
    page = admin.get(f"{base}/responses")
    assert page.status_code == 200
    assert "Complete responses: 3" in page.text
    assert "Myymälässä palveltiin hyvin." in page.text
    assert "Paketti oli rikki." in page.text
    assert "040 123 4567" not in page.text
    older = re.search(r'href="(\?before=\d+)"', page.text)
    assert older is not None
    last = admin.get(f"{base}/responses{older.group(1)}")
    assert "[PHONE]" in last.text or "PHONE" in last.text
    assert "040 123 4567" not in last.text
    assert HOSTILE not in last.text
    assert "&lt;script&gt;" in last.text
    assert "Myymälässä" not in last.text

    listed = admin.get("/surveys")
    row = re.search(rf'<tr id="survey-{survey.id}">.*?</tr>', listed.text, re.S)
    assert row is not None
    assert ">3</a>" in row.group(0)

    exported = admin.get(f"{base}/export.csv")
    assert exported.status_code == 200
    assert (
        exported.headers["content-disposition"] == 'attachment; filename="delivery-responses.csv"'
    )
    table = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert len(table) == 3
    assert all("040 123 4567" not in row["comment"] for row in table)
    workbook = admin.get(f"{base}/export.xlsx")
    sheet = load_workbook(io.BytesIO(workbook.content)).active
    assert sheet is not None
    assert sheet.max_row == 4
    exports = [details for action, _, details in screens.audit() if action == "survey.export"]
    assert exports == [{"format": "csv", "units": "all"}, {"format": "xlsx", "units": "all"}]


# --- who may do what ---------------------------------------------------------------------


def test_roles_and_units(screens: Screens) -> None:
    delivery = publish(screens.database, delivery_survey("delivery"))
    store = publish_template(screens.database, "store-visit")
    draft_id = create_blank(screens.client("analyst@example.com"), "analysts-draft")
    answer(screens.database, "delivery", "Kuljettaja oli ystävällinen.", unit="carrier", day=1)
    answer(screens.database, "delivery", "Tuote haettiin myymälästä.", unit="store", day=2)
    analyze_all(screens.database)

    carrier = screens.client("carrier@example.com")
    listed = carrier.get("/surveys")
    assert f"/surveys/{delivery.id}" in listed.text
    assert f'/surveys/{store.id}"' not in listed.text
    assert "New survey" not in listed.text
    table = carrier.get(f"/surveys/{delivery.id}/responses")
    assert "Complete responses: 1" in table.text
    assert "Kuljettaja oli ystävällinen." in table.text
    assert "Tuote haettiin myymälästä." not in table.text
    assert "Export CSV" not in table.text
    assert carrier.get(f"/surveys/{delivery.id}/export.csv").status_code == 403
    assert carrier.get(f"/surveys/{store.id}").status_code == 403
    assert carrier.get(f"/surveys/{store.id}/responses").status_code == 403
    assert carrier.get(f"/surveys/{store.id}/qr.svg").status_code == 403
    assert carrier.get(f"/surveys/{delivery.id}/edit").status_code == 403
    assert carrier.get("/surveys/new").status_code == 403
    for path in (f"/surveys/{delivery.id}/publish", f"/surveys/{delivery.id}/close"):
        refused = post(carrier, path, {}, f"/surveys/{delivery.id}")
        assert refused.status_code == 403
    assert screens.survey("delivery").status == "published"

    # The manager of the store sees the store's survey, and the delivery survey through the
    # store's response to it; of that one, only the store's response, and may export it.
    manager = screens.client("manager@example.com")
    listed = manager.get("/surveys")
    assert f"/surveys/{store.id}" in listed.text
    assert f"/surveys/{delivery.id}" in listed.text
    assert f'/surveys/{draft_id}"' not in listed.text
    exported = manager.get(f"/surveys/{delivery.id}/export.csv")
    assert exported.status_code == 200
    rows = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert [row["unit"] for row in rows] == ["store"]
    assert "Build" not in manager.get(f"/surveys/{store.id}").text
    triggers = manager.get(f"/surveys/{store.id}/triggers")
    assert "New trigger" not in triggers.text
    trigger_post = post(manager, f"/surveys/{store.id}/triggers", {"event_name": "X"}, "/surveys")
    assert trigger_post.status_code == 403

    front = screens.client("front@example.com")
    assert front.get(f"/surveys/{store.id}/preview").status_code == 200
    assert front.get(f"/surveys/{store.id}/export.xlsx").status_code == 403

    # The analyst builds; a form without the session's token is refused.
    analyst = screens.client("analyst@example.com")
    forged = analyst.post(
        f"/surveys/{store.id}/close", data={"csrf": "forged"}, follow_redirects=False
    )
    assert forged.status_code == 403
    assert screens.survey("store-visit").status == "published"
    assert analyst.get("/surveys/999999").status_code == 404


def test_single_answers_to_an_employee_pulse_are_never_shown(screens: Screens) -> None:
    pulse = publish_template(screens.database, "five-star-workday")
    admin = screens.client("admin@example.com")
    page = admin.get(f"/surveys/{pulse.id}/responses")
    assert "are not shown: they are anonymous" in page.text
    assert "Export CSV" not in page.text
    assert admin.get(f"/surveys/{pulse.id}/export.csv").status_code == 403


# --- the forms, as pure functions ----------------------------------------------------------


def test_form_rows_become_options_in_order_and_keys_from_text() -> None:
    form = FormData(
        [
            ("entry.0.key", "b"), ("entry.0.order", "2"), ("entry.0.text.fi", "Bee"),
            ("entry.1.key", ""), ("entry.1.order", "1"), ("entry.1.text.fi", "Äänekoski ok"),
            ("entry.2.key", "gone"), ("entry.2.remove", "1"), ("entry.2.text.fi", "x"),
            ("entry.3.key", ""), ("entry.3.order", "4"),
        ]
    )  # fmt: skip
    assert forms.entries_from(form, ["fi"]) == [
        {"key": "aanekoski-ok", "text": {"fi": "Äänekoski ok"}},
        {"key": "b", "text": {"fi": "Bee"}},
    ]
    assert forms.slug("!!!", "option-3") == "option-3"
    assert forms.unique_key("nps", ["nps", "nps-2"]) == "nps-3"


@pytest.mark.parametrize(
    ("condition", "given", "target", "expected"),
    [
        ("equals", "7", "nps", {"equals": 7}),
        ("equals", "yes", "single_choice", {"equals": "yes"}),
        ("any_of", "a, b", "multi_choice", {"any_of": ["a", "b"]}),
        ("any_of", "1,2", "rating", {"any_of": [1, 2]}),
        ("at_most", "6", "nps", {"at_most": 6}),
        ("at_least", "x", "nps", {"at_least": "x"}),
        ("answered", "", "text", {"answered": True}),
        ("not_answered", "", "text", {"answered": False}),
    ],
)
def test_show_if_from_the_form_and_back(
    condition: str, given: str, target: str, expected: dict[str, Any]
) -> None:
    form = FormData(
        [("show_if.question", "q"), ("show_if.condition", condition), ("show_if.value", given)]
    )
    made = forms.show_if_from(form, {"q": target})
    assert made == {"question": "q", **expected}
    if condition != "at_least":
        shown = forms.show_if_fields({"show_if": made})
        assert shown[:2] == ("q", condition)


def test_dropping_a_language_drops_its_texts_everywhere() -> None:
    document = {
        "key": "k",
        "languages": ["fi", "sv"],
        "title": {"fi": "a", "sv": "b"},
        "questions": [
            {
                "key": "q",
                "type": "single_choice",
                "text": {"fi": "c", "sv": "d"},
                "help": {"sv": "e"},
                "options": [{"key": "o", "text": {"fi": "f", "sv": "g"}}],
            }
        ],
    }
    form = FormData([("languages", "fi"), ("title.fi", "A"), ("title.sv", "B")])
    updated, dropped = forms.settings_from_form(form, document)
    assert dropped == ["sv"]
    assert updated["title"] == {"fi": "A"}
    question = updated["questions"][0]
    assert question["text"] == {"fi": "c"}
    assert "help" not in question
    assert question["options"][0]["text"] == {"fi": "f"}
