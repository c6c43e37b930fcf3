from datetime import UTC, datetime, timedelta

import pytest

from kokemus.metrics.definitions import Estimate, withheld
from kokemus.metrics.goals import GoalStatus, goal_status

START = datetime(2025, 1, 1, tzinfo=UTC)
END = datetime(2025, 4, 1, tzinfo=UTC)  # 90 days
MIDWAY = START + timedelta(days=45)


def nps(value: float | None, low: float | None = None, high: float | None = None) -> Estimate:
    return Estimate("nps", value, 0 if value is None else 200, low, high, {})


def status(
    current: Estimate,
    *,
    target: float = 40,
    now: datetime = MIDWAY,
    higher_is_better: bool = True,
    history: list[tuple[datetime, float]] | None = None,
) -> GoalStatus:
    return goal_status(
        target,
        higher_is_better=higher_is_better,
        current=current,
        period_start=START,
        period_end=END,
        now=now,
        history=history or [],
    )


def days(n: float) -> datetime:
    return START + timedelta(days=n)


def test_not_started_before_the_period() -> None:
    result = status(nps(50, 45, 55), now=START - timedelta(seconds=1))
    assert result == GoalStatus("not_started", None, "starts 2025-01-01")


def test_met_and_missed_once_the_period_has_ended() -> None:
    # A past period is judged on its figure: 41 reaches 40 though its interval holds 40.
    assert status(nps(41, 30, 52), now=END).status == "met"
    assert status(nps(39, 30, 48), now=END + timedelta(days=3)).status == "missed"
    assert status(nps(None), now=END).status == "missed"
    assert status(nps(40, 35, 45), now=END).projected == 40


def test_lower_is_better() -> None:
    share_weak = Estimate("weak_share", 8, 300, 5, 11, {})  # % weak: lower is better
    assert status(share_weak, target=10, now=END, higher_is_better=False).status == "met"
    assert status(share_weak, target=12, higher_is_better=False).status == "on_track"
    # 11, the worse (upper) end of the interval, is over a target of 10.
    assert status(share_weak, target=10, higher_is_better=False).status == "at_risk"


def test_on_track_when_the_figure_its_interval_and_the_trend_reach_the_target() -> None:
    flat = [(days(15), 50.0), (days(30), 50.0)]
    result = status(nps(50, 45, 55), history=flat)
    assert result.status == "on_track"
    assert result.projected == pytest.approx(50)


def test_at_risk_when_the_target_is_inside_the_interval() -> None:
    result = status(nps(44, 36, 52))
    assert result.status == "at_risk"
    assert "inside the interval 36.0..52.0 (n = 200)" in result.reason


def test_at_risk_when_the_trend_crosses_the_target_before_the_end() -> None:
    # 60, 55, 50 at days 15, 30, 45: -1/3 point a day, so 35 at day 90.
    falling = [(days(15), 60.0), (days(30), 55.0)]
    result = status(nps(50, 46, 54), history=falling)
    assert result.status == "at_risk"
    assert result.projected == pytest.approx(35)
    assert "trend ends at 35.0" in result.reason


def test_at_risk_when_short_now_even_if_the_trend_would_reach_it_late() -> None:
    # 20, 25, 30 at days 15, 30, 45: +1/3 point a day, so 45 at day 90.
    rising = [(days(15), 20.0), (days(30), 25.0)]
    result = status(nps(30, 25, 35), history=rising)
    assert result.status == "at_risk"
    assert result.projected == pytest.approx(45)
    assert "only late" in result.reason


def test_two_points_are_no_trend() -> None:
    result = status(nps(50, 46, 54), history=[(days(30), 80.0)])
    assert result.projected == 50


def test_history_outside_the_period_is_left_out() -> None:
    before = [(START - timedelta(days=30), -90.0), (START - timedelta(days=10), -80.0)]
    later = [(MIDWAY + timedelta(days=1), -70.0)]
    result = status(nps(50, 46, 54), history=before + later)
    assert (result.status, result.projected) == ("on_track", 50)


def test_the_projection_stays_within_the_scale() -> None:
    steep = [(days(1), 0.0), (days(2), 50.0)]
    result = status(nps(90, 85, 95), now=days(3), history=steep)
    assert result.projected == 100


def test_no_figure_yet_is_at_risk() -> None:
    assert status(nps(None)) == GoalStatus("at_risk", None, "no responses yet")
    hidden = status(withheld("enps", 3))
    assert hidden.status == "at_risk"
    assert hidden.reason.startswith("withheld")


def test_a_period_must_end_after_it_starts() -> None:
    with pytest.raises(ValueError, match="period_end"):
        goal_status(
            40,
            higher_is_better=True,
            current=nps(50),
            period_start=END,
            period_end=START,
            now=MIDWAY,
        )
