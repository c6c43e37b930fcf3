"""Trouble that would have come without a helper: "Without Sarah I would have been lost"
praises Sarah, so the would-have clause's complaint words are no complaint."""

from __future__ import annotations

import re
from collections.abc import Sequence

from kokemus.text.normalize import Token
from kokemus.text.sentiment_words import EN_WOULD, FI_SHOULD_HAVE, WITHOUT, WOULD_HAVE

REACH = 8
_SENTENCE_END = re.compile(r"[.!?]")


def would_have_without(text: str, tokens: Sequence[Token], lang: str) -> frozenset[int]:
    """Starts of the would-have verbs near a "without" in the same sentence: "Without
    Sarah I would have been lost", "utan honom hade flytten blivit en katastrof"."""
    withouts = [index for index, token in enumerate(tokens) if token.lower in WITHOUT]
    if not withouts:
        return frozenset()
    starts = set()
    for index, token in enumerate(tokens):
        if not _is_would_have(tokens, index, lang):
            continue
        for without in withouts:
            # Swedish puts "hade" after the "utan" it goes with; "hade ... utan" is a fact.
            if lang == "sv" and without > index:
                continue
            first, last = sorted((without, index))
            if last - first <= REACH and not _SENTENCE_END.search(
                text[tokens[first].end : tokens[last].start]
            ):
                starts.add(token.start)
    return frozenset(starts)


def _is_would_have(tokens: Sequence[Token], index: int, lang: str) -> bool:
    word = tokens[index].lower
    following = tokens[index + 1].lower if index + 1 < len(tokens) else ""
    if lang == "en":
        return following == "have" if word in EN_WOULD else word in WOULD_HAVE["en"]
    if lang == "fi":
        conditional = word in WOULD_HAVE["fi"] or (
            len(word) > 5 and word.endswith(("isi", "isin", "isimme", "isivät"))
        )
        return conditional and following not in FI_SHOULD_HAVE
    return word in WOULD_HAVE.get(lang, ())
