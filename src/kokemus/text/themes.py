"""Themes from an editable taxonomy of multilingual lemma patterns."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from kokemus.text.normalize import compound_head
from kokemus.text.patterns import PhrasePatterns, WordPatterns

WEAK = "~"


class TaxonomyError(ValueError):
    pass


@dataclass(slots=True, eq=False)
class Taxonomy:
    version: str
    labels: dict[str, dict[str, str]]
    words: dict[str, WordPatterns] = field(default_factory=dict)
    phrases: dict[str, PhrasePatterns] = field(default_factory=dict)
    weak_words: dict[str, WordPatterns] = field(default_factory=dict)
    weak_phrases: dict[str, PhrasePatterns] = field(default_factory=dict)
    yields_to: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def theme_ids(self) -> tuple[str, ...]:
        return tuple(self.labels)

    def add(self, theme: str, lang: str, pattern: str) -> None:
        """A pattern starting with "~" counts only in a clause that carries sentiment:
        "tuoli" is no theme, "tuoli on huono" is about product quality."""
        text = pattern.strip()
        weak = text.startswith(WEAK)
        text = text.removeprefix(WEAK).strip()
        if " " in text:
            phrases = self.weak_phrases if weak else self.phrases
            phrases.setdefault(lang, PhrasePatterns()).add(text, theme)
        else:
            words = self.weak_words if weak else self.words
            words.setdefault(lang, WordPatterns()).add(text, theme)


def parse_taxonomy(document: Any) -> Taxonomy:
    if not isinstance(document, dict) or not isinstance(document.get("themes"), dict):
        raise TaxonomyError("taxonomy: expected a mapping with a 'themes' mapping")
    taxonomy = Taxonomy(version=str(document.get("version", "0")), labels={})
    for theme, spec in document["themes"].items():
        if not isinstance(spec, dict):
            raise TaxonomyError(f"taxonomy theme {theme!r}: expected a mapping")
        labels = spec.get("label", {})
        taxonomy.labels[str(theme)] = {str(k): str(v) for k, v in labels.items()}
        yields = spec.get("yields_to", [])
        if not isinstance(yields, list):
            raise TaxonomyError(f"taxonomy theme {theme!r}, 'yields_to': expected a list")
        if yields:
            taxonomy.yields_to[str(theme)] = tuple(str(other) for other in yields)
        for lang, patterns in spec.items():
            if lang in ("label", "yields_to"):
                continue
            if not isinstance(patterns, list):
                raise TaxonomyError(f"taxonomy theme {theme!r}, {lang!r}: expected a list")
            for pattern in patterns:
                taxonomy.add(str(theme), str(lang), str(pattern).lower())
    for theme, others in taxonomy.yields_to.items():
        unknown = [other for other in others if other not in taxonomy.labels]
        if unknown:
            raise TaxonomyError(f"taxonomy theme {theme!r}, 'yields_to': no theme {unknown[0]!r}")
    return taxonomy


def load_taxonomy(path: Path) -> Taxonomy:
    return parse_taxonomy(yaml.safe_load(path.read_text(encoding="utf-8")))


@lru_cache(maxsize=1)
def default_taxonomy() -> Taxonomy:
    source = resources.files("kokemus.text").joinpath("data/taxonomy.yaml")
    return parse_taxonomy(yaml.safe_load(source.read_text(encoding="utf-8")))


def find_themes(
    words: Sequence[str], lang: str, taxonomy: Taxonomy, *, evaluative: bool = False
) -> list[str]:
    """Theme ids whose patterns occur in these lowercase words, in taxonomy order.

    `evaluative` says the words carry sentiment, which lets "~" patterns count too.
    """
    found = theme_hits(words, lang, taxonomy, evaluative=evaluative)
    return [theme for theme in taxonomy.labels if theme in found]


def theme_hits(
    words: Sequence[str], lang: str, taxonomy: Taxonomy, *, evaluative: bool = False
) -> Counter[str]:
    """How many patterns of each theme these words match (a phrase counts twice).

    A word inside a phrase is read as part of it: "web store" is about the website,
    so "store" there names no other theme on its own.
    """
    found = _hits(
        words,
        lang,
        [(taxonomy.words, taxonomy.phrases)],
        heads=taxonomy.weak_words.get(lang, _NO_WORDS),
    )
    if evaluative and not found:
        # "~" patterns are the fallback of a judging clause that names no theme outright:
        # "tuoli on huono" is about the chair, "waited an hour for our table" is not.
        found = _hits(words, lang, [(taxonomy.weak_words, taxonomy.weak_phrases)])
    return found


_NO_WORDS = WordPatterns()
Sources = list[tuple[dict[str, WordPatterns], dict[str, PhrasePatterns]]]


def _hits(
    words: Sequence[str], lang: str, sources: Sources, *, heads: WordPatterns | None = None
) -> Counter[str]:
    """With `heads` (the weak patterns), a compound no pattern names is read as its head
    ("työporukka" is about the "porukka"). Only for plain patterns: a "~" word is too weak
    a sign at one remove, and a compound a "~" pattern names is not read as its head for
    that theme ("~*maksu": "parkkimaksu" is no payment at the till)."""
    found: Counter[str] = Counter()
    covered: dict[int, set[str]] = {}
    matches = [
        match
        for _, multi in sources
        if (phrases := multi.get(lang)) is not None
        for match in phrases.find(words, lang)
    ]
    for key, start, end in matches:
        if _inside_a_longer_phrase(key, start, end, matches):
            continue
        found[key] += 2
        for index in range(start, end):
            covered.setdefault(index, set()).add(key)
    for single, _ in sources:
        patterns = single.get(lang)
        if patterns is None:
            continue
        for index, word in enumerate(words):
            keys = patterns.keys_for(word, lang)
            if not keys and heads is not None:
                head = compound_head(word, lang)
                if head:
                    keys = patterns.keys_for(head, lang) - heads.keys_for(word, lang)
            if not keys:
                continue
            inside = covered.get(index) if covered else None
            found.update(keys if inside is None else keys & inside)
    return found


def _inside_a_longer_phrase(
    key: str, start: int, end: int, matches: Sequence[tuple[str, int, int]]
) -> bool:
    """ "Tuote ei vastaa kuvausta" is about the product: a phrase of one theme inside a
    longer phrase of another is read as part of the longer one."""
    return any(
        other != key
        and other_start <= start
        and end <= other_end
        and other_end - other_start > end - start
        for other, other_start, other_end in matches
    )


def drop_yielding(hits: Counter[str], taxonomy: Taxonomy) -> None:
    """Within one sentence, remove themes that yield to another theme found there."""
    for theme, others in taxonomy.yields_to.items():
        if hits[theme] > 0 and any(hits[other] > 0 for other in others):
            del hits[theme]
