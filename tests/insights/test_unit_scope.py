"""Insights of one unit (with its subtree), on both stores: a unit's drivers, moments and
journey equal the whole organisation's computed when only that subtree's data was there.

Each store is built in two steps: first only the unit's data, analysed as the whole
organisation; then the other units' data, after which the unit's analysis must give the
same figures.
"""

import json
from collections.abc import Iterator
from datetime import date
from itertools import product
from typing import Any

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from kokemus.app import create_app
from kokemus.cli.main import cli
from kokemus.config import Settings
from kokemus.errors import InvalidInput
from kokemus.insights.journeys import JourneyQuery, journey
from kokemus.insights.moments_service import MomentsQuery, moments_of_truth, sentiment_counts
from kokemus.insights.scope import unit_scope
from kokemus.insights.survey_data import (
    SurveyDriverQuery,
    drivers_view,
    local_range,
    survey_drivers,
)
from kokemus.journeys.models import Touchpoint
from kokemus.store import Database
from tests.accounts.helpers import add_user, cheap_hashing
from tests.factories import add_source, add_token, load_default_journey
from tests.insights.store_data import add_survey, analysed, day, event_id, events, respond
from tests.insights.test_journeys import base_store
from tests.web.helpers import sign_in

OCTOBER = (date(2026, 10, 1), date(2026, 10, 31))
RATINGS = ("delivery", "website", "service", "newsletter")


def touchpoint_survey(database: Database) -> None:
    load_default_journey(database)
    add_source(database, "shop", kind="shop")
    add_survey(
        database,
        "touchpoints",
        [
            ("delivery", "rating", "home-delivery"),
            ("website", "rating", "website"),
            ("service", "rating", "customer-service-contact"),
            ("newsletter", "rating", "newsletter"),
            ("recommend", "nps", None),
            ("service-effort", "ces", "customer-service-contact"),
            ("newsletter-effort", "ces", "newsletter"),
            ("comment", "text", None),
        ],
    )


def design(
    database: Database, unit: str, delivery: tuple[int, int], website: tuple[int, int]
) -> list[int]:
    """16 responses at the unit, the 2⁴ design of tests.insights.test_moments_service:
    importances 44.4 %, 44.4 %, 11.1 % and 0 %; delivery and website CSAT 0 or 100."""
    rows = []
    for row, (d1, d2, d3, d4) in enumerate(product((-1, 1), repeat=4)):
        answers: dict[str, Any] = {
            "delivery": delivery[(d1 + 1) // 2],
            "website": website[(d2 + 1) // 2],
            "service": (1, 2)[(d3 + 1) // 2],
            "newsletter": (4, 5)[(d4 + 1) // 2],
            "recommend": 5 + 2 * d1 + 2 * d2 + d3,
            "service-effort": 2,
            "newsletter-effort": 6,
            "comment": "...",
        }
        rows.append(respond(database, "touchpoints", answers, day(10, 1 + row), unit=unit))
    return rows


def store_texts(database: Database, rows: list[int]) -> None:
    for row, touchpoint, sentiment, themes, text in (
        (14, "home-delivery", "negative", ["late"], "Late again"),
        (12, "home-delivery", "negative", ["damaged"], "The box was crushed"),
        (10, "home-delivery", "positive", [], "Friendly driver"),
        (3, "website", "positive", ["easy"], "Easy to find"),
        (2, "customer-service-contact", "negative", ["waiting"], "Nobody answered"),
    ):
        analysed(
            database,
            touchpoint=touchpoint,
            sentiment=sentiment,
            themes=themes,
            text=text,
            response_id=rows[row],
        )


def other_units(database: Database) -> None:
    """The e-commerce unit's 16 responses, delivery and website the other way round, with
    negative texts, and a negative text carried by a delivery event (the carrier's)."""
    rows = design(database, "ecommerce", delivery=(4, 5), website=(1, 2))
    for row in (15, 13, 11):
        analysed(
            database,
            touchpoint="website",
            sentiment="negative",
            themes=["slow"],
            text=f"Slow pages {row}",
            response_id=rows[row],
        )
    analysed(
        database,
        touchpoint="home-delivery",
        sentiment="negative",
        themes=["rude"],
        text="Not the store's words",
        response_id=rows[0],
    )
    events(database, [("Order Delivered", "x@example.fi", day(10, 20))])
    analysed(
        database,
        touchpoint="home-delivery",
        sentiment="negative",
        themes=["late"],
        text="The carrier was late",
        event_id=event_id(database, "Order Delivered", "x@example.fi", day(10, 20)),
    )


def moments(database: Database, unit: str | None = None, **changes: Any) -> dict[str, Any]:
    drivers = SurveyDriverQuery(
        "touchpoints", *OCTOBER, outcome="recommend", drivers=RATINGS, unit=unit
    )
    with database.transaction() as session:
        return moments_of_truth(session, MomentsQuery(drivers=drivers, resamples=0, **changes))


def drivers(database: Database, unit: str | None = None) -> dict[str, Any]:
    query = SurveyDriverQuery("touchpoints", *OCTOBER, outcome="recommend", themes=True, unit=unit)
    with database.transaction() as session:
        return drivers_view(*survey_drivers(session, query, resamples=0))


def actions(result: dict[str, Any]) -> dict[str, str]:
    return {moment["touchpoint"]: moment["action"] for moment in result["moments"]}


def test_a_units_drivers_and_moments_are_its_subtrees_alone(database: Database) -> None:
    touchpoint_survey(database)
    store_texts(database, design(database, "store", delivery=(1, 2), website=(4, 5)))
    alone = [
        drivers(database),
        moments(database),
        moments(database, effort="negative_text"),
    ]
    other_units(database)
    scoped = [
        drivers(database, "store"),
        moments(database, "store"),
        moments(database, "store", effort="negative_text"),
    ]
    assert scoped[0] == alone[0]
    assert scoped[1:] == [{**result, "unit": "store"} for result in alone[1:]]
    # By hand (see design): the store's delivery falls short, its website does well.
    assert actions(scoped[1]) == {
        "home-delivery": "improve",
        "website": "keep",
        "customer-service-contact": "reduce",
        "newsletter": "monitor",
    }
    delivery = scoped[1]["moments"][0]
    assert delivery["performance"] == pytest.approx(
        {"metric": "csat", "value": 0, "n": 16, "ci_low": delivery["performance"]["ci_low"],
         "ci_high": delivery["performance"]["ci_high"]}
    )  # fmt: skip
    assert delivery["negative_texts"] == 2
    assert {v["text"] for v in delivery["verbatims"]} == {"Late again", "The box was crushed"}
    # Negative of the store's analysed texts: 2/3, 0/1, 1/1 (median 2/3).
    effort = {m["touchpoint"]: m["effort"] for m in scoped[2]["moments"]}
    assert effort["home-delivery"] == pytest.approx(200 / 3)
    assert effort["website"] == 0
    # The other unit's answers tell the opposite story; the organisation's differs again.
    assert actions(moments(database, "ecommerce"))["home-delivery"] == "keep"
    assert actions(moments(database, "ecommerce"))["website"] == "improve"
    assert moments(database)["n"] == 32
    # The root unit's subtree is everyone.
    assert moments(database, "company") == {**moments(database), "unit": "company"}


def test_texts_from_events_belong_to_the_touchpoints_owner(database: Database) -> None:
    touchpoint_survey(database)
    store_texts(database, design(database, "store", delivery=(1, 2), website=(4, 5)))
    other_units(database)
    start, end = local_range(*OCTOBER)
    with database.transaction() as session:
        delivery = session.query(Touchpoint.id).filter(Touchpoint.key == "home-delivery").scalar()

        def negative(unit: str | None) -> int:
            counts = sentiment_counts(session, start, end, unit_scope(session, unit))
            return counts.get(delivery, {}).get("negative", 0)

        # Home delivery is the carrier's (under logistics): the event's text is theirs.
        assert negative("carrier") == 1
        assert negative("logistics") == 1
        assert negative("store") == 2
        assert negative("ecommerce") == 1
        assert negative(None) == 4


def journey_data(database: Database, *, other: bool) -> None:
    """E-commerce's share: A views the website and orders, answers NPS 3 at e-commerce;
    and a delivery rated 2 with a negative comment at e-commerce. The rest (other=True):
    A's delivery and two tickets within a week, B's store visit and purchase with NPS 10
    at the store, a delivery rated 5 at the store with a positive comment."""
    a, b = "a@example.fi", "b@example.fi"
    if not other:
        base_store(database)
        events(database, [("Product Viewed", a, day(10, 1)), ("Order Completed", a, day(10, 2))])
        respond(database, "relationship", {"recommend": 3}, day(10, 10), email=a, unit="ecommerce")
        rated = respond(
            database, "delivery", {"stars": 2, "comment": "..."}, day(10, 7), unit="ecommerce"
        )
        analysed(database, touchpoint="home-delivery", sentiment="negative", response_id=rated)
        return
    events(
        database,
        [
            ("Order Delivered", a, day(10, 5)),
            ("Ticket Created", a, day(10, 6)),
            ("Ticket Created", a, day(10, 9)),
            ("Store Visited", b, day(10, 1)),
            ("Store Purchase", b, day(10, 2)),
        ],
    )
    respond(database, "relationship", {"recommend": 10}, day(10, 3), email=b, unit="store")
    rated = respond(database, "delivery", {"stars": 5, "comment": "..."}, day(10, 8), unit="store")
    analysed(database, touchpoint="home-delivery", sentiment="positive", response_id=rated)


def run_journey(database: Database, unit: str | None = None) -> dict[str, Any]:
    with database.transaction() as session:
        return journey(session, JourneyQuery(*OCTOBER, unit=unit))


def test_a_units_journey_is_its_subtrees_alone(database: Database) -> None:
    journey_data(database, other=False)
    alone = run_journey(database)
    journey_data(database, other=True)
    scoped = run_journey(database, "ecommerce")
    assert scoped == {**alone, "unit": "ecommerce"}
    assert scoped["paths"]["top"] == [
        {"path": ["website", "checkout"], "customers": 1, "share": 100.0}
    ]
    assert scoped["detractors_vs_promoters"]["detractors"] == 1
    assert scoped["detractors_vs_promoters"]["promoters"] == 0
    # The tickets are customer service's: no friction of e-commerce's.
    assert [signal["count"] for signal in scoped["friction"]] == [0, 0, 0]
    service = run_journey(database, "customer-service")
    assert service["friction"][0]["count"] == 1  # A's second ticket within 7 days
    store = run_journey(database, "store")
    delivery = next(
        tp for stage in store["stages"] for tp in stage["touchpoints"]
        if tp["touchpoint"] == "home-delivery"
    )  # fmt: skip
    assert delivery["responses"] == 1
    assert delivery["events"] == 0  # the delivery event is the carrier's
    assert delivery["scores"]["csat"]["value"] == 100
    assert delivery["sentiment"]["positive"] == 1
    assert delivery["sentiment"]["negative"] == 0
    assert store["detractors_vs_promoters"]["promoters"] == 1


@pytest.mark.parametrize(
    "analysis",
    [
        lambda session: survey_drivers(
            session, SurveyDriverQuery("touchpoints", *OCTOBER, outcome="recommend", unit="moon")
        ),
        lambda session: moments_of_truth(
            session,
            MomentsQuery(SurveyDriverQuery("touchpoints", *OCTOBER, unit="moon"), resamples=0),
        ),
        lambda session: journey(session, JourneyQuery(*OCTOBER, unit="moon")),
    ],
    ids=["drivers", "moments", "journeys"],
)
def test_an_unknown_unit_is_named(database: Database, analysis: Any) -> None:
    touchpoint_survey(database)
    with database.transaction() as session, pytest.raises(InvalidInput) as raised:
        analysis(session)
    assert raised.value.field == "unit"


# The JSON API, the CLI and who may read what.


@pytest.fixture
def app_client(
    database: Database, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[TestClient]:
    cheap_hashing(monkeypatch)
    with TestClient(create_app(Settings(database_url=database_url), database)) as client:
        yield client


MOMENTS = {
    "survey": "touchpoints",
    "outcome": "recommend",
    "drivers": list(RATINGS),
    "bootstrap": "0",
    "from": "2026-10-01",
    "to": "2026-10-31",
}


def plain(value: Any) -> Any:
    """As JSON gives it back: tuples as lists."""
    return json.loads(json.dumps(value))


def named(error: dict[str, Any]) -> list[str]:
    """The fields a 422 names: a domain error's one, or a request's problems."""
    return [error["field"]] if "field" in error else [p["field"] for p in error["problems"]]


def cli_json(database_url: str, *args: str) -> dict[str, Any]:
    result = CliRunner().invoke(cli, ["--database-url", database_url, "insights", *args])
    assert result.exit_code == 0, result.output
    body: dict[str, Any] = json.loads(result.output)
    return body


def test_the_api_and_cli_give_a_units_insights(
    app_client: TestClient, database: Database, database_url: str
) -> None:
    touchpoint_survey(database)
    store_texts(database, design(database, "store", delivery=(1, 2), website=(4, 5)))
    other_units(database)
    app_client.headers["Authorization"] = f"Bearer {add_token(database, 'reader', scope='read')}"
    got = app_client.get("/api/v1/insights/moments", params={**MOMENTS, "unit": "store"})
    assert got.status_code == 200, got.text
    assert got.json() == plain(moments(database, "store"))
    period = ("--from", "2026-10-01", "--to", "2026-10-31")
    assert got.json() == cli_json(
        database_url, "moments", "--survey", "touchpoints", "--outcome", "recommend",
        "--drivers", ",".join(RATINGS), "--bootstrap", "0", *period, "--unit", "store",
    )  # fmt: skip
    posted = app_client.post(
        "/api/v1/insights/drivers",
        json={"survey": "touchpoints", "outcome": "recommend", "themes": True, "bootstrap": 0,
              "from": "2026-10-01", "to": "2026-10-31", "unit": "store"},
    )  # fmt: skip
    assert posted.status_code == 200, posted.text
    assert posted.json() == plain(drivers(database, "store"))
    journeys = app_client.get(
        "/api/v1/insights/journeys",
        params={"from": "2026-10-01", "to": "2026-10-31", "unit": "store"},
    )
    assert journeys.status_code == 200, journeys.text
    assert journeys.json() == plain(run_journey(database, "store"))
    assert journeys.json() == cli_json(database_url, "journeys", *period, "--unit", "store")
    for path, params in (
        ("/api/v1/insights/moments", {**MOMENTS, "unit": "moon"}),
        ("/api/v1/insights/journeys", {"unit": "moon"}),
        ("/api/v1/insights/link", {"unit": "moon"}),
        ("/api/v1/insights/journeys", {"unit": "Moon\x00"}),
    ):
        refused = app_client.get(path, params=params)
        assert refused.status_code == 422, refused.text
        assert named(refused.json()) == ["unit"]
    refused = app_client.post(
        "/api/v1/insights/drivers", json={"survey": "touchpoints", "unit": "moon"}
    )
    assert refused.status_code == 422, refused.text
    assert named(refused.json()) == ["unit"]
    result = CliRunner().invoke(
        cli, ["--database-url", database_url, "insights", "journeys", "--unit", "moon"]
    )
    assert result.exit_code == 1
    assert "unit: no unit 'moon'" in result.output


def test_a_user_scoped_to_a_unit_reads_only_its_insights(
    app_client: TestClient, database: Database
) -> None:
    touchpoint_survey(database)
    store_texts(database, design(database, "store", delivery=(1, 2), website=(4, 5)))
    other_units(database)
    add_user(database, "manager@example.com", role="manager", units=["store"])
    assert sign_in(app_client, "manager@example.com").status_code == 303
    own = app_client.get("/api/v1/insights/moments", params={**MOMENTS, "unit": "store"})
    assert own.status_code == 200, own.text
    assert own.json() == plain(moments(database, "store"))
    for params in ({**MOMENTS, "unit": "ecommerce"}, {**MOMENTS, "unit": "company"}, MOMENTS):
        refused = app_client.get("/api/v1/insights/moments", params=params)
        assert refused.status_code == 403, refused.text
        assert "unit" in refused.text
    for path in ("/api/v1/insights/journeys", "/api/v1/insights/link"):
        assert app_client.get(path, params={"unit": "ecommerce"}).status_code == 403
        assert app_client.get(path, params={"unit": "store"}).status_code == 200
    other = app_client.post(
        "/api/v1/insights/drivers",
        json={"survey": "touchpoints", "outcome": "recommend", "unit": "ecommerce"},
    )
    assert other.status_code == 403, other.text
    app_client.cookies.clear()
    assert app_client.get("/api/v1/insights/journeys").status_code == 401
