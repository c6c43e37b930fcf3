"""Building the demo company into an empty store: a year of Kaari Oy, the same every time
for the same seed and end date.

The year is the 365 days up to the end of last month (or up to `end`), so every month shown
is whole. The events go in through the real intake, the invitations come from the real
triggers, the responses are stored as the survey pages store them, and the texts are
analysed by the real analyzer. A store that already holds anything is refused: the demo
is for a fresh store, and a half-built one is best removed and built again.
"""

import random
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import orjson
from sqlalchemy import text

from kokemus.demo import anonymous, employees, invitations
from kokemus.demo.cases import open_recent_cases
from kokemus.demo.company import Company, add_triggers, set_up
from kokemus.demo.customers import make_people
from kokemus.demo.events import year_of_events
from kokemus.demo.outbox import Outbox
from kokemus.demo.period import Period, default_end
from kokemus.demo.responses import write_responses
from kokemus.enrich.service import analyze_all
from kokemus.errors import Conflict, InvalidInput
from kokemus.ingest.importer import ImportSpec, import_file
from kokemus.ingest.messages import ParseOptions
from kokemus.metrics import rollups
from kokemus.store import Database

CUSTOMERS = 20_000
SEED = 2026
# Tables that must be empty before the demo goes in.
MUST_BE_EMPTY = ("customers", "events", "sources", "surveys", "units")
COUNTED = (
    "units",
    "touchpoints",
    "sources",
    "customers",
    "identities",
    "merges",
    "events",
    "surveys",
    "survey_triggers",
    "survey_invitations",
    "survey_responses",
    "survey_answers",
    "text_analyses",
    "metric_rollups",
)
INGEST_BATCH = 10_000
PARALLEL_FROM = 50_000  # messages; below this, starting the second process costs more

Progress = Callable[[str, float], None]


@dataclass
class DemoReport:
    period: Period
    seed: int
    people: int
    seconds: dict[str, float] = field(default_factory=dict)  # per phase, in order
    counts: dict[str, int] = field(default_factory=dict)


def build_demo(
    database: Database,
    *,
    customers: int = CUSTOMERS,
    seed: int = SEED,
    end: date | None = None,
    progress: Progress | None = None,
) -> DemoReport:
    """Build the demo into `database`, which must be migrated and empty.

    A big year is parsed in a spawned process (see _ingest): a script that calls this must
    do so under `if __name__ == "__main__":`.
    """
    today = datetime.now(UTC).date()
    end = end or default_end(today)
    if end >= today:
        raise InvalidInput("end", f"the demo's year must be over: {end} is not before {today}")
    if customers < 1:
        raise InvalidInput("customers", "must be at least 1")
    refuse_unless_empty(database)
    report = DemoReport(Period(end), seed, customers)

    @contextmanager
    def phase(name: str) -> Iterator[None]:
        started = time.perf_counter()
        yield
        report.seconds[name] = time.perf_counter() - started
        if progress is not None:
            progress(name, report.seconds[name])

    with phase("plan"):
        people = make_people(random.Random(f"{seed}:people"), customers)
        box = year_of_events(random.Random(f"{seed}:events"), people, report.period)
    with phase("company"), database.write_transaction() as session:
        company = set_up(session)
    with phase("events"):
        _ingest(database, company, box)
    with phase("responses"):
        _survey_year(database, company, box, report.period, seed)
    with phase("text"):
        analyze_all(database)
    with phase("rollups"):
        # The responses went in around the path that keeps the rollups up to date.
        rollups.refresh(database)
    with phase("cases"):
        # The rules see the year's last two weeks; older history opens nothing.
        open_recent_cases(database, report.period)
    report.counts = table_counts(database)
    return report


def load_demo_if_empty(database: Database) -> bool:
    """What `kokemus serve --demo` does: build the demo unless the store holds data."""
    try:
        refuse_unless_empty(database)
    except Conflict:
        return False
    build_demo(database)
    return True


def refuse_unless_empty(database: Database) -> None:
    counts = table_counts(database, MUST_BE_EMPTY)
    found = [f"{count} {table}" for table, count in counts.items() if count]
    if found:
        raise Conflict(
            f"the store already holds data ({', '.join(found)}); the demo is built only into "
            "an empty store: point --database-url at a new file or database"
        )


def table_counts(database: Database, tables: tuple[str, ...] = COUNTED) -> dict[str, int]:
    with database.transaction() as session:
        return {
            table: int(session.scalar(text(f"SELECT count(*) FROM {table}")) or 0)
            for table in tables
        }


def _ingest(database: Database, company: Company, box: Outbox) -> None:
    """The year's events through intake, as `kokemus import events` takes a JSONL file: a
    big year is read and checked in a second process while this one resolves and writes."""
    options = ParseOptions(
        sources=company.sources, default_source_id=None, received_at=datetime.now(UTC)
    )
    refused: list[str] = []
    with tempfile.TemporaryDirectory(prefix="kokemus-demo-") as folder:
        path = Path(folder) / "events.jsonl"
        with path.open("wb") as out:
            for _, message in box.in_order():
                out.write(orjson.dumps(message) + b"\n")
        spec = ImportSpec(path, "jsonl", options, [], batch_size=INGEST_BATCH)
        import_file(
            database,
            spec,
            lambda rejects: refused.extend(f"{r.as_dict()}: {text}" for r, text in rejects),
            parallel=len(box.messages) >= PARALLEL_FROM,
        )
    if refused:
        raise RuntimeError(f"intake refused {len(refused)} of the demo's messages: {refused[0]}")


def _survey_year(
    database: Database, company: Company, box: Outbox, period: Period, seed: int
) -> None:
    rng = random.Random(f"{seed}:answers")
    with database.write_transaction() as session:
        add_triggers(session, company)
        invitations.invite_for_the_year(session, period)
        answered = invitations.answer_invitations(session, rng, company, box.situations, period)
        answered += anonymous.store_visits(rng, company, box.visits)
        answered += anonymous.widget(rng, company, box.sessions)
        answered += employees.employee_answers(rng, company, period)
        write_responses(session, company, answered)
