"""Key-driver warnings and goals' reasons said from their code and params in Finnish,
Swedish and English: every code in every language, numbers with the language's decimal
mark, and the English text the same as the message or reason the API gives."""

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from kokemus.insights.drivers import AnalysisWarning, analyse_drivers
from kokemus.metrics.definitions import Estimate
from kokemus.metrics.goals import REASONS, GoalStatus, goal_status
from kokemus.reports.reasons import goal_reason_text, warning_text
from kokemus.reports.report_texts import LANGUAGES, TEXTS
from tests.insights.test_drivers import survey

WARNINGS: dict[str, dict[str, str | int | float]] = {
    "rows_dropped": {"n": 2},
    "small_sample": {"n": 40, "p": 5, "needed": 50, "min_rows": 30, "per_driver": 10},
    "constant_driver": {"driver": "speed"},
    "bootstrap_skipped": {"skipped": 12, "resamples": 1000},
    "sampled_orders": {"orders": 5000, "p": 16, "exact_limit": 12},
    "collinear_drivers": {"first": "price", "second": "value", "r": 0.8734},
    "high_vif": {"driver": "price", "vif": 6.25, "limit": 5.0},
}
REASON_PARAMS: dict[str, dict[str, str | int | float]] = {
    "not_started": {"start": "2026-12-01"},
    "no_responses_yet": {},
    "withheld_yet": {},
    "no_responses_period": {},
    "withheld_period": {},
    "reached": {"value": 47.25, "target": 45.0},
    "fell_short": {"value": 41.25, "target": 45.0},
    "short_now": {"value": 41.25, "target": 45.0, "projected": 43.5},
    "short_now_late": {"value": 41.25, "target": 45.0, "projected": 46.5},
    "trend_short": {"value": 46.25, "target": 45.0, "projected": 43.5},
    "inside_interval": {
        "value": 47.25,
        "target": 45.0,
        "projected": 48.5,
        "ci_low": 40.5,
        "ci_high": 53.75,
        "n": 120,
    },
    "on_track": {"value": 52.25, "target": 45.0, "projected": 53.5},
}
START = datetime(2026, 12, 1, tzinfo=UTC)


def coded(prefix: str) -> set[str]:
    return {key.removeprefix(prefix) for key in TEXTS["en"] if key.startswith(prefix)}


def test_every_warning_and_reason_code_has_a_text() -> None:
    assert coded("warning:") == set(WARNINGS)
    assert coded("goal_reason:") == set(REASONS) == set(REASON_PARAMS)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("code", sorted(WARNINGS))
def test_every_warning_in_every_language(code: str, language: str) -> None:
    params = WARNINGS[code]
    said = warning_text(AnalysisWarning(code, "in English", params), language)
    assert "{" not in said
    assert said != "in English"
    for value in params.values():
        if isinstance(value, int | str):
            assert str(value) in said, (value, said)
    mark = TEXTS[language]["decimal_mark"]
    if code == "collinear_drivers":
        assert f"r = 0{mark}87" in said
    if code == "high_vif":
        assert f"6{mark}2" in said
        assert "≥ 5" in said
    if language != "en":
        assert said != warning_text(AnalysisWarning(code, "", params), "en")


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("code", sorted(REASON_PARAMS))
def test_every_goal_reason_in_every_language(code: str, language: str) -> None:
    params = REASON_PARAMS[code]
    english = REASONS[code].format(**params)
    said = goal_reason_text(GoalStatus("at_risk", None, english, code, params), language)
    assert "{" not in said
    if language == "en":
        assert said == english
    else:
        assert said != english
    mark = TEXTS[language]["decimal_mark"]
    if "value" in params:
        assert f"{params['value']:.1f}".replace(".", mark) in said
        assert f"{params['target']:g}" in said
    if code == "inside_interval":
        assert f"40{mark}5" in said
        assert f"53{mark}8" in said
        assert "n = 120" in said


def english_warnings() -> list[AnalysisWarning]:
    rng = np.random.default_rng(5)
    base = rng.normal(size=200)
    x = np.column_stack([base, base + rng.normal(scale=0.3, size=200), rng.normal(size=200)])
    x[3, 2] = np.nan
    found = list(analyse_drivers(x, x[:, 0] + x[:, 1], ["p", "v", "s"], resamples=0).warnings)
    small, y = survey(n=25, p=2, seed=6)
    fixed = np.column_stack([small, np.full(25, 3.0)])
    found += analyse_drivers(fixed, y, ["a", "b", "c"], resamples=0).warnings
    many, y = survey(n=400, p=16, seed=5)
    found += analyse_drivers(many, y, [f"d{j}" for j in range(16)], resamples=0).warnings
    rare = np.zeros(30)
    rare[:2] = 1.0
    found += analyse_drivers(survey(n=30, p=2, seed=2)[0], rare, ["a", "b"]).warnings
    return found


def test_english_warnings_read_as_their_messages() -> None:
    found = english_warnings()
    assert {warning.code for warning in found} == set(WARNINGS)
    for warning in found:
        assert warning_text(warning, "en") == warning.message


def test_english_goal_reasons_read_as_the_reason() -> None:
    nps = Estimate("nps", 47.25, 120, 40.5, 53.75, {})
    cases = [
        (START - timedelta(days=1), nps, 45.0),
        (START + timedelta(days=10), nps, 45.0),
        (START + timedelta(days=10), nps, 50.0),
        (START + timedelta(days=10), nps, 30.0),
        (START + timedelta(days=40), nps, 45.0),
        (START + timedelta(days=40), nps, 50.0),
        (START + timedelta(days=10), Estimate("nps", None, 0, None, None, {}), 45.0),
        (START + timedelta(days=40), Estimate("nps", None, 2, None, None, {}, True), 45.0),
    ]
    codes = set()
    for now, current, target in cases:
        status = goal_status(
            target,
            higher_is_better=True,
            current=current,
            period_start=START,
            period_end=START + timedelta(days=31),
            now=now,
        )
        codes.add(status.reason_code)
        assert goal_reason_text(status, "en") == status.reason
    assert len(codes) == len(cases)


def test_a_driver_is_named_by_its_label_and_an_unknown_code_falls_back_to_english() -> None:
    warning = AnalysisWarning("constant_driver", "speed ...", {"driver": "speed"})
    said = warning_text(warning, "fi", lambda name: f"{name} (Toimitus)")
    assert "speed (Toimitus)" in said
    assert warning_text(AnalysisWarning("new_code", "as is", {}), "fi") == "as is"
    assert goal_reason_text(GoalStatus("met", 1.0, "as given"), "sv") == "as given"
