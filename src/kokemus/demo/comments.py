"""What the demo's respondents write, from the sentences in data/comments.yaml."""

import random
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Literal

import yaml

Tone = Literal["positive", "negative", "neutral", "mixed"]
NO_THEME = "none"

# The tone of a comment beside a 1–5 score: the words follow the number, mostly.
TONES: dict[int, tuple[tuple[Tone, float], ...]] = {
    5: (("positive", 0.92), ("mixed", 0.04), ("neutral", 0.04)),
    4: (("positive", 0.62), ("mixed", 0.28), ("neutral", 0.10)),
    3: (("mixed", 0.45), ("negative", 0.35), ("neutral", 0.20)),
    2: (("negative", 0.8), ("mixed", 0.2)),
    1: (("negative", 0.95), ("mixed", 0.05)),
}


Where = Literal["online", "store", "work"]
# (theme or pair, tone, language, where); where is "" for sentences that fit anywhere.
Key = tuple[str, str, str, str]


@dataclass(frozen=True)
class Phrasebook:
    sentences: dict[Key, tuple[str, ...]]  # (theme, tone, language, where)
    mixed: dict[Key, tuple[str, ...]]  # (good theme, bad theme, language, where)

    def write(
        self,
        rng: random.Random,
        language: str,
        tone: Tone,
        good: Sequence[str],
        bad: Sequence[str],
        where: Where,
    ) -> str:
        """A comment in `tone` about the themes that went well (`good`) or not (`bad`), in
        words that fit `where` it is written: about the chair shop, a shoe store or work."""
        if tone == "mixed":
            mixed = self._mixed(rng, language, good, bad, where)
            if mixed is not None:
                return mixed
            tone = "negative"
        if tone == "neutral":
            return rng.choice(self._find(self.sentences, NO_THEME, "neutral", language, where))
        themes = [
            theme
            for theme in (good if tone == "positive" else bad)
            if self._find(self.sentences, theme, tone, language, where)
        ]
        if not themes:
            raise ValueError(f"no {tone} {language} sentences for {where} about {list(bad)}")
        # The first theme named is what mattered most; a second sentence now and then.
        first = themes[0] if rng.random() < 0.85 else rng.choice(themes)
        parts = [rng.choice(self._find(self.sentences, first, tone, language, where))]
        others = [theme for theme in themes if theme != first]
        if others and rng.random() < 0.25:
            other = rng.choice(others)
            parts.append(rng.choice(self._find(self.sentences, other, tone, language, where)))
        return " ".join(parts)

    @staticmethod
    def _find(
        table: dict[Key, tuple[str, ...]], theme: str, tone: str, language: str, where: str
    ) -> tuple[str, ...]:
        return table.get((theme, tone, language, ""), ()) + table.get(
            (theme, tone, language, where), ()
        )

    def _mixed(
        self,
        rng: random.Random,
        language: str,
        good: Sequence[str],
        bad: Sequence[str],
        where: str,
    ) -> str | None:
        pairs = [
            (g, b)
            for g, b, lang, place in self.mixed
            if lang == language and place in ("", where) and b in bad
        ]
        chosen = [pair for pair in pairs if pair[0] in good] or pairs
        if not chosen:
            return None
        # Prefer a pair about the main problem.
        main = [pair for pair in chosen if pair[1] == bad[0]]
        good_theme, bad_theme = rng.choice(main or chosen)
        return rng.choice(self._find(self.mixed, good_theme, bad_theme, language, where))


def tone_for(rng: random.Random, stars: int) -> Tone:
    tones = TONES[stars]
    return rng.choices([tone for tone, _ in tones], weights=[share for _, share in tones])[0]


@cache
def phrasebook() -> Phrasebook:
    text = resources.files("kokemus.demo").joinpath("data/comments.yaml").read_text("utf-8")
    document = yaml.safe_load(text)
    sentences: dict[Key, tuple[str, ...]] = {}
    mixed: dict[Key, tuple[str, ...]] = {}
    for entry in document.pop("mixed"):
        for language in ("fi", "sv", "en"):
            key = (entry["good"], entry["bad"], language, entry.get("where", ""))
            mixed[key] = tuple(entry[language])
    for theme, by_tone in document.items():
        for tone_where, by_language in by_tone.items():
            tone, _, where = tone_where.partition("@")
            for language, texts in by_language.items():
                sentences[(theme, tone, language, where)] = tuple(texts)
    return Phrasebook(sentences, mixed)
