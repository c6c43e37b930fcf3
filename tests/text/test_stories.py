from datetime import UTC, datetime, timedelta

from kokemus.text import StoryCandidate, analyze, select_stories

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def candidate(id: str, text: str, days_old: float, touchpoint: str = "delivery") -> StoryCandidate:
    return StoryCandidate(
        id=id,
        analysis=analyze(text, "fi"),
        created_at=NOW - timedelta(days=days_old),
        touchpoint=touchpoint,
    )


POOL = [
    candidate("broken", "Laatikko tuli ihan rutussa ja tuolin selkänoja haljennut. Törkeää!", 2),
    candidate(
        "broken-again", "Laatikko tuli ihan rutussa ja tuolin selkänoja haljennut. Törkeää!!", 1
    ),
    candidate("thanks", "Kiitti nopeesta toimituksesta ja kohteliaasta kuskista, tosi kiva 😊", 3),
    candidate("old", "Kuski oli aivan järkyttävän töykeä ja paiskoi paketin ovelle, kamalaa!", 400),
    candidate("plain", "Tilaus tuli perjantaina kotiin asti.", 1),
    candidate("short", "Ok.", 1),
]


def test_stories_are_diverse_recent_and_without_near_duplicates() -> None:
    stories = select_stories(POOL, now=NOW, group_by=("touchpoint",), per_group=3)
    ids = [story.id for story in stories]

    assert len(ids) == 3
    assert not {"broken", "broken-again"} <= set(ids)
    assert ids[0] == "broken-again"
    assert ids[1] == "thanks"
    assert "short" not in ids
    assert {story.sentiment for story in stories} >= {"negative", "positive"}


def test_first_story_is_typical_of_its_group() -> None:
    pool = [
        candidate("praise", "Ihana, upea ja mahtava palvelu, kiitos kiitos! 😍", 1),
        candidate("late-1", "Paketti myöhässä jo viikon, todella huono palvelu.", 2),
        candidate("late-2", "Toimitus kesti kolme viikkoa eikä kukaan vastannut, surkeaa.", 2),
        candidate("late-3", "Kuljetus oli taas myöhässä ja kuski tyly.", 3),
    ]
    stories = select_stories(pool, now=NOW, group_by=("touchpoint",), per_group=2)
    assert stories[0].sentiment == "negative"
    assert stories[1].id == "praise"


def test_recent_story_beats_an_equally_vivid_old_one() -> None:
    twins = [
        candidate("recent", "Kuski oli töykeä ja paiskoi paketin ovelle, kamalaa!", 1),
        candidate("ancient", "Kuljettaja oli tyly ja heitti laatikon pihalle, kauheaa!", 300),
    ]
    (story,) = select_stories(twins, now=NOW, group_by=("touchpoint",), per_group=1)
    assert story.id == "recent"


def test_every_story_says_why_it_was_chosen() -> None:
    stories = select_stories(POOL, now=NOW, group_by=("touchpoint",), per_group=2)
    first = stories[0]
    assert first.reason.startswith("strongly negative (-0.9")
    assert "about delivery_damage" in first.reason
    assert "1 day old" in first.reason
    assert first.reason.endswith("3 of 5 comments here are negative")
    assert stories[1].reason.endswith("adds a view not yet shown")
    assert all(story.reason for story in stories)


def test_stories_show_redacted_text() -> None:
    pool = [candidate("pii", "Kuski soitti numerosta +358 44 721 0093 ja oli tosi töykeä!", 1)]
    (story,) = select_stories(pool, now=NOW, group_by=("touchpoint",))
    assert "+358" not in story.text
    assert "[PHONE]" in story.text


def test_stories_are_grouped_by_touchpoint_and_theme() -> None:
    pool = [*POOL, candidate("store", "Myyjä oli tosi ystävällinen ja auttoi paljon!", 1, "store")]
    stories = select_stories(pool, now=NOW, group_by=("touchpoint", "theme"), per_group=1)
    groups = {story.group for story in stories}
    assert (("touchpoint", "store"), ("theme", "staff_friendliness")) in groups
    assert all(len([s for s in stories if s.group == group]) == 1 for group in groups)
