import pytest

from kokemus.insights.moments import (
    Moment,
    MomentsDataError,
    Thresholds,
    TouchpointFigures,
    classify_moments,
)

# Medians: importance 0.20 (delivery), performance 0.80 (delivery), effort 3.0 (web).
JOURNEY = [
    TouchpointFigures("web", importance=0.40, performance=0.60, volume=100, effort=3.0),
    TouchpointFigures("store", importance=0.35, performance=0.90, volume=100, effort=2.0),
    TouchpointFigures("invoice", importance=0.05, performance=0.70, volume=100, effort=5.0),
    TouchpointFigures("delivery", importance=0.20, performance=0.80, volume=100, effort=4.0),
    TouchpointFigures("newsletter", importance=0.10, performance=0.85, volume=100, effort=1.0),
]


def by_name(moments: tuple[Moment, ...]) -> dict[str, Moment]:
    return {moment.name: moment for moment in moments}


def test_each_quadrant_gets_its_action_against_the_medians() -> None:
    result = classify_moments(JOURNEY)
    assert result.thresholds == Thresholds(importance=0.20, performance=0.80, effort=3.0)
    actions = [(m.name, m.action) for m in result.moments]
    assert actions == [
        ("web", "improve"),
        ("store", "keep"),
        ("invoice", "reduce"),
        ("delivery", "monitor"),
        ("newsletter", "monitor"),
    ]


def test_the_reason_names_the_figures_and_what_they_were_compared_with() -> None:
    moments = by_name(classify_moments(JOURNEY).moments)
    assert moments["web"].reason == (
        "importance 0.4 is above the median 0.2 and performance 0.6 is worse than the "
        "median 0.8: it matters and falls short, improve it"
    )
    assert moments["invoice"].reason == (
        "importance 0.05 is below the median 0.2 and effort 5 is above the median 3: "
        "it matters little but costs effort, a candidate to remove"
    )
    assert moments["newsletter"].reason.endswith("effort 1 is below the median 3: monitor it")
    assert (moments["store"].importance, moments["store"].performance) == ("high", "high")


def test_a_figure_tied_with_its_threshold_is_neither_high_nor_low() -> None:
    moments = by_name(classify_moments(JOURNEY).moments)
    assert moments["delivery"].importance == "at"
    assert "importance 0.2 is at the median 0.2" in moments["delivery"].reason
    tied = [
        TouchpointFigures("a", importance=0.5, performance=0.7, volume=10),
        TouchpointFigures("b", importance=0.5, performance=0.7, volume=10),
        TouchpointFigures("c", importance=0.9, performance=0.7, volume=10),
        TouchpointFigures("d", importance=0.1, performance=0.9, volume=10),
    ]
    result = classify_moments(tied)
    assert result.thresholds.importance == 0.5
    assert [m.action for m in result.moments] == ["monitor", "monitor", "monitor", "monitor"]
    assert result.moments[2].performance == "at"


def test_given_thresholds_replace_the_medians_and_are_named_so() -> None:
    result = classify_moments(JOURNEY, importance_threshold=0.3, performance_threshold=0.95)
    assert result.thresholds == Thresholds(importance=0.3, performance=0.95, effort=3.0)
    moments = by_name(result.moments)
    assert moments["store"].action == "improve"
    assert "above the threshold 0.3" in moments["store"].reason
    assert moments["delivery"].action == "reduce"


def test_performance_where_lower_is_better() -> None:
    weak_share = [
        TouchpointFigures("web", importance=0.4, performance=0.30, volume=50),
        TouchpointFigures("store", importance=0.3, performance=0.05, volume=50),
        TouchpointFigures("phone", importance=0.1, performance=0.20, volume=50),
        TouchpointFigures("app", importance=0.05, performance=0.10, volume=50),
    ]
    moments = by_name(classify_moments(weak_share, higher_is_better=False).moments)
    assert (moments["web"].action, moments["web"].performance) == ("improve", "low")
    assert "performance 0.3 is worse than the median 0.15" in moments["web"].reason
    assert (moments["store"].action, moments["store"].performance) == ("keep", "high")


def test_without_an_effort_figure_a_minor_touchpoint_is_monitored() -> None:
    figures = [
        TouchpointFigures("web", importance=0.4, performance=0.6, volume=10),
        TouchpointFigures("app", importance=0.1, performance=0.6, volume=10),
    ]
    app = classify_moments(figures).moments[1]
    assert app.action == "monitor"
    assert app.effort is None
    assert "it has no effort figure" in app.reason


def test_touchpoints_with_too_few_responses_are_monitored_and_left_out_of_the_medians() -> None:
    figures = [*JOURNEY, TouchpointFigures("kiosk", importance=0.9, performance=0.1, volume=3)]
    result = classify_moments(figures, min_volume=30)
    assert result.thresholds == classify_moments(JOURNEY).thresholds
    kiosk = result.moments[-1]
    assert (kiosk.action, kiosk.importance) == ("monitor", None)
    assert kiosk.reason == "only 3 responses (fewer than 30): monitor it"


def test_no_touchpoints_give_no_thresholds() -> None:
    result = classify_moments([])
    assert result.moments == ()
    assert result.thresholds == Thresholds(None, None, None)


@pytest.mark.parametrize(
    ("figures", "message"),
    [
        ([JOURNEY[0], JOURNEY[0]], "named more than once: web"),
        ([TouchpointFigures("web", float("nan"), 0.5, 10)], "touchpoint web: importance"),
        ([TouchpointFigures("web", 0.1, 0.5, 10, effort=float("inf"))], "web: effort"),
        ([TouchpointFigures("web", 0.1, 0.5, -1)], "web: volume is negative"),
    ],
)
def test_bad_figures_are_refused_by_touchpoint(
    figures: list[TouchpointFigures], message: str
) -> None:
    with pytest.raises(MomentsDataError, match=message):
        classify_moments(figures)
