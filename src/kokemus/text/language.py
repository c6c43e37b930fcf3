"""Language detection restricted to the languages an organisation works in."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from itertools import islice

from lingua import IsoCode639_1, Language, LanguageDetector, LanguageDetectorBuilder

from kokemus.text.normalize import iter_tokens

DEFAULT_LANGUAGES: tuple[str, ...] = ("fi", "sv", "en")

# Short answers where a character model has too little to go on.
_SHORT_ANSWERS: dict[str, str] = {
    **dict.fromkeys(
        "kiitos kiitti kiitoksia kiva hyvä huono loistava upea mahtava kyllä ei joo juu "
        "erinomainen tyytyväinen ihana surkea kamala kelpo hienoa hyvää paska".split(),
        "fi",
    ),
    **dict.fromkeys(
        "tack tackar bra dålig toppen jättebra ja nej nöjd utmärkt fantastiskt kanon "
        "tusen sämst skit trevligt".split(),
        "sv",
    ),
    **dict.fromkeys(
        "thanks thank good great bad yes no excellent awesome terrible nice fine cheers "
        "perfect poor brilliant lovely".split(),
        "en",
    ),
}


class UnknownLanguageError(ValueError):
    pass


def validate_languages(languages: Sequence[str]) -> tuple[str, ...]:
    """The codes as a tuple; raises UnknownLanguageError naming a code lingua lacks."""
    codes = tuple(languages)
    if not codes:
        raise UnknownLanguageError("languages: name at least one")
    _lingua_languages(codes)
    return codes


@lru_cache(maxsize=8)
def _detector(languages: tuple[str, ...]) -> LanguageDetector:
    return LanguageDetectorBuilder.from_languages(*_lingua_languages(languages)).build()


def _lingua_languages(languages: tuple[str, ...]) -> list[Language]:
    result = []
    for code in languages:
        try:
            result.append(Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper())))
        except (AttributeError, ValueError) as error:
            raise UnknownLanguageError(f"unknown language code: {code!r}") from error
    return result


def detect_language(text: str, languages: Sequence[str] = DEFAULT_LANGUAGES) -> str:
    """Return the most likely of `languages`; the first one when the text has no words."""
    configured = tuple(languages)
    if len(configured) == 1:
        return configured[0]
    # Only whether there are words at all, and whether there are two or fewer.
    words = list(islice((t.lower for t in iter_tokens(text) if t.lower.isalpha()), 3))
    if not words:
        return configured[0]
    if len(words) <= 2:
        for word in words:
            answer = _SHORT_ANSWERS.get(word)
            if answer in configured:
                return answer
    found = _detector(configured).detect_language_of(text)
    if found is None:
        return configured[0]
    return str(found.iso_code_639_1.name.lower())
