"""Breakdown speed: the rollups against a direct GROUP BY over the raw answers.

Loads N responses (default 10,000,000; each with an NPS answer, and a 1-5 rating on
half of them) spread over 12 months, 8 surveys, the default journey's touchpoints,
48 units, 4 response channels and 3 languages, through the driver's bulk path; counts
the rollups from them with `rollups.rebuild` (what a bulk load does); then times each
breakdown both ways, checks that they give the same counts, and prints the ratio.

    .venv/bin/python bench/metrics.py [--responses 10000000] [--backends sqlite,postgresql]
        [--postgres-url postgresql://postgres@127.0.0.1:5432/test] [--repeat 5]
"""

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from ingest import fresh_store
from kokemus.journeys.models import Touchpoint, Unit
from kokemus.journeys.service import default_journey_text, load_journey, parse_journey
from kokemus.metrics import rollups
from kokemus.metrics.breakdown import (
    BreakdownQuery,
    Filters,
    from_raw,
    from_rollups,
    group_counts,
    plan,
)
from kokemus.metrics.dimensions import read_context
from kokemus.store import Database, dialect
from kokemus.surveys import service
from kokemus.surveys.definition import SurveyDefinition

SURVEY_TOUCHPOINTS = (
    "home-delivery",
    "checkout",
    "store-visit",
    "store-purchase",
    "customer-service-contact",
    "website",
    "returns-and-claims",
    "advice-call",
)
CHANNELS = ("invitation", "link", "qr", "widget")
LANGUAGES = ("fi", "fi", "fi", "sv", "en")
CHUNK = 200_000


def definition(key: str, touchpoint: str) -> SurveyDefinition:
    texts = {"fi": key, "sv": key, "en": key}
    return SurveyDefinition.model_validate(
        {
            "key": key,
            "languages": ["fi", "sv", "en"],
            "title": texts,
            "touchpoint": touchpoint,
            "questions": [
                {"key": "recommend", "type": "nps", "text": texts},
                {"key": "stars", "type": "rating", "text": texts},
            ],
        }
    )


def set_up(database: Database) -> tuple[list[tuple[int, int]], list[int]]:
    """The journey, 40 more stores and 8 published surveys; (survey, touchpoint) and units."""
    journey = default_journey_text()
    with database.transaction() as session:
        load_journey(session, parse_journey(journey), journey)
        parent = session.scalars(select(Unit.id).where(Unit.key == "store")).one()
        session.add_all(
            Unit(key=f"store-{n}", name=f"Store {n}", kind="store", parent_id=parent)
            for n in range(40)
        )
    surveys = []
    with database.transaction() as session:
        touchpoints = {
            row.key: row.id for row in session.execute(select(Touchpoint.key, Touchpoint.id))
        }
        for number, key in enumerate(SURVEY_TOUCHPOINTS):
            survey = service.create_survey(session, definition(f"survey-{number}", key))
            service.publish(session, survey)
            surveys.append((survey.id, touchpoints[key]))
        units = list(session.scalars(select(Unit.id)))
    return surveys, units


def rows(
    count: int, surveys: list[tuple[int, int]], units: list[int], seed: int
) -> Iterator[tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]]:
    """Responses and their answers, in chunks, as the bulk path binds them."""
    rng = random.Random(seed)
    start = datetime(2025, 11, 1, tzinfo=UTC)
    span = 365 * 24 * 3600
    for first in range(1, count + 1, CHUNK):
        responses, answers = [], []
        for response_id in range(first, min(first + CHUNK, count + 1)):
            survey_id, touchpoint_id = rng.choice(surveys)
            when = start + timedelta(seconds=rng.randrange(span))
            stamp = dialect.utc_text(when)
            responses.append(
                (
                    response_id,
                    survey_id,
                    1,
                    touchpoint_id,
                    rng.choice(units),
                    rng.choice(CHANNELS),
                    rng.choice(LANGUAGES),
                    True,
                    "{}",
                    stamp,
                    stamp,
                    stamp,
                )
            )
            answers.append(
                (
                    response_id,
                    survey_id,
                    "recommend",
                    "nps",
                    touchpoint_id,
                    rng.randint(0, 10),
                    stamp,
                )
            )
            if rng.random() < 0.5:
                answers.append(
                    (
                        response_id,
                        survey_id,
                        "stars",
                        "rating",
                        touchpoint_id,
                        rng.randint(1, 5),
                        stamp,
                    )
                )
        yield responses, answers


RESPONSE_COLUMNS = (
    "id",
    "survey_id",
    "survey_version",
    "touchpoint_id",
    "unit_id",
    "channel",
    "language",
    "complete",
    "answers",
    "started_at",
    "updated_at",
    "submitted_at",
)
ANSWER_COLUMNS = (
    "response_id",
    "survey_id",
    "question_key",
    "question_type",
    "touchpoint_id",
    "number",
    "answered_at",
)


def load(database: Database, count: int, surveys: list[tuple[int, int]], units: list[int]) -> None:
    postgres = database.dialect == "postgresql"
    for responses, answers in rows(count, surveys, units, seed=5):
        with database.transaction() as session:
            if postgres:
                responses = [(*row[:9], *(f"{value}+00" for value in row[9:])) for row in responses]
                answers = [(*row[:6], f"{row[6]}+00") for row in answers]
            dialect.bulk_insert(session, "survey_responses", RESPONSE_COLUMNS, responses)
            dialect.bulk_insert(session, "survey_answers", ANSWER_COLUMNS, answers)
    if postgres:
        with database.engine.connect() as connection:
            connection.exec_driver_sql("ANALYZE")
            connection.commit()


QUERIES: dict[str, BreakdownQuery] = {
    "NPS by month × touchpoint, 12 months": BreakdownQuery(
        "nps", date(2025, 11, 1), date(2026, 10, 31), ("month", "touchpoint")
    ),
    "CSAT by unit (subtrees), a quarter": BreakdownQuery(
        "csat", date(2026, 7, 1), date(2026, 9, 30), ("unit",)
    ),
    "NPS by stage × channel class, 12 months": BreakdownQuery(
        "nps", date(2025, 11, 1), date(2026, 10, 31), ("stage", "channel_class")
    ),
    "NPS by week, a quarter, one store's subtree": BreakdownQuery(
        "nps", date(2026, 4, 1), date(2026, 6, 30), ("week",), Filters(unit="store")
    ),
    "NPS by language, 45 days over a month's edges": BreakdownQuery(
        "nps", date(2026, 8, 17), date(2026, 9, 30), ("language",)
    ),
}


def timed(function: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def measure(database: Database, repeat: int) -> None:
    for name, query in QUERIES.items():

        def run(raw: bool, query: BreakdownQuery = query) -> dict[Any, list[int]]:
            with database.transaction() as session:
                context = read_context(session)
                the_plan = plan(query, context)
                reader = from_raw if raw else from_rollups
                grouped = group_counts(query, the_plan, context, reader(session, query, the_plan))
            return {key: value for key, value in grouped.items() if any(value)}

        fast, from_rollup = timed(lambda: run(False), repeat)
        slow, direct = timed(lambda: run(True), 1)
        same = "same counts" if from_rollup == direct else "COUNTS DIFFER"
        print(
            f"  {name}: rollups {fast * 1000:.1f} ms, direct GROUP BY {slow * 1000:.0f} ms, "
            f"{slow / fast:.0f}x faster, {len(from_rollup)} groups, {same}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--responses", type=int, default=10_000_000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--postgres-url", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--repeat", type=int, default=5)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=Path.cwd() / "var") as workdir:
        for backend in arguments.backends.split(","):
            url, remove = fresh_store(backend, arguments.postgres_url, Path(workdir))
            database = Database(url)
            try:
                surveys, units = set_up(database)
                started = time.perf_counter()
                load(database, arguments.responses, surveys, units)
                loaded = time.perf_counter() - started
                started = time.perf_counter()
                rows_built = rollups.refresh(database)
                built = time.perf_counter() - started
                print(
                    f"{backend}: {arguments.responses:,} responses loaded in {loaded:.0f} s; "
                    f"rollups counted from them in {built:.0f} s ({rows_built:,} rows)"
                )
                measure(database, arguments.repeat)
            finally:
                database.dispose()
                remove()


if __name__ == "__main__":
    main()
