"""Load sentiment lexicons and look words up in them (cached per word)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

from kokemus.text.normalize import is_known_word, word_forms
from kokemus.text.patterns import SURFACE, PhrasePatterns

MIN_STEM = 3
MIN_COMPOUND_HEAD = 4
MIN_COMPOUND_MODIFIER = 3
MIN_COMPOUND_STEM = 5
MIN_COMPOUND_SCORE = 1.0
_BOOSTING_MODIFIERS = frozenset(
    "super huippu tosi hyper mega jätte kanon skit toppen sika ur as svin".split()
)
# A boosting modifier before a judging head strengthens it, as the adverb would:
# "jättegod" is "väldigt god".
BOOST = 1.5
MIN_BOOSTED_HEAD = 2
# Modifiers that judge a neutral head on their own: "toppenservice", "skitservice".
JUDGING_MODIFIERS = {
    "sv": {"toppen": 2.5, "kanon": 2.5, "super": 2.0, "dröm": 2.0, "skit": -2.0, "kass": -2.0},
    "fi": {"super": 2.0, "unelma": 2.0, "surku": -2.0},
}
NEGATING_PREFIXES = {"fi": ("epä",), "sv": ("miss", "o"), "en": ("un", "dis", "non")}


@dataclass(frozen=True, slots=True)
class Entry:
    score: float
    negated: float


@dataclass(slots=True, eq=False)
class Lexicon:
    lang: str
    exact: dict[str, Entry] = field(default_factory=dict)
    # "=word": that very word, not its lemma or standard spelling.
    surface: dict[str, Entry] = field(default_factory=dict)
    prefixes: dict[str, Entry] = field(default_factory=dict)
    suffixes: dict[str, Entry] = field(default_factory=dict)
    phrases: dict[str, Entry] = field(default_factory=dict)
    phrase_patterns: PhrasePatterns = field(default_factory=PhrasePatterns)
    order: dict[str, int] = field(default_factory=dict)

    def add(self, pattern: str, entry: Entry) -> None:
        if " " in pattern:
            phrase = " ".join(pattern.split())
            self.phrases[phrase] = entry
            self.order.setdefault(phrase, len(self.order))
            self.phrase_patterns.add(phrase, phrase)
        elif pattern.startswith(SURFACE):
            self.surface[pattern[1:]] = entry
        elif pattern.startswith("*"):
            self.suffixes[pattern[1:]] = entry
        elif pattern.endswith("*"):
            self.prefixes[pattern[:-1]] = entry
        else:
            self.exact[pattern] = entry

    def lookup(self, word: str) -> Entry | None:
        return _lookup(self, word)

    def phrase_at(self, words: Sequence[str], start: int) -> tuple[Entry, int] | None:
        """The longest phrase starting at `start`, with the number of words it spans."""
        if not self.phrases:
            return None
        found = self.phrase_patterns.match_at(words, start, self.lang)
        if not found:
            return None
        # The longest phrase; of two as long, the one whose words are more literally
        # there ("kunde varit bättre" over "kunde vara bättre" for "kunde varit
        # bättre"), then the first in the file, so the answer never depends on hashing.
        phrase, end = max(
            found,
            key=lambda item: (item[1], _literal_parts(item[0], words, start), -self.order[item[0]]),
        )
        return self.phrases[phrase], end - start


def _literal_parts(phrase: str, words: Sequence[str], start: int) -> int:
    parts = phrase.split()
    return sum(
        part.removeprefix(SURFACE) == word for part, word in zip(parts, words[start:], strict=False)
    )


def default_negated(score: float) -> float:
    return -0.8 * score if score > 0 else 0.4 * -score


def parse_entries(lines: Iterable[str]) -> Iterable[tuple[str, Entry]]:
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        fields = line.split("\t")
        try:
            score = float(fields[1])
            negated = float(fields[2]) if len(fields) > 2 else default_negated(score)
        except (IndexError, ValueError) as error:
            raise ValueError(
                f"lexicon line {number}: expected pattern<TAB>score: {raw!r}"
            ) from error
        yield fields[0].strip().lower(), Entry(score, negated)


def build_lexicon(lang: str, lines: Iterable[str]) -> Lexicon:
    lexicon = Lexicon(lang)
    for pattern, entry in parse_entries(lines):
        lexicon.add(pattern, entry)
    return lexicon


@lru_cache(maxsize=8)
def default_lexicon(lang: str) -> Lexicon:
    folder = resources.files("kokemus.text").joinpath("data/sentiment")
    lines = folder.joinpath(f"{lang}.tsv").read_text(encoding="utf-8").splitlines()
    return build_lexicon(lang, lines)


def load_lexicon(lang: str, path: Path) -> Lexicon:
    return build_lexicon(lang, path.read_text(encoding="utf-8").splitlines())


@lru_cache(maxsize=300_000)
def _lookup(lexicon: Lexicon, word: str) -> Entry | None:
    if word in lexicon.surface:
        return lexicon.surface[word]
    forms = word_forms(word, lexicon.lang)
    found = _exact_or_prefix(lexicon, forms)
    # An explicit neutral entry ("välttämättä 0") is final; a verb that only counts
    # when negated ("soittaa") gives way to an ending that says more.
    if found is not None and (found.score != 0 or found.negated == 0):
        return found
    # "soittamatta" (without calling) is a complaint.
    for form in forms:
        for ending, entry in lexicon.suffixes.items():
            if form.endswith(ending) and len(form) > len(ending) + 2:
                return entry
    if found is not None:
        return found
    negated = _negating_prefix(lexicon, forms[0])
    if negated is not None:
        return negated
    if lexicon.lang in ("fi", "sv"):
        return _compound_head(lexicon, forms[0])
    return None


def _negating_prefix(lexicon: Lexicon, word: str) -> Entry | None:
    """ "epätyytyväinen", "missnöjd", "uncomfortable": the prefix denies the praise."""
    for prefix in NEGATING_PREFIXES.get(lexicon.lang, ()):
        rest = word.removeprefix(prefix).lstrip("-")
        if rest != word and len(rest) >= MIN_COMPOUND_HEAD:
            entry = _exact_or_prefix(lexicon, word_forms(rest, lexicon.lang))
            if entry is not None and entry.score > 0:
                return Entry(entry.negated, entry.score)
    return None


def _exact_or_prefix(lexicon: Lexicon, forms: tuple[str, ...]) -> Entry | None:
    for form in forms:
        if form in lexicon.exact:
            return lexicon.exact[form]
    for form in forms:
        found = _longest_prefix(lexicon.prefixes, form)
        if found is not None:
            return found
    return None


def _longest_prefix(
    prefixes: dict[str, Entry], form: str, shortest: int = MIN_STEM
) -> Entry | None:
    for length in range(len(form), shortest - 1, -1):
        entry = prefixes.get(form[:length])
        if entry is not None:
            return entry
    return None


def _compound_head(lexicon: Lexicon, word: str) -> Entry | None:
    """Finnish and Swedish compounds end in their head: "superhyvä", "jättedålig".

    Only clear cases count: a modifier the dictionary knows, both parts long enough
    and a head with real sentiment, or "palauttaa" would read as "auttaa".
    """
    for part in word.split("-")[1:]:
        found = _lookup(lexicon, part)
        if found is not None:
            return found
    boosted = _boosted_head(lexicon, word)
    if boosted is not None:
        return boosted
    for start in range(MIN_COMPOUND_MODIFIER, len(word) - MIN_COMPOUND_HEAD + 1):
        head = word[start:]
        # A stem is also a word: "kaos*" is the head of "sommarkaos".
        entry = (
            lexicon.exact.get(head)
            or lexicon.prefixes.get(head)
            or _longest_prefix(lexicon.prefixes, head, MIN_COMPOUND_STEM)
        )
        if entry is None or abs(entry.score) < MIN_COMPOUND_SCORE:
            continue
        modifier = word[:start]
        if modifier in _BOOSTING_MODIFIERS or is_known_word(modifier, lexicon.lang):
            return entry
    return _judging_modifier(lexicon, word)


def _boosted_head(lexicon: Lexicon, word: str) -> Entry | None:
    """ "jättegod", "supersnabbt", "urdålig": a known booster, then a judging word (in
    any inflection) as short as "god" or "kul"."""
    for modifier in _BOOSTING_MODIFIERS:
        head = word.removeprefix(modifier)
        if head == word or len(head) < MIN_BOOSTED_HEAD:
            continue
        entry = _exact_or_prefix(lexicon, word_forms(head, lexicon.lang))
        if entry is not None and abs(entry.score) >= MIN_COMPOUND_SCORE:
            return Entry(BOOST * entry.score, BOOST * entry.negated)
    return None


def _judging_modifier(lexicon: Lexicon, word: str) -> Entry | None:
    """ "toppenservice", "skitservice": the modifier judges a head the dictionary knows."""
    for modifier, score in JUDGING_MODIFIERS.get(lexicon.lang, {}).items():
        head = word.removeprefix(modifier)
        if head != word and len(head) >= MIN_COMPOUND_HEAD and is_known_word(head, lexicon.lang):
            return Entry(score, default_negated(score))
    return None
