"""Incremental rollups: score counts per day and per month and one combination of dimensions.

Scale answers are added in the transaction that stores them (and taken away in the one
that deletes them), so the rollups always equal the raw answers: nothing is rebuilt on a
timer, and nothing is read twice. Themes come later, from the text analyses: when a
response's free text is analysed, its scale answers are added once more per new theme.
Only a change of time zone (or a bulk load that wrote answers directly) needs `rebuild`.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from kokemus.config import get_settings
from kokemus.metrics.models import KEY_COLUMNS, SCORE_COLUMNS
from kokemus.metrics.periods import local_date_sql
from kokemus.store import Database, dialect

SCALE_TYPES = ("rating", "nps", "ces", "expectation")
ALL_THEMES = ""
GRAINS = ("day", "month")
COUNT_COLUMNS = ("n", *SCORE_COLUMNS)
TABLE = "metric_rollups"

# grain, question type, theme, period start, survey, question, touchpoint, unit, channel, language
Key = tuple[str, str, str, date, int, str, int, int, str, str]
CUBES = ("full", "lean")
Counts = list[int]  # n, then the count of each score 0..10


@dataclass(frozen=True, slots=True)
class ScaleAnswer:
    survey_id: int
    question_key: str
    question_type: str
    touchpoint_id: int | None
    unit_id: int | None
    channel: str
    language: str
    score: int
    answered_at: datetime


@cache
def organisation_zone() -> ZoneInfo:
    return ZoneInfo(get_settings().timezone)


def is_scale_answer(question_type: str, number: float | None) -> bool:
    return question_type in SCALE_TYPES and number is not None and 0 <= number <= 10


class Tally:
    """Counts to add to (or, with a negative sign, take from) the rollups."""

    def __init__(self) -> None:
        self.counts: defaultdict[Key, Counts] = defaultdict(lambda: [0] * 12)

    def add(self, answer: ScaleAnswer, *, theme: str = ALL_THEMES, sign: int = 1) -> None:
        day = answer.answered_at.astimezone(organisation_zone()).date()
        self.add_counted(
            day,
            (
                answer.question_type,
                theme,
                answer.survey_id,
                answer.question_key,
                answer.touchpoint_id or 0,
                answer.unit_id or 0,
                answer.channel,
                answer.language,
            ),
            answer.score,
            sign,
        )

    def add_counted(
        self,
        day: date,
        rest: tuple[str, str, int, str, int, int, str, str],
        score: int,
        count: int,
    ) -> None:
        question_type, theme, *dimensions = rest
        for grain, start in (("day", day), ("month", day.replace(day=1))):
            key: Key = (grain, question_type, theme, start, *dimensions)  # type: ignore[assignment]
            counts = self.counts[key]
            counts[0] += count
            counts[1 + score] += count

    def __len__(self) -> int:
        return len(self.counts)


def store(session: Session, tally: Tally) -> None:
    """Add the tally to both cubes of the rollups; the caller's transaction commits it."""
    kinds = survey_kinds(session, sorted({key[4] for key in tally.counts}))
    expanded: defaultdict[tuple[object, ...], Counts] = defaultdict(lambda: [0] * 12)
    for key, counts in tally.counts.items():
        grain, question_type, theme, start, survey_id, _, touchpoint, unit, _, _ = key
        kind = kinds.get(survey_id, "customer")
        full = ("full", grain, question_type, kind, theme, start, *key[4:])
        lean = ("lean", grain, question_type, kind, theme, start, 0, "", touchpoint, unit, "", "")
        for target in (expanded[full], expanded[lean]):
            for position, count in enumerate(counts):
                target[position] += count
    # In key order, so that concurrent writers on PostgreSQL lock rows in the same order.
    rows = [
        (*key[:5], dialect.day_value(session, key[5]), *key[6:], *counts)  # type: ignore[arg-type]
        for key, counts in sorted(expanded.items())
        if any(counts)
    ]
    dialect.add_to_rows(session, TABLE, KEY_COLUMNS, COUNT_COLUMNS, rows)


def survey_kinds(session: Session, survey_ids: Sequence[int]) -> dict[int, str]:
    if not survey_ids:
        return {}
    found = dialect.select_matching(session, "surveys", "id, kind", "id", survey_ids)
    return {int(row[0]): str(row[1]) for row in found}


def add_answers(
    session: Session,
    answers: Iterable[ScaleAnswer],
    *,
    themes: Sequence[str] = (ALL_THEMES,),
    sign: int = 1,
) -> None:
    tally = Tally()
    for answer in answers:
        for theme in themes:
            tally.add(answer, theme=theme, sign=sign)
    store(session, tally)


def response_answers(session: Session, response_ids: Sequence[int]) -> dict[int, list[ScaleAnswer]]:
    """The stored scale answers of these responses, by response."""
    found: dict[int, list[ScaleAnswer]] = defaultdict(list)
    marks = ", ".join("{p}" for _ in SCALE_TYPES)
    for start in range(0, len(response_ids), dialect.SQLITE_CHUNK):
        chunk = list(response_ids[start : start + dialect.SQLITE_CHUNK])
        ids = ", ".join("{p}" for _ in chunk)
        rows = dialect.run(
            session,
            "SELECT a.response_id, a.survey_id, a.question_key, a.question_type, a.touchpoint_id, "
            "r.unit_id, r.channel, r.language, a.number, a.answered_at "
            "FROM survey_answers a JOIN survey_responses r ON r.id = a.response_id "
            f"WHERE a.response_id IN ({ids}) AND a.question_type IN ({marks}) "
            "AND a.number IS NOT NULL",
            (*chunk, *SCALE_TYPES),
        )
        for response, survey, key, kind, touchpoint, unit, channel, language, number, at in rows:
            found[response].append(
                ScaleAnswer(
                    survey, key, kind, touchpoint, unit, channel, language, int(number), _aware(at)
                )
            )
    return found


def response_themes(session: Session, response_ids: Sequence[int]) -> dict[int, set[str]]:
    """The themes the analysed free text of each response has (the union over its answers)."""
    themes: dict[int, set[str]] = defaultdict(set)
    elements = dialect.json_array_elements(session, "t.themes", "theme")
    for start in range(0, len(response_ids), dialect.SQLITE_CHUNK):
        chunk = list(response_ids[start : start + dialect.SQLITE_CHUNK])
        ids = ", ".join("{p}" for _ in chunk)
        for response_id, theme in dialect.run(
            session,
            f"SELECT DISTINCT t.response_id, theme.value FROM text_analyses t, {elements} "
            f"WHERE t.response_id IN ({ids})",
            chunk,
        ):
            themes[response_id].add(theme)
    return themes


def add_themes(session: Session, changes: Mapping[int, tuple[set[str], set[str]]]) -> None:
    """Move responses' scale answers between theme rows: {response: (before, after)}."""
    answers = response_answers(session, sorted(changes))
    tally = Tally()
    for response_id, (before, after) in changes.items():
        for answer in answers.get(response_id, ()):
            for theme in after - before:
                tally.add(answer, theme=theme)
            for theme in before - after:
                tally.add(answer, theme=theme, sign=-1)
    store(session, tally)


def remove_responses(session: Session, response_ids: Sequence[int]) -> None:
    """Take these responses out of the rollups, before their answers are deleted."""
    answers = response_answers(session, response_ids)
    themes = response_themes(session, response_ids)
    tally = Tally()
    for response_id, scale_answers in answers.items():
        for answer in scale_answers:
            for theme in (ALL_THEMES, *sorted(themes.get(response_id, ()))):
                tally.add(answer, theme=theme, sign=-1)
    store(session, tally)


def raw_tally(session: Session, *, themes: bool, since: datetime | None = None) -> Tally:
    """Counts straight from the raw answers, grouped by local day in SQL."""
    local_day = local_date_sql(session, "a.answered_at", organisation_zone())
    marks = ", ".join("{p}" for _ in SCALE_TYPES)
    theme_column, theme_join = "''", ""
    if themes:
        elements = dialect.json_array_elements(session, "t.themes", "theme")
        theme_column = "th.theme"
        theme_join = (
            f"JOIN (SELECT DISTINCT t.response_id, theme.value AS theme "
            f"FROM text_analyses t, {elements} WHERE t.response_id IS NOT NULL) th "
            "ON th.response_id = a.response_id "
        )
    parameters: list[object] = list(SCALE_TYPES)
    after = ""
    if since is not None:
        after = "AND a.answered_at >= {p} "
        parameters.append(dialect.timestamp(session, since))
    rows = dialect.run(
        session,
        f"SELECT {local_day}, a.question_type, {theme_column}, a.survey_id, a.question_key, "
        "coalesce(a.touchpoint_id, 0), coalesce(r.unit_id, 0), r.channel, r.language, "
        "CAST(a.number AS INTEGER), count(*) "
        "FROM survey_answers a JOIN survey_responses r ON r.id = a.response_id "
        f"{theme_join}"
        f"WHERE a.question_type IN ({marks}) AND a.number IS NOT NULL {after}"
        "GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10",
        parameters,
    )
    tally = Tally()
    for day, question_type, theme, *dimensions, score, count in rows:
        if 0 <= score <= 10:
            tally.add_counted(_as_date(day), (question_type, theme, *dimensions), score, count)
    return tally


def rebuild(session: Session) -> int:
    """Recount every rollup from the raw answers; returns the number of rollup rows."""
    dialect.run(session, f"DELETE FROM {TABLE}")
    count = 0
    for themes in (False, True):
        tally = raw_tally(session, themes=themes)
        store(session, tally)
        count += len(tally)
    return count


def snapshot(session: Session) -> list[tuple[object, ...]]:
    """Every rollup row that counts something, as plain values in key order."""
    rows = dialect.run(
        session,
        f"SELECT {', '.join((*KEY_COLUMNS, *COUNT_COLUMNS))} FROM {TABLE} WHERE n <> 0",
    )
    return sorted((*row[:5], _as_date(row[5]), *row[6:]) for row in rows)


def refresh(database: Database) -> int:
    """Rebuild the rollups in one write transaction (after a bulk load or a zone change)."""
    with database.write_transaction() as session:
        dialect.take_write_lock(session, "surveys")
        return rebuild(session)


def _as_date(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _aware(value: object) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.fromisoformat(str(value)).replace(tzinfo=UTC)
