"""A store with hand-counted answers for the report: two surveys at two touchpoints,
employees, comments (one carrying markup), a goal, and a touchpoint whose name has markup."""

from datetime import date

import pytest
from sqlalchemy import update

from kokemus.enrich.service import analyze_pending
from kokemus.journeys.models import Touchpoint
from kokemus.metrics import goals_service
from kokemus.store import Database
from tests.factories import add_source, load_default_journey, send, track
from tests.reports.helpers import add_survey, answer, day, scores

HOSTILE_NAME = 'Home delivery <script>alert("name")</script> & more'
HOSTILE_COMMENT = (
    "Tuoli tuli rikki ja kuljettaja oli todella töykeä, huonoin palvelu ikinä "
    '<script>alert("comment")</script>'
)
WARM_COMMENT = "Ihana tuoli, nopea toimitus ja erittäin ystävällinen kuljettaja, kiitos!"


@pytest.fixture
def report_store(database: Database) -> Database:
    load_default_journey(database)
    with database.transaction() as session:
        session.execute(
            update(Touchpoint).where(Touchpoint.key == "home-delivery").values(name=HOSTILE_NAME)
        )
    add_survey(
        database,
        "delivery",
        [("score", "nps"), ("expect", "expectation"), ("stars", "rating"), ("comment", "text")],
        touchpoint="home-delivery",
    )
    add_survey(database, "advice", [("score", "nps"), ("ease", "ces")], touchpoint="advice-call")
    add_survey(database, "pulse", [("enps", "nps")], kind="employee")
    # October at the carrier: NPS (3 - 2) / 6 = +16.7; expectations weak 2, good 1,
    # excellent 3; stars 5, 4, 4, 3, 2, 1.
    october = [(10, 5, 5), (9, 4, 4), (9, 5, 4), (8, 3, 3), (3, 2, 2), (0, 1, 1)]
    for score, expect, stars in october:
        answer(
            database,
            "delivery",
            {"score": score, "expect": expect, "stars": stars},
            day(10, 12),
            unit="carrier",
        )
    answer(
        database, "delivery", {"score": 1, "comment": HOSTILE_COMMENT}, day(10, 20), unit="carrier"
    )
    answer(
        database, "delivery", {"score": 10, "comment": WARM_COMMENT}, day(10, 21), unit="carrier"
    )
    # Advice calls in October, by sales: 10, 10, 7 -> +66.7; effort 6, 7, 5.
    for score, ease in ((10, 6), (10, 7), (7, 5)):
        answer(database, "advice", {"score": score, "ease": ease}, day(10, 5), unit="sales")
    # September: 10, 2, 1, 0 -> -50; May: 9, 9 -> +100 (the trend has gaps between).
    scores(database, "delivery", [10, 2, 1, 0], day(9, 10), unit="carrier")
    scores(database, "delivery", [9, 9], day(5, 10), unit="carrier")
    # Six employees at the store and six at the carrier in October (eNPS +50).
    scores(database, "pulse", [10, 10, 9, 7, 6, 5], day(10, 7), unit="store", question="enps")
    scores(database, "pulse", [10, 10, 10, 9, 8, 7], day(10, 7), unit="carrier", question="enps")
    # Two customers browse, then order: one path of two touchpoints.
    add_source(database, "shop")
    events = [
        track(name, message_id=f"{who}-{name}", user_id=who, timestamp=when)
        for who in ("aino", "eero")
        for name, when in (
            ("Product Viewed", "2026-10-03T10:00:00+03:00"),
            ("Order Completed", "2026-10-03T10:30:00+03:00"),
        )
    ]
    assert not send(database, events, source="shop").rejected
    while analyze_pending(database):
        pass
    with database.transaction() as session:
        goals_service.create_goal(
            session,
            goals_service.GoalInput("nps", date(2026, 10, 1), date(2026, 10, 31), 10.0),
        )
        goals_service.create_goal(
            session,
            goals_service.GoalInput(
                "nps", date(2026, 10, 1), date(2026, 12, 31), 50.0, unit="sales"
            ),
        )
    return database
