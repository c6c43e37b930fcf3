"""Find and redact personal data: keep the span and its type, replace the text."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Literal

import phonenumbers
from stdnum import iban, luhn
from stdnum.fi import hetu
from stdnum.se import personalid

PiiType = Literal["email", "phone", "hetu", "personnummer", "iban", "card", "address", "name"]

# When spans overlap the earlier type wins: checksummed identifiers are the surest.
PRIORITY: tuple[PiiType, ...] = (
    "email",
    "iban",
    "hetu",
    "personnummer",
    "card",
    "phone",
    "address",
    "name",
)

# A few numbers pass both the hetu and the personnummer checksum: the language decides.
SWEDISH_PRIORITY: tuple[PiiType, ...] = ("email", "iban", "personnummer", "hetu", *PRIORITY[4:])


@dataclass(frozen=True, slots=True)
class PiiSpan:
    start: int
    end: int
    type: PiiType


_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}")
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b", re.IGNORECASE)
_HETU = re.compile(r"\b\d{6}[-+A-FU-Y]\d{3}[0-9A-Y]\b", re.IGNORECASE)
_PERSONNUMMER = re.compile(r"(?<![\d+-])(?:(?:18|19|20)\d{2}|\d{2})\d{4}[-+ ]?\d{4}(?![\d-])")
_CARD = re.compile(r"(?<!\d)(?:\d[ -]?){12,18}\d(?!\d)")
# Finnish and Swedish mobile numbers, also in ranges the numbering plan has not opened yet.
_MOBILE = re.compile(r"(?<![\d+])(?:04\d|050|07[02369])(?:[ -]?\d){6,8}(?![\d])")
_DIGITS = re.compile(r"\d(?:[\s().-]*\d){5,}")

_STREET_SUFFIX = (
    "katu|tie|kuja|polku|väylä|kaari|rinne|raitti|aukio|tori|ranta|mäki|piha|"
    "puistikko|bulevardi|esplanadi|gatan|vägen|gränd|stigen|torget|backen|allén|leden|gata|väg"
)
_ADDRESS = re.compile(
    r"\b[A-ZÅÄÖ][a-zåäöé]+(?:-[A-Za-zÅÄÖåäö]+)*(?:" + _STREET_SUFFIX + r")"
    r"\s+\d{1,4}(?:-\d{1,4})?(?:\s?[A-Za-z]\b)?"
    r"(?:\s?(?:as\.?|asunto|lgh\.?|bst\.?|lägenhet)?\s?\d{1,4}\b)?"
    r"(?:,?\s+\d{3}\s?\d{2}\s+[A-ZÅÄÖ][a-zåäö]+)?"
)
_ADDRESS_EN = re.compile(
    r"\b\d{1,5} +(?:[A-Z][a-z]+ ){1,3}"
    r"(?:Street|St|Road|Rd|Avenue|Ave|Lane|Drive|Way|Close|Court|Place|Square)\b\.?"
)

_NAME_TOKEN = re.compile(r"\b[A-ZÅÄÖ][a-zåäöéü]+(?:-[A-ZÅÄÖ][a-zåäöéü]+)?(?:'s)?\b")
_NAME_CUE = re.compile(
    r"\b(?:nimellä|nimissä|nimiin|nimeltä|saaja|kontoinnehavare|namn|named|"
    r"name is|under|herra|rouva|Mr|Mrs|Ms)\.?\s+$",
)
_NAMES_THAT_ARE_WORDS = frozenset(
    {"anna", "onni", "satu", "helmi", "aino", "toivo", "mark", "grace", "jack", "sara"}
)
_SENTENCE_START = re.compile(r"(?:^|[.!?:;\n\"“(]\s*|\s-\s*)$")
_FI_NAME_ENDINGS = (
    "",
    "n",
    "lle",
    "lta",
    "ltä",
    "lla",
    "llä",
    "sta",
    "stä",
    "ssa",
    "ssä",
    "ksi",
    "a",
    "ä",
    "ta",
    "tä",
    "s",
    "'s",
)
_GRADATION = (("kk", "k"), ("pp", "p"), ("tt", "t"), ("nt", "nn"), ("lt", "ll"), ("nk", "ng"))


def find_pii(text: str, lang: str = "fi") -> list[PiiSpan]:
    found: list[PiiSpan] = []
    for finder in _FINDERS:
        found.extend(finder(text, lang))
    return _without_overlaps(found, SWEDISH_PRIORITY if lang == "sv" else PRIORITY)


def redact(text: str, spans: Sequence[PiiSpan]) -> str:
    parts: list[str] = []
    position = 0
    for span in sorted(spans, key=lambda item: item.start):
        parts.append(text[position : span.start])
        parts.append(f"[{span.type.upper()}]")
        position = span.end
    parts.append(text[position:])
    return "".join(parts)


def _without_overlaps(spans: list[PiiSpan], priority: Sequence[PiiType]) -> list[PiiSpan]:
    rank = {kind: index for index, kind in enumerate(priority)}
    kept: list[PiiSpan] = []
    for span in sorted(spans, key=lambda s: (rank[s.type], -(s.end - s.start))):
        if all(span.end <= other.start or span.start >= other.end for other in kept):
            kept.append(span)
    return sorted(kept, key=lambda s: s.start)


def _emails(text: str, lang: str) -> Iterator[PiiSpan]:
    if "@" in text:
        for match in _EMAIL.finditer(text):
            yield PiiSpan(match.start(), match.end(), "email")


def _ibans(text: str, lang: str) -> Iterator[PiiSpan]:
    for match in _IBAN.finditer(text):
        # The pattern may run into a following number; shrink until the checksum holds.
        candidate = match.group()
        while len(candidate.replace(" ", "")) >= 15:
            if iban.is_valid(candidate.upper()):
                yield PiiSpan(match.start(), match.start() + len(candidate), "iban")
                break
            candidate = candidate[:-1].rstrip()


def _hetus(text: str, lang: str) -> Iterator[PiiSpan]:
    for match in _HETU.finditer(text):
        if hetu.is_valid(match.group().upper()):
            yield PiiSpan(match.start(), match.end(), "hetu")


def _personnummers(text: str, lang: str) -> Iterator[PiiSpan]:
    for match in _PERSONNUMMER.finditer(text):
        value = match.group()
        digits = re.sub(r"\D", "", value)
        # Ten bare digits starting with 0 are far more often a phone number.
        if len(digits) == 10 and value.isdigit() and value.startswith("0"):
            continue
        if personalid.is_valid(value.replace(" ", "-")):
            yield PiiSpan(match.start(), match.end(), "personnummer")


def _cards(text: str, lang: str) -> Iterator[PiiSpan]:
    for match in _CARD.finditer(text):
        digits = re.sub(r"\D", "", match.group())
        if 13 <= len(digits) <= 19 and digits[0] in "23456" and luhn.is_valid(digits):
            yield PiiSpan(match.start(), match.end(), "card")


def _phones(text: str, lang: str) -> Iterator[PiiSpan]:
    if not _DIGITS.search(text):
        return
    regions = ("SE", "FI") if lang == "sv" else ("FI", "SE")
    for region in regions:
        matcher = phonenumbers.PhoneNumberMatcher(
            text, region, leniency=phonenumbers.Leniency.VALID
        )
        for match in matcher:
            start, end = match.start, match.end
            # The matcher keeps an opening bracket it did not close: "(040 123 4567)".
            if text[start] == "(" and ")" not in text[start:end]:
                start += 1
            yield PiiSpan(start, end, "phone")
    for mobile in _MOBILE.finditer(text):
        yield PiiSpan(mobile.start(), mobile.end(), "phone")


def _addresses(text: str, lang: str) -> Iterator[PiiSpan]:
    for pattern in (_ADDRESS, _ADDRESS_EN):
        for match in pattern.finditer(text):
            yield PiiSpan(match.start(), match.end(), "address")


def _names(text: str, lang: str) -> Iterator[PiiSpan]:
    tokens = list(_NAME_TOKEN.finditer(text))
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if _is_given_name(token.group()) or _NAME_CUE.search(text, 0, token.start()):
            end = token.end()
            following = tokens[index + 1] if index + 1 < len(tokens) else None
            # A capitalised word right after a given name is taken as the surname.
            has_surname = following is not None and text[end : following.start()] == " "
            if following is not None and has_surname:
                end = following.end()
                index += 1
            if has_surname or not _common_word_opening(text, token.start(), token.group()):
                yield PiiSpan(token.start(), end, "name")
        index += 1


def _common_word_opening(text: str, start: int, word: str) -> bool:
    """ "Anna se tänne" opens with a verb, not a name."""
    if word.lower() not in _NAMES_THAT_ARE_WORDS:
        return False
    return start == 0 or _SENTENCE_START.search(text, 0, start) is not None


@lru_cache(maxsize=50_000)
def _is_given_name(word: str) -> bool:
    lowered = word.lower()
    names = _given_names()
    if lowered in names:
        return True
    # Inflected short names ("Sam" + "a") collide with common words ("sama").
    for cut in range(1, min(4, len(lowered) - 4) + 1):
        stem, ending = lowered[:-cut], lowered[-cut:]
        if ending in _FI_NAME_ENDINGS and (stem in names or stem in _weak_stems()):
            return True
    return False


@lru_cache(maxsize=1)
def _given_names() -> frozenset[str]:
    source = resources.files("kokemus.text").joinpath("data/first_names.txt")
    lines = source.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line and not line.startswith("#"))


@lru_cache(maxsize=1)
def _weak_stems() -> frozenset[str]:
    """Finnish consonant gradation: Markku -> Marku(lle), Pekka -> Peka(lle)."""
    stems = set()
    for name in _given_names():
        for strong, weak in _GRADATION:
            index = name.rfind(strong)
            if index > 0 and index >= len(name) - 4:
                stems.add(name[:index] + weak + name[index + len(strong) :])
    return frozenset(stems)


_FINDERS: tuple[Callable[[str, str], Iterator[PiiSpan]], ...] = (
    _emails,
    _ibans,
    _hetus,
    _personnummers,
    _cards,
    _phones,
    _addresses,
    _names,
)
