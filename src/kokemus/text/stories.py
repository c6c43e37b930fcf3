"""Pick customer stories to share with staff: vivid, recent, diverse, redacted."""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from kokemus.text.analysis import TextAnalysis
from kokemus.text.story_reasons import StoryReason, story_reason_text

GroupBy = Literal["touchpoint", "theme", "unit"]

HALF_LIFE_DAYS = 30.0
NEAR_DUPLICATE = 0.5
MIN_WORDS = 4
IDEAL_WORDS = (8, 60)
_PLACEHOLDER = re.compile(r"\[[A-Z]+\]")
_SHINGLE = 4
NEW_VIEW_BONUS = 0.3


@dataclass(frozen=True, slots=True)
class StoryCandidate:
    id: str
    analysis: TextAnalysis
    created_at: datetime
    touchpoint: str | None = None
    unit: str | None = None


@dataclass(frozen=True, slots=True)
class Story:
    id: str
    text: str
    lang: str
    sentiment: str
    score: float
    themes: tuple[str, ...]
    emotions: tuple[str, ...]
    group: tuple[tuple[str, str | None], ...]
    why: StoryReason
    rank: float

    @property
    def reason(self) -> str:
        """Why it was chosen, in English with theme ids (the API's field)."""
        return story_reason_text(self.why, "en")


def select_stories(
    candidates: Iterable[StoryCandidate],
    *,
    now: datetime,
    group_by: Sequence[GroupBy] = ("touchpoint", "theme"),
    per_group: int = 3,
    half_life_days: float = HALF_LIFE_DAYS,
    near_duplicate: float = NEAR_DUPLICATE,
) -> list[Story]:
    """Up to `per_group` stories per group, each with the reason it was chosen.

    Within a group stories are picked greedily: the most vivid and recent first, then
    whichever adds most while no story is a near-duplicate of one already chosen and
    sentiments not yet shown are preferred.
    """
    groups: dict[tuple[tuple[str, str | None], ...], list[StoryCandidate]] = defaultdict(list)
    for candidate in candidates:
        if _word_count(candidate.analysis.redacted) < MIN_WORDS:
            continue
        for key in _group_keys(candidate, group_by):
            groups[key].append(candidate)
    stories: list[Story] = []
    for key in sorted(groups, key=lambda k: [(name, value or "") for name, value in k]):
        stories.extend(_pick(groups[key], key, now, per_group, half_life_days, near_duplicate))
    return stories


def _group_keys(
    candidate: StoryCandidate, group_by: Sequence[GroupBy]
) -> list[tuple[tuple[str, str | None], ...]]:
    keys: list[tuple[tuple[str, str | None], ...]] = [()]
    for name in group_by:
        values: Sequence[str | None]
        if name == "theme":
            values = candidate.analysis.themes or (None,)
        elif name == "touchpoint":
            values = (candidate.touchpoint,)
        else:
            values = (candidate.unit,)
        keys = [(*key, (name, value)) for key in keys for value in values]
    return keys


@dataclass(frozen=True, slots=True)
class _Scored:
    candidate: StoryCandidate
    vivid: float
    recent: float
    typical: float
    shingles: frozenset[str]


def _pick(
    pool: list[StoryCandidate],
    key: tuple[tuple[str, str | None], ...],
    now: datetime,
    per_group: int,
    half_life_days: float,
    near_duplicate: float,
) -> list[Story]:
    labels = Counter(c.analysis.sentiment.label for c in pool)
    scored = [
        _Scored(
            candidate,
            _vividness(candidate.analysis),
            _recency(candidate.created_at, now, half_life_days),
            labels[candidate.analysis.sentiment.label] / len(pool),
            _shingles(candidate.analysis.redacted),
        )
        for candidate in pool
    ]
    chosen: list[_Scored] = []
    stories: list[Story] = []
    while len(stories) < per_group:
        best: tuple[float, _Scored, bool] | None = None
        for item in scored:
            if item in chosen:
                continue
            similarity = max((_jaccard(item.shingles, c.shingles) for c in chosen), default=0.0)
            if similarity >= near_duplicate:
                continue
            label = item.candidate.analysis.sentiment.label
            new_view = bool(chosen) and all(
                c.candidate.analysis.sentiment.label != label for c in chosen
            )
            # Vivid and recent first, typical of the group, then views not yet shown.
            rank = (
                item.vivid * (0.4 + 0.6 * item.recent) * (0.6 + 0.4 * item.typical)
                + (NEW_VIEW_BONUS if new_view else 0.0)
                - 0.5 * similarity
            )
            if best is None or rank > best[0]:
                best = (rank, item, new_view)
        if best is None:
            break
        rank, item, new_view = best
        age = (now - item.candidate.created_at).total_seconds() / 86400
        share = (labels[item.candidate.analysis.sentiment.label], len(pool))
        why = _reason(item.candidate.analysis, age, share, new_view, bool(chosen))
        stories.append(_story(item.candidate, key, rank, why))
        chosen.append(item)
    return stories


def _story(
    candidate: StoryCandidate,
    key: tuple[tuple[str, str | None], ...],
    rank: float,
    why: StoryReason,
) -> Story:
    analysis = candidate.analysis
    return Story(
        id=candidate.id,
        text=analysis.redacted,
        lang=analysis.lang,
        sentiment=analysis.sentiment.label,
        score=analysis.sentiment.score,
        themes=analysis.themes,
        emotions=analysis.emotions,
        group=key,
        why=why,
        rank=round(rank, 4),
    )


def _vividness(analysis: TextAnalysis) -> float:
    words = _word_count(analysis.redacted)
    low, high = IDEAL_WORDS
    length = 1.0 if low <= words <= high else 0.6 if words < low else max(0.3, high / words)
    strength = abs(analysis.sentiment.score) + (0.6 if analysis.sentiment.label == "mixed" else 0.0)
    feeling = 0.15 * min(len(analysis.emotions), 3)
    concrete = 0.1 * min(len(analysis.themes), 2)
    redacted_share = len(_PLACEHOLDER.findall(analysis.redacted)) / max(words, 1)
    return (strength + feeling + concrete) * length * (1.0 - min(redacted_share * 2, 0.8))


def _recency(created_at: datetime, now: datetime, half_life_days: float) -> float:
    age_days = max((now - created_at).total_seconds() / 86400, 0.0)
    return math.pow(0.5, age_days / half_life_days)


def _reason(
    analysis: TextAnalysis,
    age_days: float,
    share: tuple[int, int],
    new_view: bool,
    not_first: bool,
) -> StoryReason:
    same, total = share
    return StoryReason(
        sentiment=analysis.sentiment.label,
        score=analysis.sentiment.score,
        themes=analysis.themes[:3],
        emotions=analysis.emotions[:3],
        age_days=age_days,
        same=same,
        total=total,
        view=("new" if new_view else "unlike") if not_first else None,
    )


def _word_count(text: str) -> int:
    return len(text.split())


def _shingles(text: str) -> frozenset[str]:
    normal = " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())
    if len(normal) <= _SHINGLE:
        return frozenset({normal})
    return frozenset(normal[i : i + _SHINGLE] for i in range(len(normal) - _SHINGLE + 1))


def _jaccard(left: frozenset[str], right: frozenset[str]) -> float:
    if not left or not right:
        return 0.0
    return len(left & right) / len(left | right)
