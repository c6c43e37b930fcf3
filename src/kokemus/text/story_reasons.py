"""Why a story was chosen, kept as facts and said in Finnish, Swedish or English."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

StoryView = Literal["new", "unlike"]
ReasonLanguage = Literal["fi", "sv", "en"]


@dataclass(frozen=True, slots=True)
class StoryReason:
    sentiment: str
    score: float
    themes: tuple[str, ...]
    emotions: tuple[str, ...]
    age_days: float
    same: int
    total: int
    view: StoryView | None = None


@dataclass(frozen=True, slots=True)
class _Words:
    sentiment: Mapping[str, str]
    plural: Mapping[str, str]
    mixed: str
    strongly: str
    clearly: str
    about: str
    expresses: str
    last_day: str
    one_day: str
    days: str
    weeks: str
    share: str
    view: Mapping[str, str]
    emotion: Mapping[str, str]
    decimal: str


_WORDS: dict[str, _Words] = {
    "en": _Words(
        sentiment={"negative": "negative", "positive": "positive", "neutral": "neutral"},
        plural={
            "negative": "negative",
            "positive": "positive",
            "neutral": "neutral",
            "mixed": "mixed",
        },
        mixed="mixed feelings",
        strongly="strongly ",
        clearly="clearly ",
        about="about {}",
        expresses="expresses {}",
        last_day="from the last day",
        one_day="1 day old",
        days="{} days old",
        weeks="{} weeks old",
        share="{same} of {total} comments here are {label}",
        view={"new": "adds a view not yet shown", "unlike": "unlike the others chosen"},
        emotion={},
        decimal=".",
    ),
    "fi": _Words(
        sentiment={"negative": "kielteinen", "positive": "myönteinen", "neutral": "neutraali"},
        plural={
            "negative": "kielteisiä",
            "positive": "myönteisiä",
            "neutral": "neutraaleja",
            "mixed": "ristiriitaisia",
        },
        mixed="ristiriitaisia tunteita",
        strongly="hyvin ",
        clearly="selvästi ",
        about="aiheena {}",
        expresses="tunteet: {}",
        last_day="viimeisen vuorokauden ajalta",
        one_day="1 päivä sitten",
        days="{} päivää sitten",
        weeks="{} viikkoa sitten",
        share="ryhmän {total} kommentista {same} on {label}",
        view={
            "new": "tuo esiin näkökulman, jota muut valitut eivät näytä",
            "unlike": "erilainen kuin muut valitut",
        },
        emotion={
            "joy": "ilo",
            "gratitude": "kiitollisuus",
            "trust": "luottamus",
            "surprise": "yllätys",
            "anger": "suuttumus",
            "disappointment": "pettymys",
            "frustration": "turhautuminen",
            "worry": "huoli",
            "sadness": "suru",
        },
        decimal=",",
    ),
    "sv": _Words(
        sentiment={"negative": "negativ", "positive": "positiv", "neutral": "neutral"},
        plural={
            "negative": "negativa",
            "positive": "positiva",
            "neutral": "neutrala",
            "mixed": "blandade",
        },
        mixed="blandade känslor",
        strongly="starkt ",
        clearly="tydligt ",
        about="handlar om {}",
        expresses="uttrycker {}",
        last_day="från det senaste dygnet",
        one_day="för 1 dag sedan",
        days="för {} dagar sedan",
        weeks="för {} veckor sedan",
        share="{same} av {total} kommentarer här är {label}",
        view={"new": "tillför en syn som inte visats än", "unlike": "olik de andra valda"},
        emotion={
            "joy": "glädje",
            "gratitude": "tacksamhet",
            "trust": "förtroende",
            "surprise": "förvåning",
            "anger": "ilska",
            "disappointment": "besvikelse",
            "frustration": "frustration",
            "worry": "oro",
            "sadness": "sorg",
        },
        decimal=",",
    ),
}


def story_reason_text(
    reason: StoryReason, lang: str, theme_names: Mapping[str, str] | None = None
) -> str:
    """The reason as one line; themes by `theme_names` where given, else by id."""
    words = _WORDS.get(lang, _WORDS["en"])
    score = f"{reason.score:+.2f}".replace(".", words.decimal)
    if reason.sentiment == "mixed":
        parts = [f"{words.mixed} ({score})"]
    else:
        strength = abs(reason.score)
        tone = words.strongly if strength >= 0.7 else words.clearly if strength >= 0.4 else ""
        label = words.sentiment.get(reason.sentiment, reason.sentiment)
        parts = [f"{tone}{label} ({score})"]
    names = theme_names or {}
    if reason.themes:
        parts.append(words.about.format(", ".join(names.get(t, t) for t in reason.themes)))
    if reason.emotions:
        felt = ", ".join(words.emotion.get(e, e) for e in reason.emotions)
        parts.append(words.expresses.format(felt))
    parts.append(_age(reason.age_days, words))
    if reason.total > 1:
        label = words.plural.get(reason.sentiment, reason.sentiment)
        parts.append(words.share.format(same=reason.same, total=reason.total, label=label))
    if reason.view:
        parts.append(words.view[reason.view])
    return "; ".join(parts)


def _age(days: float, words: _Words) -> str:
    if days < 1:
        return words.last_day
    if days < 2:
        return words.one_day
    if days < 14:
        return words.days.format(int(days))
    return words.weeks.format(int(days // 7))
