"""The rollups equal the raw answers, after inserts, late arrivals, analyses and deletions."""

import random
from datetime import UTC, date, datetime, timedelta
from itertools import product
from typing import Any

import pytest
from sqlalchemy import select

from kokemus.enrich.service import analyze_all
from kokemus.metrics import rollups
from kokemus.metrics.breakdown import BreakdownQuery, Filters, group_counts, read_counts
from kokemus.metrics.definitions import MetricName
from kokemus.store import Database
from kokemus.surveys.definition import SurveyDefinition
from kokemus.surveys.external import CustomerRef, ResponseIn, accept_response
from kokemus.surveys.models import Response, Survey
from kokemus.surveys.responses import delete_responses
from kokemus.surveys.submit import JourneyPlaces, PublishedSurveys, prepare, store_prepared
from tests.factories import load_default_journey
from tests.surveys.helpers import publish

UNITS = ("store", "carrier", "customer-service", "ecommerce", None)
COMMENTS = (
    "Tuoli tuli rikki ja toimitus oli myöhässä.",
    "Kiitos, nopea toimitus ja ystävällinen kuljettaja!",
    "Stolen kom trasig, mycket besviken.",
    "Great chair, but the invoice was wrong.",
    "Hinta oli hyvä.",
)


def texts(value: str) -> dict[str, str]:
    return {"fi": value, "sv": value, "en": value}


def customer_survey() -> SurveyDefinition:
    return SurveyDefinition.model_validate(
        {
            "key": "delivery",
            "kind": "customer",
            "languages": ["fi", "sv", "en"],
            "title": texts("Delivery"),
            "touchpoint": "home-delivery",
            "questions": [
                {"key": "recommend", "type": "nps", "text": texts("Recommend?")},
                {"key": "stars", "type": "rating", "text": texts("Stars?")},
                {
                    "key": "advice",
                    "type": "rating",
                    "touchpoint": "advice-call",
                    "text": texts("Advice?"),
                },
                {"key": "effort", "type": "ces", "text": texts("Effort?")},
                {"key": "expected", "type": "expectation", "text": texts("Expected?")},
                {"key": "comment", "type": "text", "text": texts("Why?")},
            ],
        }
    )


def answers(rng: random.Random) -> dict[str, Any]:
    chosen: dict[str, Any] = {}
    for key, low, high in (
        ("recommend", 0, 10),
        ("stars", 1, 5),
        ("advice", 1, 5),
        ("effort", 1, 7),
        ("expected", 1, 5),
    ):
        if rng.random() < 0.85:
            chosen[key] = rng.randint(low, high)
    if rng.random() < 0.6:
        chosen["comment"] = rng.choice(COMMENTS)
    return chosen


# Around the spring change to summer time and the local midnight, where UTC and local
# days differ, and across month ends.
MOMENTS = (
    datetime(2026, 3, 28, 21, 30, tzinfo=UTC),
    datetime(2026, 3, 28, 22, 30, tzinfo=UTC),
    datetime(2026, 3, 29, 0, 59, tzinfo=UTC),
    datetime(2026, 3, 29, 1, 0, tzinfo=UTC),
    datetime(2026, 3, 31, 20, 59, tzinfo=UTC),
    datetime(2026, 3, 31, 21, 0, tzinfo=UTC),
    datetime(2026, 4, 30, 21, 30, tzinfo=UTC),
    datetime(2026, 10, 24, 22, 0, tzinfo=UTC),
    datetime(2026, 10, 25, 0, 30, tzinfo=UTC),
)


def moment(rng: random.Random) -> datetime:
    if rng.random() < 0.3:
        return rng.choice(MOMENTS)
    return datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=rng.randint(0, 60 * 24 * 330))


def send_through_api(database: Database, rng: random.Random, count: int, start: int) -> None:
    for number in range(start, start + count):
        body = ResponseIn(
            answers=answers(rng),
            language=rng.choice(("fi", "fi", "sv", "en")),
            channel=rng.choice(("api", "link", "qr")),
            unit=rng.choice(UNITS),
            customer=CustomerRef(email=f"person{number % 40}@example.com"),
            submitted_at=moment(rng),
            external_id=f"r{number}",
        )
        accept_response(database, "delivery", body)


def send_through_pages(database: Database, rng: random.Random, count: int) -> None:
    live = PublishedSurveys(database)
    places = JourneyPlaces(database)
    with database.transaction() as session:
        public_id = session.scalars(select(Survey.public_id).where(Survey.key == "delivery")).one()
    survey = live.load(public_id)
    assert survey is not None
    group = [
        prepare(
            survey,
            places.load(),
            answers(rng),
            channel="link",
            language="fi",
            touchpoint_id=None,
            unit_id=None,
            fingerprint=f"print-{rng.random()}",
        )
        for _ in range(count)
    ]
    with database.write_transaction() as session:
        assert set(store_prepared(session, group)) == {"stored"}


def set_traits(database: Database) -> None:
    from kokemus.customers.models import Customer

    with database.transaction() as session:
        for number, customer in enumerate(session.scalars(select(Customer).order_by(Customer.id))):
            customer.traits = {**customer.traits, "segment": ("b2b", "b2c")[number % 2]}


@pytest.fixture
def store(database: Database) -> Database:
    load_default_journey(database)
    publish(database, customer_survey())
    rng = random.Random(7)
    send_through_api(database, rng, 120, 0)
    send_through_pages(database, rng, 25)
    set_traits(database)
    return database


GROUPINGS: tuple[tuple[str, ...], ...] = (
    (),
    ("month",),
    ("day",),
    ("week", "touchpoint"),
    ("quarter", "stage"),
    ("unit",),
    ("encounter_kind", "channel_class"),
    ("response_channel", "language"),
    ("theme",),
    ("month", "theme"),
    ("survey", "question"),
    ("channel",),
)
RANGES = (
    (date(2026, 1, 1), date(2026, 12, 31)),
    (date(2026, 3, 29), date(2026, 3, 29)),
    (date(2026, 3, 15), date(2026, 5, 10)),
    (date(2026, 4, 1), date(2026, 4, 30)),
)
METRICS: tuple[MetricName, ...] = ("nps", "csat", "ces", "expectation")


def counts(database: Database, query: BreakdownQuery, *, raw: bool) -> dict[Any, list[int]]:
    with database.transaction() as session:
        context, plan, found = read_counts(session, query, raw=raw)
    grouped = group_counts(query, plan, context, found)
    return {key: value for key, value in grouped.items() if any(value)}


def assert_rollups_equal_raw(database: Database) -> int:
    checked = 0
    for metric, group_by, (first, last) in product(METRICS, GROUPINGS, RANGES):
        query = BreakdownQuery(metric, first, last, group_by)
        assert counts(database, query, raw=False) == counts(database, query, raw=True), query
        checked += 1
    for filters in (
        Filters(unit="company"),
        Filters(unit="logistics"),
        Filters(touchpoint=("advice-call",)),
        Filters(stage=("delivery",), language=("fi", "sv")),
        Filters(theme="delivery_damage"),
        Filters(response_channel=("link",), question=("stars",)),
    ):
        query = BreakdownQuery("csat", date(2026, 1, 1), date(2026, 12, 31), ("month",), filters)
        assert counts(database, query, raw=False) == counts(database, query, raw=True), query
        checked += 1
    return checked


def test_rollups_equal_the_raw_answers_after_inserts_analyses_and_deletions(
    store: Database,
) -> None:
    everything = BreakdownQuery("nps", date(2026, 1, 1), date(2026, 12, 31))
    assert sum(map(sum, counts(store, everything, raw=False).values())) > 100
    assert assert_rollups_equal_raw(store) > 50
    analyze_all(store)
    assert assert_rollups_equal_raw(store)
    themed = counts(
        store,
        BreakdownQuery("nps", date(2026, 1, 1), date(2026, 12, 31), ("theme",)),
        raw=False,
    )
    assert ("delivery_damage",) in themed

    # Late arrivals: answered in the past, stored now; and more through the pages.
    rng = random.Random(11)
    send_through_api(store, rng, 30, 1000)
    send_through_pages(store, rng, 10)
    analyze_all(store)
    assert_rollups_equal_raw(store)

    with store.transaction() as session:
        ids = list(session.scalars(select(Response.id).order_by(Response.id)))
    with store.write_transaction() as session:
        assert delete_responses(session, ids[::3]) == len(ids[::3])
    assert_rollups_equal_raw(store)


def test_a_rebuild_gives_the_rollups_kept_incrementally(store: Database) -> None:
    analyze_all(store)
    with store.transaction() as session:
        before = rollups.snapshot(session)
    rollups.refresh(store)
    with store.transaction() as session:
        assert rollups.snapshot(session) == before
    assert before


def test_a_customer_attribute_is_read_from_the_raw_answers(store: Database) -> None:
    query = BreakdownQuery("nps", date(2026, 1, 1), date(2026, 12, 31), ("attribute:segment",))
    found = counts(store, query, raw=True)
    assert {key[0] for key in found} <= {"b2b", "b2c", "(none)"}
    assert {"b2b", "b2c"} <= {key[0] for key in found}
    everything = counts(
        store, BreakdownQuery("nps", date(2026, 1, 1), date(2026, 12, 31)), raw=False
    )
    assert sum(map(sum, found.values())) == sum(map(sum, everything.values()))
