"""The overview on both stores: headline figures equal the metrics service's, the heatmap,
charts as data blocks with their tables, drill-downs, and scope."""

import json
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from fastapi.testclient import TestClient

from kokemus.app import create_app
from kokemus.config import Settings
from kokemus.enrich.service import analyze_all
from kokemus.metrics.breakdown import BreakdownQuery
from kokemus.metrics.service import breakdown
from kokemus.store import Database
from kokemus.surveys.definition import SurveyDefinition
from kokemus.surveys.external import ResponseIn, accept_response
from tests.accounts.helpers import add_user
from tests.factories import load_default_journey
from tests.surveys.helpers import publish
from tests.web.helpers import assert_no_inline_script, sign_in


def texts(value: str) -> dict[str, str]:
    return {"fi": value, "sv": value, "en": value}


SURVEY = SurveyDefinition.model_validate(
    {
        "key": "delivery",
        "languages": ["fi", "sv", "en"],
        "title": texts("Delivery"),
        "touchpoint": "home-delivery",
        "questions": [
            {"key": "recommend", "type": "nps", "text": texts("Recommend?")},
            {"key": "stars", "type": "rating", "text": texts("Stars?")},
            {"key": "effort", "type": "ces", "text": texts("Effort?")},
            {"key": "expected", "type": "expectation", "text": texts("Expected?")},
            {"key": "comment", "type": "text", "text": texts("Why?")},
        ],
    }
)
# (NPS, stars, CES, expectation, month)
ANSWERS = [
    (10, 5, 2, 4, 10), (9, 4, 3, 3, 10), (3, 2, 6, 1, 10), (8, 4, 2, 3, 10),
    (6, 3, 5, 2, 9), (10, 5, 1, 5, 9), (2, 1, 7, 1, 9),
]  # fmt: skip


@pytest.fixture
def client(settings: Settings, database: Database) -> Iterator[TestClient]:
    load_default_journey(database)
    publish(database, SURVEY)
    for number, (nps, stars, effort, expected, month) in enumerate(ANSWERS):
        answers: dict[str, int | str] = {
            "recommend": nps,
            "stars": stars,
            "effort": effort,
            "expected": expected,
            "comment": "Tuoli tuli rikki kuljetuksessa ja kukaan ei soittanut minulle.",
        }
        accept_response(
            database,
            "delivery",
            ResponseIn(
                answers=answers,
                unit="carrier",
                submitted_at=datetime(2026, month, 10 + number, 9, tzinfo=UTC),
            ),
        )
    analyze_all(database)
    add_user(database, "analyst@example.com", role="analyst")
    add_user(database, "carrier@example.com", role="partner", units=["carrier"])
    with TestClient(create_app(settings, database)) as client:
        yield client


def test_the_overview_shows_the_services_figures(client: TestClient, database: Database) -> None:
    assert sign_in(client, "analyst@example.com").status_code == 303
    page = client.get("/", params={"period": "2026-10"})
    assert page.status_code == 200, page.text
    assert_no_inline_script(page.text)
    with database.transaction() as session:
        october = breakdown(
            session,
            BreakdownQuery("nps", date(2026, 10, 1), date(2026, 10, 31)),
            with_previous=True,
        ).total
    # October: promoters 10, 9; detractor 3; passive 8 -> (2 - 1) / 4 = 25
    assert october.estimate.value == pytest.approx(25)
    figures = re.findall(r'<p class="figure">([^<]+)</p>', page.text)
    assert figures[0].strip() in {"25", "25.0", "+25", "+25.0"}
    assert "Journey heatmap" in page.text
    assert '<a href="/">All of the organisation</a>' in page.text
    assert "Home delivery" in page.text
    blocks = re.findall(
        r'<script type="application/json" class="chart-data">(.*?)</script>', page.text, re.S
    )
    assert blocks
    for block in blocks:
        spec = json.loads(block)
        assert spec["series"]
    assert page.text.count('class="chart-table"') == len(blocks)


def test_the_latest_month_by_default_and_drill_downs(client: TestClient) -> None:
    assert sign_in(client, "analyst@example.com").status_code == 303
    page = client.get("/")
    assert page.status_code == 200
    assert '<option value="2026-10" selected>' in page.text
    drilled = client.get("/", params={"period": "2026-09", "touchpoint": "home-delivery"})
    assert drilled.status_code == 200
    # September: 6, 10, 2 -> (1 - 2) / 3 = -33.3
    assert "-33" in re.findall(r'<p class="figure">([^<]+)</p>', drilled.text)[0]
    empty = client.get("/", params={"period": "2026-10", "touchpoint": "website"})
    assert empty.status_code == 200
    assert "No answers in this period." in empty.text
    # Four answers cannot rank the moments of truth: the section says so, not nothing.
    assert "Moments of truth" in page.text
    assert "Too few answers in this period and scope to rank the moments" in page.text
    assert client.get("/", params={"period": "2026-13"}).status_code == 422
    assert client.get("/", params={"unit": "nowhere"}).status_code == 422


def test_a_partner_sees_its_own_unit_and_nothing_else(client: TestClient) -> None:
    assert sign_in(client, "carrier@example.com").status_code == 303
    own = client.get("/", params={"period": "2026-10"})
    assert own.status_code == 200
    assert '<option value="carrier" selected>' in own.text
    # The moments of truth are the unit's own: its few answers cannot rank them.
    assert "Too few answers in this period and scope to rank the moments" in own.text
    assert 'class="moments"' not in own.text
    assert client.get("/", params={"unit": "store"}).status_code == 403


def test_chart_tables_speak_the_users_language(
    settings: Settings, database: Database, client: TestClient
) -> None:
    add_user(database, "analyytikko@example.com", role="analyst", language="fi")
    assert sign_in(client, "analyytikko@example.com").status_code == 303
    page = client.get("/", params={"period": "2026-Q4"})
    assert page.status_code == 200
    cells = " ".join(re.findall(r"<td[^>]*>([^<]*)</td>", page.text))
    # The NPS trend's shares: band names and decimal commas as Finnish has them.
    assert re.search(r"\barvostelijat \d+\s?% / passiiviset \d", cells), cells
    assert re.search(r"[+-]\d+,\d", cells)
    assert not re.search(r"\b(weak|good|excellent|detractors|passives|promoters) \d", cells)
    figures = re.findall(r'<p class="figure">([^<]+)</p>', page.text)
    assert figures
    assert not any(re.search(r"\d\.\d", found) for found in figures)
    assert any(re.search(r"\d,\d", found) for found in figures)
    # The drawing script is told the interval band's name and the decimal mark.
    specs = [
        json.loads(block)
        for block in re.findall(
            r'<script type="application/json" class="chart-data">(.*?)</script>', page.text, re.S
        )
    ]
    trend = next(spec for spec in specs if spec["kind"] == "line")
    assert (trend["interval_label"], trend["decimal_mark"]) == ("95 %:n väli", ",")
