"""The journey from the store: volumes, scores and sentiment per stage and touchpoint,
common paths, detractors' against promoters', and the friction signals."""

from datetime import date, timedelta
from statistics import NormalDist
from typing import Any

import pytest

from kokemus.errors import InvalidInput
from kokemus.insights.journey_paths import two_proportion_p
from kokemus.insights.journeys import JourneyQuery, journey
from kokemus.store import Database
from tests.factories import add_source, load_default_journey
from tests.insights.store_data import add_survey, analysed, day, events, respond

OCTOBER = (date(2026, 10, 1), date(2026, 10, 31))
WEBSITE, CHECKOUT, DELIVERY, SERVICE = (
    "website",
    "checkout",
    "home-delivery",
    "customer-service-contact",
)


def base_store(database: Database) -> None:
    load_default_journey(database)
    add_source(database, "shop", kind="shop")
    add_survey(database, "relationship", [("recommend", "nps", None)])
    add_survey(
        database,
        "delivery",
        [("stars", "rating", None), ("comment", "text", None)],
        touchpoint="home-delivery",
    )


def journey_store(database: Database) -> Database:
    """Six customers in October (and one event of A's in September, outside the range).

    A: views the website twice, orders, delivered on the 5th, tickets on the 6th and 9th;
       answers NPS 3 on the 10th.
    B: website, order, delivered on the 5th; answers 10 on the 6th; a ticket on the 20th.
    C: website, order, delivered on the 3rd; answers 9 on the 4th.
    D: a ticket and a call at the same instant on the 1st, the ticket reopened on the 4th,
       a new ticket on the 12th; answers 0 on the 13th.
    E: the home page; answers 8 (a passive). F: answers 2 at 8:00 on the 1st, before any
       event of theirs (a product view on the 2nd).
    """
    base_store(database)
    a, b, c, d, e, f = (f"{name}@example.fi" for name in "abcdef")
    events(
        database,
        [
            ("Ad Clicked", a, day(9, 20)),
            ("Product Viewed", a, day(10, 1, 9)),
            ("Product Viewed", a, day(10, 1, 10)),
            ("Order Completed", a, day(10, 2)),
            ("Order Delivered", a, day(10, 5)),
            ("Ticket Created", a, day(10, 6)),
            ("Ticket Created", a, day(10, 9)),
            ("Product Viewed", b, day(10, 1)),
            ("Order Completed", b, day(10, 2)),
            ("Order Delivered", b, day(10, 5)),
            ("Ticket Created", b, day(10, 20)),
            ("Product Viewed", c, day(10, 1)),
            ("Order Completed", c, day(10, 2)),
            ("Order Delivered", c, day(10, 3)),
            ("Ticket Created", d, day(10, 1)),
            ("Call Completed", d, day(10, 1)),
            ("Ticket Reopened", d, day(10, 4)),
            ("Ticket Created", d, day(10, 12)),
            ("Home", e, day(10, 1)),
            ("Product Viewed", f, day(10, 2)),
        ],
    )
    for email, score, when in (
        (a, 3, day(10, 10)),
        (b, 10, day(10, 6, 10)),
        (c, 9, day(10, 4)),
        (d, 0, day(10, 13)),
        (e, 8, day(10, 2)),
        (f, 2, day(10, 1, 8)),
    ):
        respond(database, "relationship", {"recommend": score}, when, email=email)
    # Delivery stars: October 5, 4, 2 (CSAT 2/3); September 5 (CSAT 100).
    for stars, sentiment in ((5, "positive"), (4, "positive"), (2, "negative")):
        response = respond(database, "delivery", {"stars": stars, "comment": "..."}, day(10, 7))
        analysed(database, touchpoint=DELIVERY, sentiment=sentiment, response_id=response)
    respond(database, "delivery", {"stars": 5}, day(9, 7))
    return database


def run(database: Database, **changes: Any) -> dict[str, Any]:
    with database.transaction() as session:
        return journey(session, JourneyQuery(*OCTOBER, **changes))


def touchpoints(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {tp["touchpoint"]: tp for stage in result["stages"] for tp in stage["touchpoints"]}


def test_volume_per_touchpoint_and_stage(database: Database) -> None:
    result = run(journey_store(database))
    found = touchpoints(result)
    # Website: A 2, B, C, E, F; the September ad click is outside the range.
    assert found[WEBSITE]["events"] == 6
    assert found[CHECKOUT]["events"] == 3
    assert found[DELIVERY]["events"] == 3
    # A 2, B 1, D 4 (ticket, call, reopened, ticket).
    assert found[SERVICE]["events"] == 7
    assert found["advertising"]["events"] == 0
    assert found[DELIVERY]["responses"] == 3
    stages = {stage["stage"]: stage for stage in result["stages"]}
    assert [stage["stage"] for stage in result["stages"]][:3] == [
        "awareness",
        "consideration",
        "purchase",
    ]
    assert stages["consideration"]["events"] == 6
    assert stages["service"]["events"] == 7
    assert stages["delivery"]["responses"] == 3


def test_scores_sentiment_and_trend(database: Database) -> None:
    delivery = touchpoints(run(journey_store(database)))[DELIVERY]
    csat = delivery["scores"]["csat"]
    assert csat["value"] == pytest.approx(200 / 3)
    assert csat["n"] == 3
    # September had one 5: CSAT 100.
    assert csat["change"]["delta"] == pytest.approx(200 / 3 - 100)
    assert delivery["scores"]["nps"] is None
    assert delivery["trend"]["csat"] == [
        {"period": "2026-10", "value": pytest.approx(200 / 3), "n": 3}
    ]
    # Two positive texts and one negative: net (2 - 1) / 3.
    assert delivery["sentiment"]["texts"] == 3
    assert delivery["sentiment"]["net"] == pytest.approx(100 / 3)


def test_the_most_common_paths(database: Database) -> None:
    paths = run(journey_store(database))["paths"]
    assert paths["customers"] == 6
    assert paths["truncated"] == 0
    # A and B walk the same path: A's two product views in a row are one step, their two
    # tickets too. Ties are ordered by the path.
    assert [(p["path"], p["customers"]) for p in paths["top"]] == [
        ([WEBSITE], 2),
        ([WEBSITE, CHECKOUT, DELIVERY, SERVICE], 2),
        ([SERVICE], 1),
        ([WEBSITE, CHECKOUT, DELIVERY], 1),
    ]
    assert paths["top"][0]["share"] == pytest.approx(100 * 2 / 6)


def test_paths_are_cut_after_max_steps(database: Database) -> None:
    paths = run(journey_store(database), max_steps=2, top=2)["paths"]
    assert paths["truncated"] == 3
    assert [(p["path"], p["customers"]) for p in paths["top"]] == [
        ([WEBSITE, CHECKOUT], 3),
        ([WEBSITE], 2),
    ]


def test_where_detractors_paths_differ_from_promoters(database: Database) -> None:
    compared = run(journey_store(database))["detractors_vs_promoters"]
    # Detractors A and D; promoters B and C (B's ticket came after the answer); E is a
    # passive, and F had been nowhere yet when answering.
    assert (compared["detractors"], compared["promoters"]) == (2, 2)
    by_touchpoint = {row["touchpoint"]: row for row in compared["touchpoints"]}
    service = by_touchpoint[SERVICE]
    assert (service["detractor_share"], service["promoter_share"]) == (100, 0)
    assert service["difference"] == 100
    # Pooled share 2/4, se = √(0.5 · 0.5 · (1/2 + 1/2)) = 0.5, z = 1 / 0.5 = 2.
    assert service["p_value"] == pytest.approx(2 * NormalDist().cdf(-2))
    website = by_touchpoint[WEBSITE]
    assert website["difference"] == -50
    # Pooled 3/4, se = √(0.75 · 0.25) = 0.4330, z = 0.5 / 0.4330 = 1.1547, p = 0.2482.
    assert website["p_value"] == pytest.approx(0.2482, abs=1e-4)
    assert compared["touchpoints"][0]["touchpoint"] == SERVICE
    assert [(row["path"], row["difference"]) for row in compared["paths"]] == [
        ([WEBSITE, CHECKOUT, DELIVERY], -100),
        ([SERVICE], 50),
        ([WEBSITE, CHECKOUT, DELIVERY, SERVICE], 50),
    ]


def signals(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {signal["signal"]: signal for signal in result["friction"]}


def test_friction_signals_where_they_happen(database: Database) -> None:
    found = signals(run(journey_store(database)))
    # A's second ticket came 3 days after the first; D's call at the ticket's instant is
    # the same contact, and D's next ticket came 11 days later. Contacts: A 2, B 1, D 2.
    assert found["repeat_contact"] == {
        "signal": "repeat_contact",
        "events": ["Ticket Created", "Call Completed"],
        "base_events": ["Ticket Created", "Call Completed"],
        "within_days": 7,
        "count": 1,
        "base": 5,
        "share": 20.0,
        "customers": 1,
        "base_customers": 3,
    }
    # Deliveries of A, B and C: only A got in touch within 7 days (the next day).
    after = found["contact_after_delivery"]
    assert (after["count"], after["base"], after["customers"]) == (1, 3, 1)
    assert after["share"] == pytest.approx(100 / 3)
    assert after["base_events"] == ["Order Delivered"]
    # One reopened ticket of five created.
    reopened = found["reopened_ticket"]
    assert (reopened["count"], reopened["base"], reopened["share"]) == (1, 5, 20.0)


def test_friction_windows_are_parameters(database: Database) -> None:
    found = signals(run(journey_store(database), repeat_days=2, contact_events=("Call Completed",)))
    assert found["repeat_contact"]["count"] == 0
    assert found["repeat_contact"]["base"] == 1
    assert found["contact_after_delivery"]["count"] == 0


def test_no_friction_where_there_is_none(database: Database) -> None:
    """Contacts just outside the windows, and a ticket solved rather than reopened."""
    base_store(database)
    g, h = "g@example.fi", "h@example.fi"
    events(
        database,
        [
            ("Order Delivered", g, day(10, 3)),
            # 8 days after the delivery: outside its 7 days.
            ("Ticket Created", g, day(10, 11)),
            # 7 days and an hour after the previous contact: not a repeat.
            ("Call Completed", g, day(10, 18, 10)),
            ("Ticket Created", h, day(10, 1)),
            ("Ticket Solved", h, day(10, 2)),
        ],
    )
    found = signals(run(database))
    assert (found["repeat_contact"]["count"], found["repeat_contact"]["base"]) == (0, 3)
    assert found["repeat_contact"]["share"] == 0
    assert found["contact_after_delivery"]["count"] == 0
    assert found["contact_after_delivery"]["base"] == 1
    assert (found["reopened_ticket"]["count"], found["reopened_ticket"]["base"]) == (0, 2)


def test_a_contact_exactly_seven_days_on_is_within(database: Database) -> None:
    base_store(database)
    g = "g@example.fi"
    events(
        database,
        [
            ("Order Delivered", g, day(10, 3)),
            ("Ticket Created", g, day(10, 3) + timedelta(days=7)),
            ("Call Completed", g, day(10, 3) + timedelta(days=14)),
        ],
    )
    found = signals(run(database))
    assert found["contact_after_delivery"]["count"] == 1
    assert found["repeat_contact"]["count"] == 1


def test_an_empty_store_has_an_empty_journey(database: Database) -> None:
    load_default_journey(database)
    result = run(database)
    assert result["paths"] == {"customers": 0, "truncated": 0, "top": []}
    assert result["detractors_vs_promoters"]["touchpoints"] == []
    assert {signal["share"] for signal in result["friction"]} == {None}


def test_two_proportions() -> None:
    assert two_proportion_p(1, 1, 1, 1) == 1.0
    assert two_proportion_p(1, 0, 1, 2) is None


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"top": 0}, "top"),
        ({"repeat_days": 0}, "repeat_days"),
        ({"contact_events": ()}, "contact_event"),
        ({"delivery_events": ("Order\x00Delivered",)}, "delivery_event"),
        ({"nps_survey": "x" * 65}, "nps_survey"),
        ({"metrics": ()}, "metric"),
    ],
)
def test_bad_queries_name_the_field(
    database: Database, changes: dict[str, Any], field: str
) -> None:
    with pytest.raises(InvalidInput) as raised:
        run(database, **changes)
    assert raised.value.field == field
