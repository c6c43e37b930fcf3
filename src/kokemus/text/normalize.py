"""Tokens, sentences and lemmas for fi, sv and en."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

import simplemma

_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*|\d+(?:[.,:]\d+)*", re.UNICODE)
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\s\"”)]+(?=\S)|\n+|(?<=[^\s\d])\s+-\s+")
_EMOJI = re.compile(
    "[\U0001f300-\U0001faff\u2600-\u27bf\u2b50\u2764]"
    # Text emoticons only between spaces or punctuation, so "https://" and "12:30" stay.
    r"|(?<![\d:/])(?:[:;][-']?[()DPp/]|<3|\(:)(?![\w/])"
)

# Colloquial Finnish forms that the lemmatiser and the lexicons do not know.
_FI_COLLOQUIAL = {
    "oo": "ole",
    "ollu": "ollut",
    "tää": "tämä",
    "toi": "tuo",
    "mä": "minä",
    "sä": "sinä",
    "mun": "minun",
    "sun": "sinun",
    "ois": "olisi",
    "olis": "olisi",
    "kiitti": "kiitos",
    "kiitoksia": "kiitos",
    "kans": "kanssa",
    "miks": "miksi",
    "yks": "yksi",
    "kaks": "kaksi",
    "vaan": "vain",
    "nää": "nämä",
    "noi": "nuo",
    "jotain": "jotakin",
    "tarvi": "tarvitse",
    "apin": "appin",
}


_EE_ENDINGS = ("sta", "stä", "lla", "llä", "lle", "ssa", "ssä", "ta", "tä", "t", "n", "")


@dataclass(frozen=True, slots=True)
class Token:
    text: str
    lower: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Sentence:
    text: str
    start: int
    end: int


class OffsetMap:
    """Maps positions in a normalised text back to the text as it was given."""

    def __init__(self, segments: list[tuple[int, int]] | None = None) -> None:
        # For each normalised character: the (start, end) of its source in the original.
        self._segments = segments

    def start(self, position: int) -> int:
        if self._segments is None:
            return position
        if position >= len(self._segments):
            return self._segments[-1][1] if self._segments else 0
        return self._segments[position][0]

    def end(self, position: int) -> int:
        if self._segments is None:
            return position
        if position <= 0:
            return 0
        return self._segments[position - 1][1]


def normalize_text(text: str) -> tuple[str, OffsetMap]:
    """NFC text with plain spaces, and a map of its offsets back to `text`."""
    spaced = text.replace("\u00a0", " ")
    if unicodedata.is_normalized("NFC", spaced):
        return spaced, OffsetMap()
    pieces: list[str] = []
    segments: list[tuple[int, int]] = []
    start = 0
    for index in range(1, len(spaced) + 1):
        if index == len(spaced) or not unicodedata.combining(spaced[index]):
            # Composition only happens inside a base character and its combining marks.
            piece = unicodedata.normalize("NFC", spaced[start:index])
            pieces.append(piece)
            segments.extend([(start, index)] * len(piece))
            start = index
    return "".join(pieces), OffsetMap(segments)


def tokenize(text: str, offset: int = 0) -> list[Token]:
    return list(iter_tokens(text, offset))


def iter_tokens(text: str, offset: int = 0) -> Iterator[Token]:
    for match in _WORD.finditer(text):
        word = match.group()
        yield Token(word, word.lower(), match.start() + offset, match.end() + offset)


def emojis(text: str) -> list[str]:
    return _EMOJI.findall(text)


def split_sentences(text: str) -> list[Sentence]:
    sentences: list[Sentence] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        _append_sentence(sentences, text, start, match.start())
        start = match.end()
    _append_sentence(sentences, text, start, len(text))
    return sentences


def _append_sentence(sentences: list[Sentence], text: str, start: int, end: int) -> None:
    chunk = text[start:end]
    stripped = chunk.strip()
    if not stripped:
        return
    lead = len(chunk) - len(chunk.lstrip())
    begin = start + lead
    sentences.append(Sentence(stripped, begin, begin + len(stripped)))


@lru_cache(maxsize=200_000)
def standard_form(word: str, lang: str) -> str:
    """Map a lowercase colloquial spelling to its standard written form."""
    if lang != "fi":
        return word
    if word in _FI_COLLOQUIAL:
        return _FI_COLLOQUIAL[word]
    # Spoken past participles drop the final t: "tullu", "näkyny", "löytäny".
    if (
        len(word) > 4
        and word[-1] in "uy"
        and word[-2] in "nlr"
        and (word[-3] == word[-2] or word[-3] in "aeiouyäö")
    ):
        return word + "t"
    # Spoken -ea/-eä adjectives: "surkee", "nopeesta", "selkeet", "kauheeta".
    for ending in _EE_ENDINGS:
        stem = word[: len(word) - len(ending)] if ending else word
        if word.endswith(ending) and stem.endswith("ee") and len(stem) > 3:
            back = any(vowel in stem for vowel in "aou")
            return stem[:-2] + ("ea" if back else "eä") + ending
    return word


@lru_cache(maxsize=200_000)
def lemma(word: str, lang: str) -> str:
    if not word:
        return word
    standard = standard_form(word, lang)
    found = str(simplemma.lemmatize(standard, lang=lang)).lower()
    if lang == "fi":
        return _fi_compound_lemma(standard, found)
    return found


# Finnish endings and clitics that look like a word after a consonant: "-köhän", "-taan".
_FI_NOT_A_HEAD = re.compile(r"k[oö]h[aä]n|k[oö]|p[aä]|kin|k[aä][aä]n|t[aä][aä]n|t[aä]k[aä][aä]n")
_VOWELS = "aeiouyäöå"
MIN_HEAD = 3


def _fi_compound_lemma(word: str, found: str) -> str:
    """simplemma takes some Finnish compounds for their first part: "maksusivu" ->
    "maksu", "kassatäti" -> "kassa". A compound means its head, so when what the lemma
    leaves off is itself a word (starting with a consonant, unlike an ending), the lemma
    is the first part and the head's own lemma: "maksusivulla" -> "maksusivu"."""
    if found == word or not word.startswith(found):
        return found
    head = word[len(found) :]
    if (
        len(head) < MIN_HEAD
        or head[0] in _VOWELS
        or head[0] == "h"
        or _FI_NOT_A_HEAD.fullmatch(head)
        or not is_known_word(head, "fi")
    ):
        return found
    return found + str(simplemma.lemmatize(head, lang="fi")).lower()


# The shortest modifier and head a compound is split into; shorter parts are mostly
# endings ("-kin", "-lla") or letters that happen to spell a word.
MIN_MODIFIER = 3
MIN_PART_HEAD = 4


@lru_cache(maxsize=200_000)
def compound_head(word: str, lang: str) -> str | None:
    """The head of a Finnish or Swedish compound the dictionary does not know as a
    whole: "työporukkaa" -> "porukkaa", "kassapersonalen" -> "personalen". The longest
    head whose modifier is a word too (Swedish may join them with an "s"). A word the
    dictionary knows is left whole, so "keskenään" is not read as "kes" + "enään"."""
    if lang not in ("fi", "sv") or "-" in word or is_known_word(word, lang):
        return None
    for start in range(MIN_MODIFIER, len(word) - MIN_PART_HEAD + 1):
        head = word[start:]
        if not is_known_word(head, lang):
            continue
        modifier = word[:start]
        if is_known_word(modifier, lang) or (
            lang == "sv" and modifier.endswith("s") and is_known_word(modifier[:-1], lang)
        ):
            return head
    return None


def word_forms(word: str, lang: str) -> tuple[str, ...]:
    """The surface form, its standard spelling and its lemma, without duplicates."""
    return _word_forms(word, lang)


@lru_cache(maxsize=200_000)
def _word_forms(word: str, lang: str) -> tuple[str, ...]:
    forms = [word, standard_form(word, lang), lemma(word, lang)]
    return tuple(dict.fromkeys(forms))


@lru_cache(maxsize=200_000)
def is_known_word(word: str, lang: str) -> bool:
    """Whether the lemmatiser's dictionary knows the word (or a form of it)."""
    return bool(word) and bool(simplemma.is_known(word, lang=lang))
