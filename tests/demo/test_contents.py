"""What the demo holds besides its planted effects: a mix worth exploring."""

from collections import Counter, defaultdict

from sqlalchemy import select

from kokemus.demo.period import HELSINKI
from kokemus.enrich.models import TextAnalysisRecord
from kokemus.journeys.models import Unit
from kokemus.store import Database
from kokemus.surveys.models import Response, Survey
from kokemus.text.themes import default_taxonomy

THRESHOLD = 5  # the anonymity threshold for employee groups
SMALL_TEAMS = {"marketing", "management", "logistics"}


def test_texts_carry_every_tone_and_every_theme_but_food(demo: Database) -> None:
    with demo.transaction() as session:
        found = session.execute(
            select(Survey.kind, TextAnalysisRecord.sentiment, TextAnalysisRecord.themes)
            .join(Survey, Survey.id == TextAnalysisRecord.survey_id)
            .where(TextAnalysisRecord.answer_id.is_not(None))
        ).all()
    tones = Counter(sentiment for kind, sentiment, _ in found if kind == "customer")
    assert set(tones) == {"positive", "negative", "neutral", "mixed"}
    assert all(count >= 0.05 * tones.total() for count in tones.values()), tones
    # Most customers are content, and the content write too.
    assert tones.most_common(1)[0][0] == "positive", tones
    with demo.transaction() as session:
        every = session.scalars(select(TextAnalysisRecord.themes)).all()
    themes = {theme for found_themes in every for theme in found_themes}
    known = set(default_taxonomy().theme_ids)
    # All but food: Kaari Oy sells chairs and shoes, and has no café.
    assert known - themes <= {"food_quality"}, known - themes


def test_answers_come_in_finnish_swedish_and_english(demo: Database) -> None:
    with demo.transaction() as session:
        languages = Counter(session.scalars(select(Response.language)))
        analysed = Counter(session.scalars(select(TextAnalysisRecord.language)))
    total = sum(languages.values())
    assert languages["fi"] >= 0.7 * total
    assert languages["sv"] >= 0.03 * total
    assert languages["en"] >= 0.02 * total
    assert {"fi", "sv", "en"} <= set(analysed)


def test_most_employee_groups_are_big_enough_to_show(demo: Database) -> None:
    with demo.transaction() as session:
        groups = session.execute(
            select(Unit.key, Response.submitted_at)
            .join(Unit, Unit.id == Response.unit_id)
            .join(Survey, Survey.id == Response.survey_id)
            .where(Survey.key == "five-star-workday")
        ).all()
    per_month: dict[str, Counter[tuple[int, int]]] = defaultdict(Counter)
    for unit, at in groups:
        assert at is not None
        local = at.astimezone(HELSINKI)
        per_month[unit][(local.year, local.month)] += 1
    big = {unit: counts for unit, counts in per_month.items() if unit not in SMALL_TEAMS}
    shown = [n >= THRESHOLD for counts in big.values() for n in counts.values()]
    assert len(big) == 6
    assert sum(shown) >= 0.85 * len(shown)
    for unit in SMALL_TEAMS:
        assert max(per_month[unit].values()) < THRESHOLD, unit
