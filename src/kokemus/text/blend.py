"""How a domain model's prediction and the lexicon make one sentiment."""

from __future__ import annotations

from collections.abc import Mapping

from kokemus.text.sentiment import Label, Sentiment, label_for_score

# The model must be this sure, and count this much, to overrule the lexicon's "mixed".
MIXED_OVERRULE = 0.75
MIXED_OVERRULE_WEIGHT = 0.3


def blend(
    lexical: Sentiment,
    model_label: str,
    model_score: float,
    probabilities: Mapping[str, float],
    weight: float,
) -> tuple[Label, float]:
    """The model moves the score by `weight`; the lexicon keeps "mixed" unless the model
    is sure. Returns (label, score)."""
    score = round((1 - weight) * lexical.score + weight * model_score, 4)
    if model_label == "mixed":
        return "mixed", score
    if lexical.label == "mixed":
        sure = weight >= MIXED_OVERRULE_WEIGHT and max(probabilities.values()) >= MIXED_OVERRULE
        return (label_for_score(score) if sure else "mixed"), score
    return label_for_score(score), score
