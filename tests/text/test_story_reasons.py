"""A story's reason is kept as facts and said in Finnish, Swedish or English."""

import pytest

from kokemus.text.story_reasons import StoryReason, story_reason_text

REASON = StoryReason(
    sentiment="negative",
    score=-0.91,
    themes=("delivery_damage", "courier"),
    emotions=("anger", "disappointment"),
    age_days=5.5,
    same=3,
    total=5,
    view="new",
)


def test_english() -> None:
    assert story_reason_text(REASON, "en") == (
        "strongly negative (-0.91); about delivery_damage, courier; expresses anger, "
        "disappointment; 5 days old; 3 of 5 comments here are negative; adds a view not yet shown"
    )


def test_finnish_with_theme_names() -> None:
    names = {"delivery_damage": "Vaurioitunut toimitus", "courier": "Kuljettaja"}
    assert story_reason_text(REASON, "fi", names) == (
        "hyvin kielteinen (-0,91); aiheena Vaurioitunut toimitus, Kuljettaja; tunteet: "
        "suuttumus, pettymys; 5 päivää sitten; ryhmän 5 kommentista 3 on kielteisiä; "
        "tuo esiin näkökulman, jota muut valitut eivät näytä"
    )


def test_swedish() -> None:
    assert story_reason_text(REASON, "sv") == (
        "starkt negativ (-0,91); handlar om delivery_damage, courier; uttrycker ilska, "
        "besvikelse; för 5 dagar sedan; 3 av 5 kommentarer här är negativa; "
        "tillför en syn som inte visats än"
    )


@pytest.mark.parametrize(
    ("days", "fi", "sv", "en"),
    [
        (0.2, "viimeisen vuorokauden ajalta", "från det senaste dygnet", "from the last day"),
        (1.5, "1 päivä sitten", "för 1 dag sedan", "1 day old"),
        (30, "4 viikkoa sitten", "för 4 veckor sedan", "4 weeks old"),
    ],
)
def test_age(days: float, fi: str, sv: str, en: str) -> None:
    reason = StoryReason("mixed", 0.1, (), (), days, 1, 1)
    assert story_reason_text(reason, "fi") == f"ristiriitaisia tunteita (+0,10); {fi}"
    assert story_reason_text(reason, "sv") == f"blandade känslor (+0,10); {sv}"
    assert story_reason_text(reason, "en") == f"mixed feelings (+0.10); {en}"


def test_every_emotion_has_a_finnish_and_swedish_name() -> None:
    from typing import get_args

    from kokemus.text.emotions import Emotion

    for emotion in get_args(Emotion):
        for lang in ("fi", "sv"):
            reason = StoryReason("positive", 0.2, (), (emotion,), 3, 1, 1)
            assert emotion not in story_reason_text(reason, lang) or emotion == "frustration"


def test_an_unknown_language_falls_back_to_english() -> None:
    assert story_reason_text(REASON, "de") == story_reason_text(REASON, "en")
