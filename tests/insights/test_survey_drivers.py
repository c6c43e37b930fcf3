"""Key drivers on survey data: rows from responses, themes as 0/1, outcomes from events."""

from datetime import date, timedelta
from itertools import product

import numpy as np
import pytest

from kokemus.errors import InvalidInput, NotFound
from kokemus.insights.survey_data import (
    EventOutcome,
    SurveyDriverQuery,
    driver_data,
    drivers_view,
    survey_drivers,
)
from kokemus.store import Database
from tests.factories import add_source, load_default_journey
from tests.insights.store_data import add_survey, analysed, day, events, respond

OCTOBER = (date(2026, 10, 1), date(2026, 10, 31))


def relational_store(database: Database) -> Database:
    """40 responses: a full 2×2×2 design (d1, d2, e = ±1) five times over.

    delivery = 2 + d1, website = 2 + d2 (ratings 1 or 3), recommend = delivery + 2 website
    + e (NPS 2..10). The three are orthogonal and balanced, so with deviations from the mean
    y - ȳ = d1 + 2 d2 + e and var(y) = 1 + 4 + 1 = 6:
    r(delivery, y)² = 1/6, r(website, y)² = 4/6, R² = 5/6; LMG splits R² into exactly
    these squares when drivers are uncorrelated: 1/6 and 4/6 (shares 20 % and 80 %).
    The theme "delivery-time" is mentioned exactly when e = -1: t = (1 - e)/2, so
    r(t, y) = cov(t, e) / (sd t · sd y) = -(1/2) / (1/2 · √6) = -1/√6, and with it the three
    drivers explain all of y: LMG 1/6, 4/6, 1/6.
    """
    load_default_journey(database)
    add_survey(
        database,
        "relational",
        [
            ("delivery", "rating", "home-delivery"),
            ("website", "rating", "website"),
            ("recommend", "nps", None),
            ("comment", "text", None),
        ],
    )
    for copy, (d1, d2, e) in product(range(5), product((-1, 1), repeat=3)):
        delivery, website = 2 + d1, 2 + d2
        response = respond(
            database,
            "relational",
            {
                "delivery": delivery,
                "website": website,
                "recommend": delivery + 2 * website + e,
                "comment": "...",
            },
            day(10, 1 + copy),
        )
        themes = ["delivery-time"] if e == -1 else []
        # "price" in only 4 responses: under the 5 a theme needs to become a column.
        if e == -1 and d1 == -1 and d2 == -1 and copy < 4:
            themes.append("price")
        analysed(
            database, touchpoint=None, sentiment="neutral", themes=themes, response_id=response
        )
    # Outside the range: would change every figure if it were read.
    respond(database, "relational", {"delivery": 1, "website": 1, "recommend": 10}, day(9, 30))
    return database


def test_touchpoint_ratings_drive_the_nps_as_computed_by_hand(database: Database) -> None:
    relational_store(database)
    query = SurveyDriverQuery("relational", *OCTOBER, outcome="recommend")
    with database.transaction() as session:
        data, analysis = survey_drivers(session, query, resamples=0)
    assert analysis.n == 40
    assert analysis.rows_dropped == 0
    assert analysis.r2 == pytest.approx(5 / 6)
    delivery, website = analysis.drivers
    assert (delivery.name, website.name) == ("delivery", "website")
    assert delivery.importance == pytest.approx(1 / 6)
    assert website.importance == pytest.approx(4 / 6)
    assert delivery.share == pytest.approx(20)
    assert website.share == pytest.approx(80)
    assert [(c.touchpoint, c.question_type) for c in data.columns] == [
        ("home-delivery", "rating"),
        ("website", "rating"),
    ]


def test_themes_mentioned_become_zero_one_drivers(database: Database) -> None:
    relational_store(database)
    query = SurveyDriverQuery("relational", *OCTOBER, outcome="recommend", themes=True)
    with database.transaction() as session:
        data, analysis = survey_drivers(session, query, resamples=0)
    names = [driver.name for driver in analysis.drivers]
    assert names == ["delivery", "website", "theme:delivery-time"]
    assert data.x[:, 2].sum() == 20
    assert analysis.r2 == pytest.approx(1)
    assert [d.importance for d in analysis.drivers] == pytest.approx([1 / 6, 4 / 6, 1 / 6])
    assert analysis.drivers[2].correlation == pytest.approx(-1 / np.sqrt(6))


def test_the_payload_has_the_cli_fields_and_intervals(database: Database) -> None:
    relational_store(database)
    query = SurveyDriverQuery("relational", *OCTOBER, outcome="recommend")
    with database.transaction() as session:
        payload = drivers_view(*survey_drivers(session, query, resamples=50))
    assert payload["method"] == "lmg"
    assert payload["n"] == 40
    assert payload["outcome"] == "recommend"
    for driver in payload["drivers"]:
        assert driver["ci_low"] <= driver["importance"] <= driver["ci_high"]
    assert payload["columns"][0] == {
        "name": "delivery",
        "kind": "question",
        "question_type": "rating",
        "touchpoint": "home-delivery",
    }


REPURCHASE = EventOutcome(("Order Completed",), 30)
AS_OF = day(11, 20)


def event_store(database: Database) -> Database:
    """Eight customers answer on 1 October, (delivery, website) a 2×2 design twice over.

    Those who rated the website 3 order again within 30 days (one exactly 30 days on, the
    window's last instant); those who rated it 1 do not: 31 days on, the day before, no
    order, or another event. So outcome = 1 exactly when website = 3: r(website, y) = 1,
    r(delivery, y) = 0, and LMG gives website all of R² = 1.
    """
    load_default_journey(database)
    add_source(database, "shop", kind="shop")
    add_survey(database, "after-order", [("delivery", "rating", None), ("website", "rating", None)])
    answered = day(10, 1)
    later = [
        (1, 3, timedelta(days=30)),
        (3, 3, timedelta(hours=1)),
        (1, 3, timedelta(days=2)),
        (3, 3, timedelta(days=29)),
        (1, 1, timedelta(days=31)),
        (3, 1, timedelta(days=-1)),
        (1, 1, None),
        (3, 1, None),
    ]
    happened = []
    for number, (delivery, website, after) in enumerate(later, start=1):
        email = f"c{number}@example.fi"
        respond(
            database,
            "after-order",
            {"delivery": delivery, "website": website},
            answered,
            email=email,
        )
        if after is not None:
            happened.append(("Order Completed", email, answered + after))
    happened.append(("Product Viewed", "c8@example.fi", answered + timedelta(days=2)))
    # The window of an answer ten days before AS_OF is still open: not known yet.
    respond(
        database,
        "after-order",
        {"delivery": 3, "website": 3},
        AS_OF - timedelta(days=10),
        email="c9@example.fi",
    )
    # Nobody to follow.
    respond(database, "after-order", {"delivery": 3, "website": 3}, answered)
    events(database, happened)
    return database


def test_a_repurchase_within_the_window_is_the_outcome(database: Database) -> None:
    event_store(database)
    query = SurveyDriverQuery(
        "after-order",
        date(2026, 10, 1),
        date(2026, 11, 30),
        outcome_event=REPURCHASE,
        as_of=AS_OF,
    )
    with database.transaction() as session:
        data = driver_data(session, query)
        _, analysis = survey_drivers(session, query, resamples=0)
    assert data.outcome == "event:Order Completed within 30 days"
    assert data.unknown_outcome == 2
    np.testing.assert_array_equal(data.y[:8], [1, 1, 1, 1, 0, 0, 0, 0])
    assert np.isnan(data.y[8:]).all()
    assert analysis.n == 8
    assert analysis.rows_dropped == 2
    delivery, website = analysis.drivers
    assert website.importance == pytest.approx(1)
    assert delivery.importance == pytest.approx(0, abs=1e-12)


def test_an_order_a_day_after_the_window_is_not_counted(database: Database) -> None:
    event_store(database)
    query = SurveyDriverQuery(
        "after-order",
        date(2026, 10, 1),
        date(2026, 11, 30),
        outcome_event=EventOutcome(("Order Completed",), 29),
        as_of=AS_OF,
    )
    with database.transaction() as session:
        data = driver_data(session, query)
    # The order exactly 30 days on falls out of a 29-day window; 29 days on stays in.
    np.testing.assert_array_equal(data.y[:8], [0, 1, 1, 1, 0, 0, 0, 0])


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"outcome": "comment"}, "outcome"),
        ({"outcome": "nothing"}, "outcome"),
        ({"drivers": ("recommend",)}, "drivers"),
        ({"drivers": ("delivery", "delivery")}, "drivers"),
        ({"drivers": ("comment",)}, "drivers"),
        ({"outcome_event": REPURCHASE}, "outcome"),
        ({"outcome": None, "outcome_event": EventOutcome(("Order Completed",), 0)}, "within_days"),
        ({"last": date(2026, 9, 1)}, "to"),
        ({"first": date(1, 1, 1)}, "from"),
        ({"survey": "relational\x00"}, "survey"),
        ({"outcome": None, "outcome_event": EventOutcome(("Order\x00",), 3)}, "outcome_event"),
    ],
)
def test_bad_queries_name_the_field(
    database: Database, changes: dict[str, object], field: str
) -> None:
    load_default_journey(database)
    add_survey(database, "relational", [("recommend", "nps", None), ("comment", "text", None)])
    values: dict[str, object] = {
        "survey": "relational",
        "first": OCTOBER[0],
        "last": OCTOBER[1],
        "outcome": "recommend",
    }
    with database.transaction() as session, pytest.raises(InvalidInput) as raised:
        driver_data(session, SurveyDriverQuery(**{**values, **changes}))  # type: ignore[arg-type]
    assert raised.value.field == field


def test_an_unknown_survey_is_not_found(database: Database) -> None:
    with database.transaction() as session, pytest.raises(NotFound):
        driver_data(session, SurveyDriverQuery("nothing", *OCTOBER, outcome="x"))


def test_an_employee_survey_under_the_threshold_is_not_analysed(database: Database) -> None:
    load_default_journey(database)
    add_survey(
        database, "pulse", [("enps", "nps", None), ("workday", "rating", None)], kind="employee"
    )
    query = SurveyDriverQuery("pulse", *OCTOBER, outcome="enps")
    # (enps, workday): enps = 2 workday exactly, so R² = 1.
    for workday in (1, 2, 3, 4):
        respond(database, "pulse", {"enps": 2 * workday, "workday": workday}, day(10, 2))
    with database.transaction() as session, pytest.raises(InvalidInput) as raised:
        driver_data(session, query)
    assert raised.value.field == "survey"
    assert "fewer than the anonymity threshold 5" in str(raised.value)
    respond(database, "pulse", {"enps": 10, "workday": 5}, day(10, 2))
    with database.transaction() as session:
        _, analysis = survey_drivers(session, query, resamples=0)
    assert analysis.n == 5
    assert analysis.r2 == pytest.approx(1)


def test_the_outcome_defaults_to_the_only_nps_question(database: Database) -> None:
    relational_store(database)
    add_survey(database, "two-nps", [("a", "nps", None), ("b", "nps", None)])
    with database.transaction() as session:
        data = driver_data(session, SurveyDriverQuery("relational", *OCTOBER))
        assert data.outcome == "recommend"
        assert [column.name for column in data.columns] == ["delivery", "website"]
        with pytest.raises(InvalidInput, match="has 2 NPS questions"):
            driver_data(session, SurveyDriverQuery("two-nps", *OCTOBER))
