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


@dataclass(frozen=True)
class Phrasebook:
    # (theme, tone, language) -> sentences, and (good theme, bad theme, language) -> sentences.
    sentences: dict[tuple[str, str, str], tuple[str, ...]]
    mixed: dict[tuple[str, str, str], tuple[str, ...]]

    def write(
        self,
        rng: random.Random,
        language: str,
        tone: Tone,
        good: Sequence[str],
        bad: Sequence[str],
    ) -> str:
        """A comment in `tone` about the themes that went well (`good`) or not (`bad`)."""
        if tone == "mixed":
            pair = self._mixed_pair(rng, language, good, bad)
            if pair is not None:
                return rng.choice(self.mixed[(*pair, language)])
            tone = "negative"
        if tone == "neutral":
            return rng.choice(self.sentences[(NO_THEME, "neutral", language)])
        themes = self._written(language, tone, good if tone == "positive" else bad)
        # The first theme named is what mattered most; a second sentence now and then.
        first = themes[0] if rng.random() < 0.85 else rng.choice(themes)
        parts = [rng.choice(self.sentences[(first, tone, language)])]
        others = [theme for theme in themes if theme != first]
        if others and rng.random() < 0.25:
            parts.append(rng.choice(self.sentences[(rng.choice(others), tone, language)]))
        return " ".join(parts)

    def _written(self, language: str, tone: str, themes: Sequence[str]) -> list[str]:
        found = [theme for theme in themes if (theme, tone, language) in self.sentences]
        if not found:
            raise ValueError(f"no {tone} {language} sentences for any of {list(themes)}")
        return found

    def _mixed_pair(
        self, rng: random.Random, language: str, good: Sequence[str], bad: Sequence[str]
    ) -> tuple[str, str] | None:
        pairs = [(g, b) for g, b, lang in self.mixed if lang == language and b in bad]
        preferred = [pair for pair in pairs if pair[0] in good]
        chosen = preferred or pairs
        if not chosen:
            return None
        # Prefer the pair about the main problem.
        main = [pair for pair in chosen if pair[1] == bad[0]]
        return rng.choice(main or chosen)


def tone_for(rng: random.Random, stars: int) -> Tone:
    tones = TONES[stars]
    return rng.choices([tone for tone, _ in tones], weights=[share for _, share in tones])[0]


@cache
def phrasebook() -> Phrasebook:
    text = resources.files("kokemus.demo").joinpath("data/comments.yaml").read_text("utf-8")
    document = yaml.safe_load(text)
    sentences: dict[tuple[str, str, str], tuple[str, ...]] = {}
    mixed: dict[tuple[str, str, str], tuple[str, ...]] = {}
    for entry in document.pop("mixed"):
        for language in ("fi", "sv", "en"):
            mixed[(entry["good"], entry["bad"], language)] = tuple(entry[language])
    for theme, by_tone in document.items():
        for tone, by_language in by_tone.items():
            for language, texts in by_language.items():
                sentences[(theme, tone, language)] = tuple(texts)
    return Phrasebook(sentences, mixed)
