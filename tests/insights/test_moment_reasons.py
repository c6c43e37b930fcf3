"""A moment's reason from its code and facts, in Finnish, Swedish and English."""

from typing import Any

import pytest

from kokemus.insights.moment_reasons import FACT_CODES, LANGUAGES, REASON_CODES, render_reason
from kokemus.insights.moments import TouchpointFigures, classify_moments

FACTS: dict[str, Any] = {
    "facts": [
        {"code": "importance_high", "value": 44.44, "threshold": 27.78, "basis": "median"},
        {"code": "performance_low", "value": 0.0, "threshold": 50.0, "basis": "median"},
    ]
}


def params_for(code: str) -> dict[str, Any]:
    if code == "too_few":
        return {"volume": 3, "min_volume": 10}
    return FACTS


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("code", REASON_CODES)
def test_every_reason_renders_in_every_language(code: str, language: str) -> None:
    said = render_reason(code, params_for(code), language)
    assert said
    assert "{" not in said
    if code == "too_few":
        assert "3" in said
        assert "10" in said
    else:
        assert ("44,4" if language != "en" else "44.4") in said


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("fact", FACT_CODES)
@pytest.mark.parametrize("basis", ["median", "threshold"])
def test_every_fact_renders_in_every_language(fact: str, language: str, basis: str) -> None:
    params = {"facts": [{"code": fact, "value": 6.0, "threshold": 4.0, "basis": basis}]}
    said = render_reason("monitor", params, language)
    assert "{" not in said
    if fact != "no_effort":
        assert "6" in said
        assert "4" in said


def test_the_languages_say_it_naturally() -> None:
    assert render_reason("improve", FACTS, "fi") == (
        "tärkeys 44,4 ylittää mediaanin 27,8 ja suoriutuminen 0 on heikompi kuin mediaani 50: "
        "kohta on tärkeä mutta jää heikoksi, joten sitä kannattaa parantaa"
    )
    assert render_reason("improve", FACTS, "sv") == (
        "vikten 44,4 ligger över medianen 27,8 och resultatet 0 är sämre än medianen 50: "
        "den är viktig men brister, så den bör förbättras"
    )
    assert render_reason("too_few", params_for("too_few"), "fi") == (
        "vain 3 vastausta (alle 10), joten seuraa tilannetta"
    )
    # A language not offered falls back to English.
    assert render_reason("monitor", {"facts": []}, "de") == "monitor it"


def test_each_moment_carries_its_code_and_facts_and_the_english_reason() -> None:
    result = classify_moments(
        [
            TouchpointFigures("delivery", 44.44, 0.0, 16),
            TouchpointFigures("website", 44.44, 100.0, 16),
            TouchpointFigures("service", 11.11, 0.0, 16, effort=6.0),
            TouchpointFigures("newsletter", 0.0, 100.0, 16, effort=2.0),
            TouchpointFigures("app", 50.0, 0.0, 2),
        ],
        min_volume=10,
    )
    moments = {moment.name: moment for moment in result.moments}
    delivery = moments["delivery"]
    assert delivery.reason_code == "improve"
    assert [fact["code"] for fact in delivery.reason_params["facts"]] == [
        "importance_high",
        "performance_low",
    ]
    assert delivery.reason == (
        "importance 44.4 is above the median 27.8 and performance 0 is worse than the "
        "median 50: it matters and falls short, improve it"
    )
    assert moments["service"].reason_code == "reduce"
    assert [f["code"] for f in moments["service"].reason_params["facts"]] == [
        "importance_low",
        "effort_high",
    ]
    app = moments["app"]
    assert app.reason_code == "too_few"
    assert app.reason_params == {"volume": 2, "min_volume": 10}
    assert app.reason == "only 2 responses (fewer than 10): monitor it"
    for moment in result.moments:
        assert render_reason(moment.reason_code, moment.reason_params, "en") == moment.reason
