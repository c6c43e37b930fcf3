"""The feedback explorer on both stores: filters, search, scope, and correcting labels."""

import re
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from kokemus.app import create_app
from kokemus.audit.models import AuditEntry
from kokemus.config import Settings
from kokemus.enrich.explorer import FeedbackFilters, search_feedback
from kokemus.enrich.models import TextAnalysisRecord, TextCorrection
from kokemus.enrich.service import analyze_all
from kokemus.metrics.breakdown import BreakdownQuery, group_counts, read_counts
from kokemus.store import Database
from kokemus.surveys.definition import SurveyDefinition
from kokemus.surveys.external import ResponseIn, accept_response
from tests.accounts.helpers import add_user
from tests.factories import load_default_journey
from tests.surveys.helpers import publish
from tests.web.helpers import csrf_of, sign_in

HOSTILE = '<script>alert("x")</script>'


def texts(value: str) -> dict[str, str]:
    return {"fi": value, "sv": value, "en": value}


def delivery_survey(key: str, touchpoint: str) -> SurveyDefinition:
    return SurveyDefinition.model_validate(
        {
            "key": key,
            "languages": ["fi", "sv", "en"],
            "title": texts(key),
            "touchpoint": touchpoint,
            "questions": [
                {"key": "recommend", "type": "nps", "text": texts("Recommend?")},
                {"key": "comment", "type": "text", "text": texts("Why?")},
            ],
        }
    )


@dataclass
class Feedback:
    database: Database
    settings: Settings
    clients: ExitStack = field(default_factory=ExitStack)

    def client(self, email: str) -> TestClient:
        client = self.clients.enter_context(TestClient(create_app(self.settings, self.database)))
        assert sign_in(client, email).status_code == 303
        return client

    def analyses(self) -> dict[str, TextAnalysisRecord]:
        with self.database.transaction() as session:
            return {r.redacted: r for r in session.scalars(select(TextAnalysisRecord))}


COMMENTS = (
    # (survey, score, comment, when)
    (
        "delivery",
        2,
        "Tuoli tuli rikki ja kuljettaja oli töykeä.",
        datetime(2026, 10, 3, 9, tzinfo=UTC),
    ),
    ("delivery", 10, "Nopea toimitus, kiitos!", datetime(2026, 10, 12, 9, tzinfo=UTC)),
    ("delivery", 8, f"Ok delivery {HOSTILE}", datetime(2026, 9, 20, 9, tzinfo=UTC)),
    ("website", 3, "Sivusto oli hidas ja kassa ei toiminut.", datetime(2026, 10, 5, 9, tzinfo=UTC)),
)


@pytest.fixture
def feedback(settings: Settings, database: Database) -> Iterator[Feedback]:
    load_default_journey(database)
    publish(database, delivery_survey("delivery", "home-delivery"))
    publish(database, delivery_survey("website", "website"))
    for key, score, comment, when in COMMENTS:
        body = ResponseIn(
            answers={"recommend": score, "comment": comment}, language="fi", submitted_at=when
        )
        accept_response(database, key, body)
    analyze_all(database)
    add_user(database, "analyst@example.com", role="analyst")
    add_user(database, "carrier@example.com", role="partner", units=["carrier"])
    add_user(database, "front@example.com", role="frontline", units=["store"])
    shown = Feedback(database, settings)
    with shown.clients:
        yield shown


def comments(html: str) -> list[str]:
    return [
        re.sub(r"\s+", " ", found).strip()
        for found in re.findall(r"<blockquote[^>]*>(.*?)</blockquote>", html, re.S)
    ]


def test_filters_search_and_escaping(feedback: Feedback) -> None:
    client = feedback.client("analyst@example.com")
    everything = client.get("/feedback")
    assert everything.status_code == 200
    assert len(comments(everything.text)) == 4
    assert HOSTILE not in everything.text
    assert "&lt;script&gt;" in everything.text
    assert '<a href="/feedback">Clear filters</a>' in everything.text
    # The latest to arrive first.
    assert comments(everything.text)[0] == "Sivusto oli hidas ja kassa ei toiminut."

    def shown(**params: str) -> list[str]:
        page = client.get("/feedback", params=params)
        assert page.status_code == 200, page.text
        return comments(page.text)

    assert shown(touchpoint="website") == ["Sivusto oli hidas ja kassa ei toiminut."]
    assert shown(q="RIKKI") == ["Tuoli tuli rikki ja kuljettaja oli töykeä."]
    assert shown(score="high") == ["Nopea toimitus, kiitos!"]
    assert set(shown(score="low")) == {
        "Tuoli tuli rikki ja kuljettaja oli töykeä.",
        "Sivusto oli hidas ja kassa ei toiminut.",
    }
    assert shown(**{"from": "2026-10-01", "to": "2026-10-04"}) == [
        "Tuoli tuli rikki ja kuljettaja oli töykeä."
    ]
    assert "Tuoli tuli rikki ja kuljettaja oli töykeä." in shown(theme="delivery_damage")
    assert "Nopea toimitus, kiitos!" not in shown(theme="delivery_damage")
    assert "Nopea toimitus, kiitos!" in shown(sentiment="positive")
    assert "Tuoli tuli rikki ja kuljettaja oli töykeä." not in shown(sentiment="positive")


def test_paging_with_the_cursor(feedback: Feedback) -> None:
    with feedback.database.transaction() as session:
        first = search_feedback(session, FeedbackFilters(), limit=3)
        assert first.next_before is not None
        rest = search_feedback(session, FeedbackFilters(), limit=3, before=first.next_before)
    assert len(first.items) == 3
    assert len(rest.items) == 1
    assert rest.next_before is None
    ids = [item.analysis_id for item in first.items + rest.items]
    assert ids == sorted(ids, reverse=True)
    assert len(set(ids)) == 4


def test_bad_filters_are_named(feedback: Feedback) -> None:
    client = feedback.client("analyst@example.com")
    bad_day = client.get("/feedback", params={"from": "2026-13-40"})
    assert bad_day.status_code == 422
    assert "from" in bad_day.text
    assert client.get("/feedback", params={"unit": "nowhere"}).status_code == 422
    assert client.get("/feedback", params={"sentiment": "angry"}).status_code == 422


def test_a_partner_sees_only_its_touchpoints_comments(feedback: Feedback) -> None:
    client = feedback.client("carrier@example.com")
    page = client.get("/feedback")
    assert page.status_code == 200
    shown = comments(page.text)
    assert "Sivusto oli hidas ja kassa ei toiminut." not in shown
    assert "Tuoli tuli rikki ja kuljettaja oli töykeä." in shown
    # ...and may not correct labels.
    assert "/labels" not in page.text


def test_an_analyst_corrects_labels_and_the_theme_figures_follow(feedback: Feedback) -> None:
    records = feedback.analyses()
    fast = records["Nopea toimitus, kiitos!"]
    client = feedback.client("analyst@example.com")
    form = client.get("/feedback")
    response = client.post(
        f"/feedback/{fast.id}/labels",
        data={
            "csrf": csrf_of(form),
            "sentiment": "mixed",
            "themes": ["delivery_speed", "courier"],
            "back": "/feedback?touchpoint=home-delivery",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/feedback?touchpoint=home-delivery&saved={fast.id}"
    with feedback.database.transaction() as session:
        corrected = session.get(TextAnalysisRecord, fast.id)
        assert corrected is not None
        assert corrected.sentiment == "mixed"
        assert corrected.themes == ["delivery_speed", "courier"]
        history = list(
            session.scalars(
                select(TextCorrection.field).where(TextCorrection.analysis_id == fast.id)
            )
        )
        assert sorted(history) == ["sentiment", "themes"]
        assert session.scalar(select(AuditEntry).where(AuditEntry.action == "text.correct"))
        query = BreakdownQuery("nps", date(2026, 1, 1), date(2026, 12, 31), ("theme",))
        context, plan, counts = read_counts(session, query)
        by_theme = group_counts(query, plan, context, counts)
        raw_context, raw_plan, raw_counts = read_counts(session, query, raw=True)
        assert by_theme == group_counts(query, raw_plan, raw_context, raw_counts)
        # The promoter (10) now counts under courier.
        assert by_theme[("courier",)][10] >= 1
    page = client.get("/feedback", params={"saved": fast.id})
    assert "Labels saved." in page.text
    assert "Corrected by an analyst" in page.text


def test_corrections_need_the_role_and_the_form_token(feedback: Feedback) -> None:
    record = feedback.analyses()["Nopea toimitus, kiitos!"]
    front = feedback.client("front@example.com")
    form = front.get("/feedback")
    denied = front.post(
        f"/feedback/{record.id}/labels",
        data={"csrf": csrf_of(form) if 'name="csrf"' in form.text else "", "sentiment": "negative"},
    )
    assert denied.status_code == 403
    analyst = feedback.client("analyst@example.com")
    assert (
        analyst.post(f"/feedback/{record.id}/labels", data={"sentiment": "negative"}).status_code
        == 403
    )
    form = analyst.get("/feedback")
    unknown = analyst.post(
        f"/feedback/{record.id}/labels",
        data={"csrf": csrf_of(form), "sentiment": "negative", "themes": ["no_such_theme"]},
    )
    assert unknown.status_code == 422
    assert "themes" in unknown.text
    with feedback.database.transaction() as session:
        unchanged = session.get(TextAnalysisRecord, record.id)
        assert unchanged is not None
        assert unchanged.sentiment == record.sentiment


def test_comments_name_their_touchpoint_and_unit(feedback: Feedback) -> None:
    page = feedback.client("analyst@example.com").get("/feedback")
    assert "<span>Home delivery</span>" in page.text
    assert "<span>Delivery partner</span>" in page.text
    assert "<span>home-delivery</span>" not in page.text
    assert '<option value="carrier">Delivery partner</option>' in page.text
