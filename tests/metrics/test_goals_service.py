"""Goals in the store on hand-counted answers: each status, validation naming the field."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from kokemus.audit.models import AuditEntry
from kokemus.errors import Conflict, InvalidInput, NotFound
from kokemus.metrics import goals_service as service
from kokemus.metrics.goals_service import GoalInput, GoalReport
from kokemus.store import Database
from tests.factories import load_default_journey
from tests.reports.helpers import add_survey, day, scores

OCTOBER = (date(2026, 10, 1), date(2026, 10, 31))
SEPTEMBER = (date(2026, 9, 1), date(2026, 9, 30))
MID_OCTOBER = day(10, 15, hour=9)  # 12:00 in Helsinki


@pytest.fixture
def journey(database: Database) -> Database:
    load_default_journey(database)
    return database


@pytest.fixture
def store(journey: Database) -> Database:
    database = journey
    add_survey(database, "delivery", [("score", "nps")], touchpoint="home-delivery")
    add_survey(database, "pulse", [("score", "nps")], kind="employee")
    # September at the carrier: 10, 10, 9, 8, 3 -> (3 - 1) / 5 = +40.
    scores(database, "delivery", [10, 10, 9, 8, 3], day(9, 10), unit="carrier")
    # October at the store: 40 promoters in the first week -> +100, interval 83.58..100.
    scores(database, "delivery", [10] * 40, day(10, 3), unit="store")
    # October at the carrier: a first week of promoters, a second of passives.
    scores(database, "delivery", [10] * 10, day(10, 2), unit="carrier")
    scores(database, "delivery", [8] * 10, day(10, 9), unit="carrier")
    # Three employees at the store: under the anonymity threshold of 5.
    scores(database, "pulse", [10, 9, 0], day(10, 5), unit="store")
    return database


def goal(metric: str, target: float, period: tuple[date, date], **scope: str) -> GoalInput:
    return GoalInput(metric, period[0], period[1], target, **scope)


def status_of(database: Database, data: GoalInput, now: datetime = MID_OCTOBER) -> GoalReport:
    with database.transaction() as session:
        created = service.create_goal(session, data)
        (report,) = service.goal_reports(session, [created], now=now)
        return report


def test_met_and_missed_once_the_period_has_ended(store: Database) -> None:
    met = status_of(store, goal("nps", 40, SEPTEMBER, unit="carrier"))
    assert met.status.status == "met"
    assert met.current is not None
    assert met.current.value == pytest.approx(40)
    assert met.current.n == 5
    missed = status_of(store, goal("nps", 41, SEPTEMBER, unit="logistics"))
    assert missed.status.status == "missed"
    assert missed.status.reason == "40.0 fell short of the target 41"


def test_on_track_when_figure_interval_and_trend_reach_the_target(store: Database) -> None:
    report = status_of(store, goal("nps", 80, OCTOBER, unit="store"))
    assert report.status.status == "on_track"
    assert report.current is not None
    assert (report.current.value, report.current.n) == (100, 40)
    assert report.current.ci_low == pytest.approx(83.58, abs=0.005)
    assert report.status.projected == 100


def test_at_risk_when_the_target_is_inside_the_interval(store: Database) -> None:
    report = status_of(store, goal("nps", 90, OCTOBER, unit="store"))
    assert report.status.status == "at_risk"
    assert "inside the interval" in report.status.reason


def test_at_risk_when_the_weekly_trend_falls_short(store: Database) -> None:
    # So far: 100 at the end of the first week (n = 10, day 7), 50 at the end of the
    # second (n = 20, day 14) and now (day 14.5). The least squares line falls 6.87 points
    # a day: 66.67 - 6.87 * (31.04 - 11.83) = -65.05 at the end (31 days and the hour
    # summer time gives back), far under 20.
    report = status_of(store, goal("nps", 20, OCTOBER, unit="carrier"))
    assert report.current is not None
    assert report.current.value == pytest.approx(50)
    assert report.status.status == "at_risk"
    assert report.status.projected == pytest.approx(-65.05, abs=0.01)
    assert "trend ends at -65.0, short of 20" in report.status.reason


def test_not_started_before_the_period(store: Database) -> None:
    report = status_of(store, goal("nps", 30, (date(2026, 11, 1), date(2026, 11, 30))))
    assert report.current is None
    assert report.status.status == "not_started"
    assert report.status.reason == "starts 2026-11-01"


def test_a_touchpoint_narrows_the_goal(store: Database) -> None:
    report = status_of(store, goal("nps", 0, OCTOBER, touchpoint="store-visit"))
    assert report.status.status == "at_risk"
    assert report.status.reason == "no responses yet"
    whole = status_of(store, goal("nps", 0, OCTOBER, touchpoint="home-delivery"))
    assert whole.current is not None
    assert whole.current.n == 60


def test_employee_figures_under_the_threshold_are_withheld(store: Database) -> None:
    report = status_of(store, goal("enps", 0, OCTOBER, unit="store"))
    assert report.current is not None
    assert report.current.withheld
    assert report.status.status == "at_risk"
    assert report.status.reason.startswith("withheld")
    view = service.goal_view(report)
    assert view["current"] == {
        "value": None,
        "n": None,
        "ci_low": None,
        "ci_high": None,
        "withheld": True,
    }


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (goal("nsp", 40, OCTOBER), "metric"),
        (goal("nps", 40, OCTOBER, unit="moon"), "unit"),
        (goal("nps", 40, OCTOBER, touchpoint="teleport"), "touchpoint"),
        (goal("nps", 40, (OCTOBER[1], OCTOBER[0])), "period_end"),
        (goal("nps", 40, (date(2026, 1, 1), date(2037, 1, 1))), "period_end"),
        (goal("csat", 120, OCTOBER), "target"),
        (goal("ces", 0.5, OCTOBER), "target"),
        (goal("nps", float("nan"), OCTOBER), "target"),
    ],
)
def test_bad_input_names_the_field(journey: Database, data: GoalInput, field: str) -> None:
    with journey.transaction() as session, pytest.raises(InvalidInput) as raised:
        service.create_goal(session, data)
    assert raised.value.field == field


def test_days_are_checked_by_name() -> None:
    with pytest.raises(InvalidInput) as raised:
        service.parse_day("2026-13-01", "period_start")
    assert raised.value.field == "period_start"
    with pytest.raises(InvalidInput, match="a year from 1990"):
        service.parse_day("0001-01-01", "period_end")


def test_one_goal_per_metric_unit_touchpoint_and_period(journey: Database) -> None:
    with journey.transaction() as session:
        first = service.create_goal(session, goal("nps", 40, OCTOBER, unit="store"))
        with pytest.raises(Conflict, match=f"goal {first.id} already"):
            service.create_goal(session, goal("nps", 50, OCTOBER, unit="store"))
        # Another unit, touchpoint, metric or period is another goal.
        service.create_goal(session, goal("nps", 50, OCTOBER, unit="carrier"))
        service.create_goal(session, goal("nps", 50, OCTOBER))
        service.create_goal(session, goal("csat", 50, OCTOBER, unit="store"))
        changed, created = service.set_goal(session, goal("nps", 55, OCTOBER, unit="store"))
        assert (changed.id, changed.target, created) == (first.id, 55, False)
        other = service.create_goal(session, goal("nps", 40, SEPTEMBER, unit="store"))
        with pytest.raises(Conflict):
            service.update_goal(session, other.id, goal("nps", 40, OCTOBER, unit="store"))


def test_list_update_and_delete(journey: Database) -> None:
    with journey.transaction() as session:
        october = service.create_goal(session, goal("nps", 40, OCTOBER, unit="carrier"))
        september = service.create_goal(session, goal("nps", 40, SEPTEMBER, unit="store"))
        whole = service.create_goal(session, goal("csat", 80, OCTOBER))
    with journey.transaction() as session:
        assert [g.id for g in service.list_goals(session)] == [september.id, october.id, whole.id]
        # A unit's goals include its subtree's: the carrier is under logistics.
        assert [g.id for g in service.list_goals(session, unit="logistics")] == [october.id]
        assert [g.id for g in service.list_goals(session, metric="csat")] == [whole.id]
        overlapping = service.list_goals(
            session, overlapping=(date(2026, 9, 30), date(2026, 9, 30))
        )
        assert [g.id for g in overlapping] == [september.id]
        with pytest.raises(InvalidInput) as raised:
            service.list_goals(session, unit="moon")
        assert raised.value.field == "unit"
        updated = service.update_goal(
            session,
            october.id,
            goal("nps", 45, OCTOBER, unit="carrier", touchpoint="product-in-use"),
        )
        assert (updated.target, updated.touchpoint_id is not None) == (45, True)
    with journey.transaction() as session:
        service.delete_goal(session, october.id)
    with journey.transaction() as session:
        with pytest.raises(NotFound):
            service.get_goal(session, october.id)
        with pytest.raises(NotFound):
            service.delete_goal(session, october.id)
        actions = session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["goal.create"] * 3 + ["goal.update", "goal.delete"]


def test_the_period_runs_in_local_days(journey: Database) -> None:
    with journey.transaction() as session:
        created = service.create_goal(session, goal("nps", 40, OCTOBER))
        start, end = service.period_bounds(created)
    # Helsinki: +03:00 on 1 October, +02:00 on 1 November (summer time ends 25 October).
    assert start.isoformat() == "2026-10-01T00:00:00+03:00"
    assert end.isoformat() == "2026-11-01T00:00:00+02:00"
    assert end.astimezone(UTC) - start.astimezone(UTC) == timedelta(days=31, hours=1)
