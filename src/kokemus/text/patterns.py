"""Word patterns shared by the taxonomy: exact words, stems, endings, parts, phrases."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from kokemus.text.normalize import word_forms

ANY_WORD = "*"
# "=later" matches that very word only, not its lemma ("late") nor its standard spelling.
SURFACE = "="
MIN_PREFIX = 2
_SLOT = "\x1f"
_NONE: frozenset[str] = frozenset()


@dataclass(slots=True, eq=False)
class WordPatterns:
    """Match one word against many single-word patterns, each tagged with a key."""

    exact: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    surface: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    prefix: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    suffix: list[tuple[str, str]] = field(default_factory=list)
    infix: list[tuple[str, str]] = field(default_factory=list)
    any_word: set[str] = field(default_factory=set)
    # Only the lengths some stem has are worth slicing a word to.
    prefix_lengths: list[int] = field(default_factory=list)
    # One regex finds whether any ending or part occurs before each is tried.
    _screen: re.Pattern[str] | None = None
    # A PatternIndex that answers for this table too, and this table's slot in it.
    _index: tuple[PatternIndex, int] | None = None

    def add(self, pattern: str, key: str) -> None:
        self._screen = None
        self._index = None
        if pattern == ANY_WORD:
            self.any_word.add(key)
        elif pattern.startswith(SURFACE):
            self.surface[pattern[1:]].add(key)
        elif pattern.startswith("*") and pattern.endswith("*"):
            self.infix.append((pattern[1:-1], key))
        elif pattern.startswith("*"):
            self.suffix.append((pattern[1:], key))
        elif pattern.endswith("*"):
            if len(pattern) - 1 < MIN_PREFIX:
                raise ValueError(f"pattern {pattern!r}: a stem needs {MIN_PREFIX} letters or more")
            self.prefix[pattern[:-1]].add(key)
            self.prefix_lengths = sorted({*self.prefix_lengths, len(pattern) - 1})
        else:
            self.exact[pattern].add(key)

    def keys_for(self, word: str, lang: str) -> frozenset[str]:
        if self._index is not None:
            index, slot = self._index
            return _indexed_keys(index, word, lang)[slot]
        return _keys_for(self, word, lang)

    def merge(self, other: WordPatterns, tag: str) -> None:
        """Add every pattern of `other`, its keys prefixed with `tag`."""
        tables = (
            (other.exact, self.exact),
            (other.surface, self.surface),
            (other.prefix, self.prefix),
        )
        for table, into in tables:
            for pattern, keys in table.items():
                into[pattern].update(tag + key for key in keys)
        self.suffix.extend((ending, tag + key) for ending, key in other.suffix)
        self.infix.extend((part, tag + key) for part, key in other.infix)
        self.any_word.update(tag + key for key in other.any_word)
        self.prefix_lengths = sorted({*self.prefix_lengths, *other.prefix_lengths})
        self._screen = None

    def screen(self) -> re.Pattern[str]:
        if self._screen is None:
            parts = [re.escape(ending) + "$" for ending, _ in self.suffix]
            parts += [re.escape(part) for part, _ in self.infix]
            self._screen = re.compile("|".join(parts) or "(?!)")
        return self._screen


class PatternIndex:
    """Several tables looked up in one pass over a word's forms. The taxonomy, the
    lexicon's phrases and the emotion cues all ask about the same words; each table
    then reads its own slot of the one cached answer."""

    def __init__(self, tables: Sequence[WordPatterns]) -> None:
        self.size = len(tables)
        self.merged = WordPatterns()
        for slot, table in enumerate(tables):
            self.merged.merge(table, f"{slot}{_SLOT}")
        for slot, table in enumerate(tables):
            table._index = (self, slot)


@lru_cache(maxsize=500_000)
def _indexed_keys(index: PatternIndex, word: str, lang: str) -> tuple[frozenset[str], ...]:
    found = _find_keys(index.merged, word, lang)
    if not found:
        return (_NONE,) * index.size
    by_slot: list[set[str]] = [set() for _ in range(index.size)]
    for tagged in found:
        slot, _, key = tagged.partition(_SLOT)
        by_slot[int(slot)].add(key)
    return tuple(frozenset(keys) if keys else _NONE for keys in by_slot)


@lru_cache(maxsize=500_000)
def _keys_for(patterns: WordPatterns, word: str, lang: str) -> frozenset[str]:
    return _find_keys(patterns, word, lang)


def _find_keys(patterns: WordPatterns, word: str, lang: str) -> frozenset[str]:
    keys: set[str] = set(patterns.any_word)
    keys.update(patterns.surface.get(word, ()))
    screen = patterns.screen()
    for form in word_forms(word, lang):
        keys.update(patterns.exact.get(form, ()))
        for length in patterns.prefix_lengths:
            if length > len(form):
                break
            keys.update(patterns.prefix.get(form[:length], ()))
        if not screen.search(form):
            continue
        for ending, key in patterns.suffix:
            if form.endswith(ending):
                keys.add(key)
        for part, key in patterns.infix:
            if part in form:
                keys.add(key)
    return frozenset(keys)


@dataclass(slots=True, eq=False)
class _PhraseNode:
    """One word of phrases that share their words so far: phrases that open alike
    ("arrived on time", "arrived on the wrong day") are checked word by word once."""

    keys: list[str] = field(default_factory=list)
    # Next words by exact pattern (looked up by the word's forms) and by pattern with "*".
    exact: dict[str, _PhraseNode] = field(default_factory=dict)
    wild: dict[str, _PhraseNode] = field(default_factory=dict)

    def child(self, part: str) -> _PhraseNode:
        table = self.wild if "*" in part or part.startswith(SURFACE) else self.exact
        return table.setdefault(part, _PhraseNode())


@dataclass(slots=True, eq=False)
class PhrasePatterns:
    """Multi-word patterns, found by their first word and checked word by word."""

    first: WordPatterns = field(default_factory=WordPatterns)
    # The tree of the phrases' later words under each first word's pattern.
    roots: dict[str, _PhraseNode] = field(default_factory=dict)

    def add(self, phrase: str, key: str) -> None:
        opening, *rest = phrase.split()
        node = self.roots.get(opening)
        if node is None:
            node = self.roots[opening] = _PhraseNode()
            self.first.add(opening, opening)
        for part in rest:
            node = node.child(part)
        node.keys.append(key)

    def find(self, words: Sequence[str], lang: str) -> Iterable[tuple[str, int, int]]:
        """Yield (key, start, end) word indexes of every phrase found."""
        for start in range(len(words)):
            for key, end in self.match_at(words, start, lang):
                yield key, start, end

    def match_at(self, words: Sequence[str], start: int, lang: str) -> list[tuple[str, int]]:
        """(key, end) of the phrases that start at word `start`."""
        openings = self.first.keys_for(words[start], lang)
        if not openings:
            return []
        found: list[tuple[str, int]] = []
        for opening in openings:
            _walk(self.roots[opening], words, start + 1, lang, found)
        return found


def _walk(
    node: _PhraseNode, words: Sequence[str], at: int, lang: str, found: list[tuple[str, int]]
) -> None:
    for key in node.keys:
        found.append((key, at))
    if at >= len(words):
        return
    word = words[at]
    if node.exact:
        for form in word_forms(word, lang):
            child = node.exact.get(form)
            if child is not None:
                _walk(child, words, at + 1, lang, found)
    for part, child in node.wild.items():
        if part_matches(part, word, lang):
            _walk(child, words, at + 1, lang, found)


@lru_cache(maxsize=500_000)
def part_matches(part: str, word: str, lang: str) -> bool:
    """Whether one word matches one pattern (see WordPatterns.add for the forms)."""
    if part == ANY_WORD:
        return True
    if part.startswith(SURFACE):
        return part[1:] == word
    forms = word_forms(word, lang)
    if part.startswith("*") and part.endswith("*"):
        return any(part[1:-1] in form for form in forms)
    if part.startswith("*"):
        return any(form.endswith(part[1:]) for form in forms)
    if part.endswith("*"):
        return any(form.startswith(part[:-1]) for form in forms)
    return part in forms
