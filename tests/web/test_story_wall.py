"""The story wall on both stores: stories per touchpoint with reasons, scoped and escaped."""

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from kokemus.app import create_app
from kokemus.config import Settings
from kokemus.enrich.service import analyze_all
from kokemus.store import Database
from kokemus.store.base import utcnow
from kokemus.surveys.external import ResponseIn, accept_response
from tests.accounts.helpers import add_user
from tests.factories import load_default_journey
from tests.surveys.helpers import publish
from tests.web.helpers import sign_in
from tests.web.test_feedback_page import delivery_survey

HOSTILE = '<img src=x onerror="alert(1)">'
DELIVERY = (
    "Tuoli tuli rikki kuljetuksessa ja jouduin odottamaan vaihtoa kaksi viikkoa.",
    "Kuljettaja kantoi paketin ystävällisesti sisälle asti, kiitos siitä!",
    "Toimitus oli myöhässä eikä kukaan ilmoittanut mitään etukäteen.",
    "Toimitus oli myöhässä eikä kukaan ilmoittanut mitään etukäteen.",
    f"The parcel arrived on time but the box was dented {HOSTILE}",
)
WEBSITE = ("Verkkokaupan kassa kaatui kolme kertaa ennen kuin maksu onnistui.",)


@pytest.fixture
def client(settings: Settings, database: Database) -> Iterator[TestClient]:
    load_default_journey(database)
    publish(database, delivery_survey("delivery", "home-delivery"))
    publish(database, delivery_survey("website", "website"))
    now = utcnow()
    for days, comment in enumerate(DELIVERY):
        body = ResponseIn(
            answers={"recommend": 5, "comment": comment},
            language="en" if comment.startswith("The") else "fi",
            submitted_at=now - timedelta(days=days + 1),
        )
        accept_response(database, "delivery", body)
    old = ResponseIn(
        answers={"recommend": 2, "comment": WEBSITE[0]}, submitted_at=now - timedelta(days=200)
    )
    accept_response(database, "website", old)
    analyze_all(database)
    add_user(database, "manager@example.com", role="manager", units=["logistics"])
    with TestClient(create_app(settings, database)) as client:
        assert sign_in(client, "manager@example.com").status_code == 303
        yield client


def stories(html: str) -> list[str]:
    return [
        re.sub(r"\s+", " ", found).strip()
        for found in re.findall(r"<blockquote[^>]*>(.*?)</blockquote>", html, re.S)
    ]


def test_stories_per_touchpoint_with_reasons(client: TestClient) -> None:
    page = client.get("/stories")
    assert page.status_code == 200
    shown = stories(page.text)
    # Three per group at most, no near-duplicates, nothing older than the period.
    assert 1 <= len(shown) <= 3
    assert len(set(shown)) == len(shown)
    assert WEBSITE[0] not in shown
    assert page.text.count('class="why"') == len(shown)
    assert HOSTILE not in page.text


def test_a_longer_period_and_another_grouping(client: TestClient) -> None:
    page = client.get("/stories", params={"days": 365, "group_by": "theme"})
    assert page.status_code == 200
    assert len(stories(page.text)) >= 2


def test_bad_parameters_are_refused(client: TestClient) -> None:
    assert client.get("/stories", params={"days": 0}).status_code == 422
    assert client.get("/stories", params={"unit": "nowhere"}).status_code == 422
    assert client.get("/stories", params={"group_by": "colour"}).status_code == 422


def test_reasons_are_said_in_the_users_language(
    settings: Settings, database: Database, client: TestClient
) -> None:
    add_user(database, "paivi@example.com", role="manager", units=["logistics"], language="fi")
    with TestClient(create_app(settings, database)) as finnish:
        assert sign_in(finnish, "paivi@example.com").status_code == 303
        page = finnish.get("/stories", params={"days": 365, "group_by": "theme"})
    assert page.status_code == 200
    reasons = re.findall(r'<p class="why"><span>[^<]*</span>([^<]*)</p>', page.text)
    assert reasons
    assert all(re.search(r"kielteinen|myönteinen|neutraali|ristiriitaisia", r) for r in reasons)
    assert all(re.search(r"sitten|vuorokauden", r) for r in reasons)
    # Themes by their Finnish names, never by id, and no English left.
    assert not any(
        re.search(r"\b[a-z]+_[a-z]+\b|\b(about|days old|comments here)\b", r) for r in reasons
    )


def test_units_go_by_their_names(client: TestClient) -> None:
    page = client.get("/stories", params={"days": 365, "group_by": "unit"})
    assert page.status_code == 200
    headings = re.findall(r'<h2 id="group-\d+">([^<]*)</h2>', page.text)
    assert "Delivery partner" in headings
    assert "carrier" not in headings
    assert '<option value="logistics">Logistics</option>' in page.text
