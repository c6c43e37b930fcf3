"""Themes from an editable taxonomy of multilingual lemma patterns."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from kokemus.text.patterns import PhrasePatterns, WordPatterns


class TaxonomyError(ValueError):
    pass


@dataclass(slots=True, eq=False)
class Taxonomy:
    version: str
    labels: dict[str, dict[str, str]]
    words: dict[str, WordPatterns] = field(default_factory=dict)
    phrases: dict[str, PhrasePatterns] = field(default_factory=dict)

    @property
    def theme_ids(self) -> tuple[str, ...]:
        return tuple(self.labels)

    def add(self, theme: str, lang: str, pattern: str) -> None:
        if " " in pattern.strip():
            self.phrases.setdefault(lang, PhrasePatterns()).add(pattern.strip(), theme)
        else:
            self.words.setdefault(lang, WordPatterns()).add(pattern.strip(), theme)


def parse_taxonomy(document: Any) -> Taxonomy:
    if not isinstance(document, dict) or not isinstance(document.get("themes"), dict):
        raise TaxonomyError("taxonomy: expected a mapping with a 'themes' mapping")
    taxonomy = Taxonomy(version=str(document.get("version", "0")), labels={})
    for theme, spec in document["themes"].items():
        if not isinstance(spec, dict):
            raise TaxonomyError(f"taxonomy theme {theme!r}: expected a mapping")
        labels = spec.get("label", {})
        taxonomy.labels[str(theme)] = {str(k): str(v) for k, v in labels.items()}
        for lang, patterns in spec.items():
            if lang == "label":
                continue
            if not isinstance(patterns, list):
                raise TaxonomyError(f"taxonomy theme {theme!r}, {lang!r}: expected a list")
            for pattern in patterns:
                taxonomy.add(str(theme), str(lang), str(pattern).lower())
    return taxonomy


def load_taxonomy(path: Path) -> Taxonomy:
    return parse_taxonomy(yaml.safe_load(path.read_text(encoding="utf-8")))


@lru_cache(maxsize=1)
def default_taxonomy() -> Taxonomy:
    source = resources.files("kokemus.text").joinpath("data/taxonomy.yaml")
    return parse_taxonomy(yaml.safe_load(source.read_text(encoding="utf-8")))


def find_themes(words: list[str], lang: str, taxonomy: Taxonomy) -> list[str]:
    """Theme ids whose patterns occur in these lowercase words, in taxonomy order."""
    found: set[str] = set()
    single = taxonomy.words.get(lang)
    if single is not None:
        for word in words:
            found.update(single.keys_for(word, lang))
    phrases = taxonomy.phrases.get(lang)
    if phrases is not None:
        found.update(key for key, _, _ in phrases.find(words, lang))
    return [theme for theme in taxonomy.labels if theme in found]
