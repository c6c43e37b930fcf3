"""A moment's reason in words, in Finnish, Swedish or English, from its code and facts.

`classify_moments` gives each moment a `reason_code` (its action, or "too_few") and
`reason_params`: for a classified touchpoint, the facts that decided it, each a code
("importance_high", "performance_low", "effort_at", "no_effort"...) with its value, the
threshold and whether that threshold is the median or one that was given; for too few
responses, the volume and the minimum.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

LANGUAGES = ("fi", "sv", "en")
REASON_CODES = ("improve", "keep", "reduce", "monitor", "too_few")
FACT_CODES = tuple(
    f"{measure}_{level}"
    for measure in ("importance", "performance", "effort")
    for level in ("high", "low", "at")
) + ("no_effort",)

# Each fact as a phrase: {value} and {threshold} are the numbers, {basis_*} the threshold's
# name in the form the phrase needs (Finnish: nominative or genitive).
_FACTS: Mapping[str, Mapping[str, str]] = {
    "en": {
        "importance_high": "importance {value} is above the {basis} {threshold}",
        "importance_low": "importance {value} is below the {basis} {threshold}",
        "importance_at": "importance {value} is at the {basis} {threshold}",
        "performance_high": "performance {value} is better than the {basis} {threshold}",
        "performance_low": "performance {value} is worse than the {basis} {threshold}",
        "performance_at": "performance {value} is at the {basis} {threshold}",
        "effort_high": "effort {value} is above the {basis} {threshold}",
        "effort_low": "effort {value} is below the {basis} {threshold}",
        "effort_at": "effort {value} is at the {basis} {threshold}",
        "no_effort": "it has no effort figure",
    },
    "fi": {
        "importance_high": "tärkeys {value} ylittää {basis_gen} {threshold}",
        "importance_low": "tärkeys {value} jää alle {basis_gen} {threshold}",
        "importance_at": "tärkeys {value} on {basis_gen} {threshold} tasolla",
        "performance_high": "suoriutuminen {value} on parempi kuin {basis} {threshold}",
        "performance_low": "suoriutuminen {value} on heikompi kuin {basis} {threshold}",
        "performance_at": "suoriutuminen {value} on {basis_gen} {threshold} tasolla",
        "effort_high": "asiakkaan vaivannäkö {value} ylittää {basis_gen} {threshold}",
        "effort_low": "asiakkaan vaivannäkö {value} jää alle {basis_gen} {threshold}",
        "effort_at": "asiakkaan vaivannäkö {value} on {basis_gen} {threshold} tasolla",
        "no_effort": "vaivannäöstä ei ole lukua",
    },
    "sv": {
        "importance_high": "vikten {value} ligger över {basis} {threshold}",
        "importance_low": "vikten {value} ligger under {basis} {threshold}",
        "importance_at": "vikten {value} är lika med {basis} {threshold}",
        "performance_high": "resultatet {value} är bättre än {basis} {threshold}",
        "performance_low": "resultatet {value} är sämre än {basis} {threshold}",
        "performance_at": "resultatet {value} är lika med {basis} {threshold}",
        "effort_high": "kundens ansträngning {value} ligger över {basis} {threshold}",
        "effort_low": "kundens ansträngning {value} ligger under {basis} {threshold}",
        "effort_at": "kundens ansträngning {value} är lika med {basis} {threshold}",
        "no_effort": "det finns inget mått på ansträngningen",
    },
}
_BASES: Mapping[str, Mapping[str, tuple[str, str]]] = {
    # (the form after a preposition or comparison, the Finnish genitive)
    "en": {"median": ("median", "median"), "threshold": ("threshold", "threshold")},
    "fi": {"median": ("mediaani", "mediaanin"), "threshold": ("raja-arvo", "raja-arvon")},
    "sv": {"median": ("medianen", "medianen"), "threshold": ("gränsvärdet", "gränsvärdet")},
}
_CONCLUSIONS: Mapping[str, Mapping[str, str]] = {
    "en": {
        "improve": "it matters and falls short, improve it",
        "keep": "it matters and does well, keep it so",
        "reduce": "it matters little but costs effort, a candidate to remove",
        "monitor": "monitor it",
        "too_few": "only {volume} responses (fewer than {min_volume}): monitor it",
    },
    "fi": {
        "improve": "kohta on tärkeä mutta jää heikoksi, joten sitä kannattaa parantaa",
        "keep": "kohta on tärkeä ja onnistuu hyvin, joten taso kannattaa pitää",
        "reduce": "kohdalla on vähän merkitystä mutta se teettää asiakkaalla vaivaa, "
        "joten se on ehdokas poistettavaksi",
        "monitor": "seuraa tilannetta",
        "too_few": "vain {volume} vastausta (alle {min_volume}), joten seuraa tilannetta",
    },
    "sv": {
        "improve": "den är viktig men brister, så den bör förbättras",
        "keep": "den är viktig och fungerar väl, så behåll nivån",
        "reduce": "den betyder lite men kräver ansträngning av kunden, så den är en "
        "kandidat att ta bort",
        "monitor": "följ utvecklingen",
        "too_few": "bara {volume} svar (färre än {min_volume}), så följ utvecklingen",
    },
}
_AND = {"en": " and ", "fi": " ja ", "sv": " och "}


def render_reason(code: str, params: Mapping[str, Any], language: str) -> str:
    """The reason in `language` (English for one not offered)."""
    lang = language if language in LANGUAGES else "en"
    conclusions = _CONCLUSIONS[lang]
    if code == "too_few":
        return conclusions["too_few"].format(
            volume=params["volume"], min_volume=params["min_volume"]
        )
    facts: Sequence[Mapping[str, Any]] = params.get("facts", ())
    said = _AND[lang].join(_fact(fact, lang) for fact in facts)
    return f"{said}: {conclusions[code]}" if said else conclusions[code]


def _fact(fact: Mapping[str, Any], lang: str) -> str:
    basis, basis_gen = _BASES[lang][fact.get("basis", "median")]
    return _FACTS[lang][fact["code"]].format(
        value=_number(fact.get("value"), lang),
        threshold=_number(fact.get("threshold"), lang),
        basis=basis,
        basis_gen=basis_gen,
    )


def _number(value: float | None, lang: str) -> str:
    if value is None:
        return "–"
    shown = f"{value:.3g}"
    # Finnish and Swedish write a decimal comma and a real minus sign.
    return shown if lang == "en" else shown.replace(".", ",").replace("-", "−")
