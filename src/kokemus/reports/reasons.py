"""Key-driver warnings and goals' reasons in the report's language, from their code and
params; the English message or reason when a code has no text."""

from collections.abc import Callable, Mapping

from kokemus.insights.drivers import AnalysisWarning
from kokemus.metrics.goals import GoalStatus
from kokemus.reports.report_texts import report_texts

Params = Mapping[str, str | int | float]

# How each number is shown, as the English message and reason show it; others as they are.
_FORMATS = {
    "r": ".2f",
    "vif": ".1f",
    "limit": "g",
    "value": ".1f",
    "projected": ".1f",
    "ci_low": ".1f",
    "ci_high": ".1f",
    "target": "g",
}
# The params that name a driver column, which the report shows by its label.
_DRIVER_PARAMS = ("driver", "first", "second")


def warning_text(warning: AnalysisWarning, language: str, label: Callable[[str], str] = str) -> str:
    params = {
        key: label(value) if key in _DRIVER_PARAMS and isinstance(value, str) else value
        for key, value in warning.params.items()
    }
    return _say(f"warning:{warning.code}", params, language, warning.message)


def goal_reason_text(status: GoalStatus, language: str) -> str:
    return _say(f"goal_reason:{status.reason_code}", status.reason_params, language, status.reason)


def _say(key: str, params: Params, language: str, english: str) -> str:
    texts = report_texts(language)
    if key not in texts:
        return english
    return texts[key].format(**{name: _shown(name, value, texts) for name, value in params.items()})


def _shown(name: str, value: str | int | float, texts: Mapping[str, str]) -> str:
    if isinstance(value, str):
        return value
    return format(value, _FORMATS.get(name, "")).replace(".", texts["decimal_mark"])
