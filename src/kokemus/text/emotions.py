"""Emotions from cue patterns, kept only where the sentiment agrees."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any, Literal

import yaml

from kokemus.text.patterns import PhrasePatterns, WordPatterns

Emotion = Literal[
    "joy",
    "gratitude",
    "trust",
    "surprise",
    "anger",
    "disappointment",
    "frustration",
    "worry",
    "sadness",
]
Polarity = Literal["positive", "negative", "any"]

# Below this sentiment score a positive cue ("kiitti vaan") reads as sarcasm, not joy.
POSITIVE_FLOOR = -0.1
MAX_EMOTIONS = 2
NEGATIVE_CEILING = 0.3


@dataclass(slots=True, eq=False)
class EmotionCues:
    polarity: dict[str, Polarity]
    words: dict[str, WordPatterns] = field(default_factory=dict)
    phrases: dict[str, PhrasePatterns] = field(default_factory=dict)


def parse_cues(document: Any) -> EmotionCues:
    emotions = document.get("emotions") if isinstance(document, dict) else None
    if not isinstance(emotions, dict):
        raise ValueError("emotions: expected a mapping with an 'emotions' mapping")
    cues = EmotionCues(polarity={})
    for emotion, spec in emotions.items():
        cues.polarity[str(emotion)] = spec.get("polarity", "any")
        for lang, patterns in spec.items():
            if lang == "polarity":
                continue
            for pattern in patterns:
                text = str(pattern).lower().strip()
                if " " in text:
                    cues.phrases.setdefault(lang, PhrasePatterns()).add(text, str(emotion))
                else:
                    cues.words.setdefault(lang, WordPatterns()).add(text, str(emotion))
    return cues


@lru_cache(maxsize=1)
def default_cues() -> EmotionCues:
    source = resources.files("kokemus.text").joinpath("data/emotions.yaml")
    return parse_cues(yaml.safe_load(source.read_text(encoding="utf-8")))


def find_emotions(
    words: list[str], lang: str, score: float, cues: EmotionCues | None = None
) -> list[str]:
    """Emotions cued in these lowercase words that fit a sentiment score in [-1, 1]."""
    cues = cues or default_cues()
    found: Counter[str] = Counter()
    single = cues.words.get(lang)
    if single is not None:
        for word in words:
            found.update(single.keys_for(word, lang))
    phrases = cues.phrases.get(lang)
    if phrases is not None:
        found.update(key for key, _, _ in phrases.find(words, lang))
    order = list(cues.polarity)
    agreeing = [e for e in order if found[e] and _agrees(cues.polarity[e], score)]
    # A comment rarely carries more than two feelings; keep the best-cued ones.
    kept = set(sorted(agreeing, key=lambda e: (-found[e], order.index(e)))[:MAX_EMOTIONS])
    return [emotion for emotion in order if emotion in kept]


def _agrees(polarity: Polarity, score: float) -> bool:
    if polarity == "positive":
        return score > POSITIVE_FLOOR
    if polarity == "negative":
        return score < NEGATIVE_CEILING
    return True
