"""A domain sentiment model learnt from the organisation's own rated comments.

Comments that come with a rating are weak labels; an analyst's correction is a strong
one. The model is a linear classifier over hashed character and word n-grams plus the
lexicon's own figures, so it learns the house vocabulary and how far to trust the
lexicon. It saves to one .npz file with no pickled code in it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from kokemus.text.blend import blend
from kokemus.text.language import DEFAULT_LANGUAGES, detect_language
from kokemus.text.lexicon import default_lexicon
from kokemus.text.sentiment import LABELS, Label, clause_scores, combine

FORMAT = "kokemus-sentiment-model/1"
CHAR_FEATURES = 2**16
WORD_FEATURES = 2**15
DEFAULT_MODEL_DIR = Path("var/models")
CORRECTION_WEIGHT = 3.0
CV_FOLDS = 5
MIN_EXAMPLES_TO_BLEND = 50
BLEND_WEIGHTS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8)

Rating = int | float | str


class TrainingError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class Example:
    text: str
    label: Label
    lang: str
    weight: float = 1.0


@dataclass(frozen=True, slots=True)
class Prediction:
    label: Label
    score: float
    probabilities: dict[str, float]


def label_from_rating(rating: Rating, scale: int = 5) -> Label:
    """Map a rating (1-5 stars, 0-10 NPS, or a label) to a sentiment label."""
    if isinstance(rating, str):
        cleaned = rating.strip().lower()
        if cleaned in LABELS:
            return cleaned
        try:
            rating = float(cleaned)
        except ValueError as error:
            raise TrainingError(f"rating: not a number or a label: {rating!r}") from error
    if scale == 10:
        return "negative" if rating <= 6 else "neutral" if rating <= 8 else "positive"
    if scale == 5:
        return "negative" if rating <= 2 else "neutral" if rating < 4 else "positive"
    raise TrainingError(f"scale: expected 5 or 10, got {scale}")


class SentimentModel:
    def __init__(
        self,
        classes: Sequence[str],
        coef: npt.NDArray[np.float32],
        intercept: npt.NDArray[np.float32],
        *,
        name: str,
        version: str,
        languages: Sequence[str],
        trained_on: int,
        weight: float,
    ) -> None:
        self.classes: tuple[str, ...] = tuple(classes)
        self.coef = coef
        self.intercept = intercept
        self.name = name
        self.version = version
        self.languages = tuple(languages)
        self.trained_on = trained_on
        # How much the model counts against the lexicon, chosen by cross-validation.
        self.weight = weight

    def predict(self, text: str, lang: str) -> Prediction:
        return self.predict_many([text], [lang])[0]

    def predict_many(self, texts: Sequence[str], langs: Sequence[str]) -> list[Prediction]:
        return self._predict_features(_features(texts, langs))

    def _predict_features(self, features: Any) -> list[Prediction]:
        logits = np.asarray(features @ self.coef.T) + self.intercept
        if len(self.classes) == 2 and logits.shape[1] == 1:
            # scikit-learn keeps one weight row for two classes: the second class's logit.
            logits = np.hstack([np.zeros_like(logits), logits])
        logits -= logits.max(axis=1, keepdims=True)
        probabilities = np.exp(logits)
        probabilities /= probabilities.sum(axis=1, keepdims=True)
        return [self._prediction(row) for row in probabilities]

    def _prediction(self, row: npt.NDArray[np.float64]) -> Prediction:
        probabilities = {label: float(p) for label, p in zip(self.classes, row, strict=True)}
        score = probabilities.get("positive", 0.0) - probabilities.get("negative", 0.0)
        label = self.classes[int(row.argmax())]
        return Prediction(label, round(score, 4), probabilities)  # type: ignore[arg-type]

    def save(self, path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        meta = {
            "format": FORMAT,
            "name": self.name,
            "version": self.version,
            "classes": list(self.classes),
            "languages": list(self.languages),
            "trained_on": self.trained_on,
            "weight": self.weight,
        }
        with path.open("wb") as file:
            np.savez_compressed(
                file, coef=self.coef, intercept=self.intercept, meta=np.array(json.dumps(meta))
            )
        return path


def load_model(path: Path) -> SentimentModel:
    with np.load(path, allow_pickle=False) as data:
        meta = json.loads(str(data["meta"]))
        if meta.get("format") != FORMAT:
            raise TrainingError(f"{path}: not a Kokemus sentiment model ({meta.get('format')!r})")
        return SentimentModel(
            meta["classes"],
            data["coef"].astype(np.float32),
            data["intercept"].astype(np.float32),
            name=meta["name"],
            version=meta["version"],
            languages=meta["languages"],
            trained_on=int(meta["trained_on"]),
            weight=float(meta["weight"]),
        )


def examples_from_ratings(
    rows: Iterable[tuple[str, Rating, str | None]],
    *,
    scale: int = 5,
    languages: Sequence[str] = DEFAULT_LANGUAGES,
) -> list[Example]:
    """(text, rating or label, lang or None) rows to examples; empty texts are skipped.

    A label given as a word is an analyst's decision and weighs more than a rating.
    """
    examples = []
    for index, (text, rating, lang) in enumerate(rows, start=1):
        if not text or not text.strip():
            continue
        try:
            label = label_from_rating(rating, scale)
        except TrainingError as error:
            raise TrainingError(f"row {index}: {error}") from error
        weight = CORRECTION_WEIGHT if _is_label(rating) else 1.0
        examples.append(Example(text, label, lang or detect_language(text, languages), weight))
    return examples


def _is_label(rating: Rating) -> bool:
    return isinstance(rating, str) and rating.strip().lower() in LABELS


def train_model(
    rows: Iterable[tuple[str, Rating, str | None]],
    *,
    scale: int = 5,
    languages: Sequence[str] = DEFAULT_LANGUAGES,
    name: str = "kokemus-domain",
    regularisation: float = 1.0,
) -> SentimentModel:
    """Fit a domain model on (text, rating or label, lang) rows."""
    examples = examples_from_ratings(rows, scale=scale, languages=languages)
    labels = [example.label for example in examples]
    if len(set(labels)) < 2:
        raise TrainingError("training data: need at least two different labels")
    features = _features([e.text for e in examples], [e.lang for e in examples])
    weights = np.array([example.weight for example in examples])
    classifier = _fit(features, labels, weights, regularisation)
    digest = hashlib.sha256("\n".join(f"{e.label}\t{e.text}" for e in examples).encode())
    stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
    return SentimentModel(
        [str(label) for label in classifier.classes_],
        classifier.coef_.astype(np.float32),
        classifier.intercept_.astype(np.float32),
        name=name,
        version=f"{stamp}-{digest.hexdigest()[:8]}",
        languages=languages,
        trained_on=len(examples),
        weight=_cross_validated_weight(examples, features, weights, regularisation),
    )


def _fit(features: Any, labels: Sequence[str], weights: Any, regularisation: float) -> Any:
    from sklearn.linear_model import LogisticRegression

    classifier = LogisticRegression(
        C=regularisation, class_weight="balanced", max_iter=1000, tol=1e-3
    )
    classifier.fit(features, labels, sample_weight=weights)
    return classifier


def _cross_validated_weight(
    examples: list[Example], features: Any, weights: Any, regularisation: float
) -> float:
    """The blend weight that best predicts held-out folds of the organisation's own data.

    Ratings cannot say "mixed", so a "mixed" answer counts as right for a middling
    rating. With too little data to judge, the lexicon is trusted alone.
    """
    labels = np.array([example.label for example in examples])
    if len(examples) < MIN_EXAMPLES_TO_BLEND:
        return 0.0
    folds = np.arange(len(examples)) % CV_FOLDS
    out_of_fold: dict[int, Prediction] = {}
    for fold in range(CV_FOLDS):
        train, test = np.flatnonzero(folds != fold), np.flatnonzero(folds == fold)
        if len(set(labels[train])) < 2:
            return 0.0
        classifier = _fit(features[train], list(labels[train]), weights[train], regularisation)
        model = SentimentModel(
            [str(c) for c in classifier.classes_],
            classifier.coef_.astype(np.float32),
            classifier.intercept_.astype(np.float32),
            name="fold",
            version="fold",
            languages=(),
            trained_on=len(train),
            weight=0.0,
        )
        for index, prediction in zip(test, model._predict_features(features[test]), strict=True):
            out_of_fold[int(index)] = prediction
    predictions = [out_of_fold[index] for index in range(len(examples))]
    lexical = [combine(clause_scores(e.text, e.lang, default_lexicon(e.lang))) for e in examples]
    scores = {}
    for weight in BLEND_WEIGHTS:
        right = 0.0
        for example, lex, prediction in zip(examples, lexical, predictions, strict=True):
            label, _ = blend(
                lex, prediction.label, prediction.score, prediction.probabilities, weight
            )
            agrees = label == example.label or (label == "mixed" and example.label == "neutral")
            right += example.weight * agrees
        scores[weight] = right
    # The middle of the best weights: as far as the data allows from either edge.
    best = [weight for weight, right in scores.items() if right == max(scores.values())]
    return round(float(np.median(best)), 1)


@lru_cache(maxsize=1)
def _vectorizers() -> tuple[Any, Any]:
    # scikit-learn loads in about two seconds: only when a model is used.
    from sklearn.feature_extraction.text import HashingVectorizer

    chars = HashingVectorizer(
        analyzer="char_wb", ngram_range=(2, 5), n_features=CHAR_FEATURES, alternate_sign=False
    )
    words = HashingVectorizer(
        analyzer="word", ngram_range=(1, 2), n_features=WORD_FEATURES, alternate_sign=False
    )
    return chars, words


def _features(texts: Sequence[str], langs: Sequence[str]) -> Any:
    from scipy import sparse

    chars, words = _vectorizers()
    tagged = [f"{lang} {text}" for text, lang in zip(texts, langs, strict=True)]
    lexical = np.array([_lexicon_features(t, lang) for t, lang in zip(texts, langs, strict=True)])
    return sparse.hstack(
        [chars.transform(texts), words.transform(tagged), sparse.csr_matrix(lexical)],
        format="csr",
    )


def _lexicon_features(text: str, lang: str) -> list[float]:
    clauses = clause_scores(text, lang, default_lexicon(lang))
    result = combine(clauses)
    one_hot = [1.0 if result.label == label else 0.0 for label in LABELS]
    magnitude = [min(result.positive, 6.0) / 3, min(result.negative, 6.0) / 3]
    return [2.0 * result.score, *magnitude, *one_hot, float("?" in text), float(len(clauses) > 1)]
