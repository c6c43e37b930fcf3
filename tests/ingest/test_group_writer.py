import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import func, select, text

from kokemus.ingest.group_writer import GroupWriter
from kokemus.ingest.messages import ParseOptions
from kokemus.ingest.models import Event
from kokemus.ingest.service import IngestReport, parse_all
from kokemus.ingest.sources import source_ids_by_name
from kokemus.store import Database
from tests.factories import add_source, track


def _submit_together(
    writer: GroupWriter, database: Database, batches: list[list[dict[str, Any]]]
) -> list[IngestReport | BaseException]:
    with database.transaction() as session:
        sources = source_ids_by_name(session)
    options = ParseOptions(sources, sources["shop"], datetime(2026, 11, 1, tzinfo=UTC))
    results: list[IngestReport | BaseException] = [RuntimeError("not run")] * len(batches)
    start = threading.Barrier(len(batches))

    def call(number: int) -> None:
        messages, rejected = parse_all(enumerate(batches[number]), options)
        start.wait()
        try:
            results[number] = writer.store(messages, rejected, options.received_at)
        except Exception as error:
            results[number] = error

    threads = [threading.Thread(target=call, args=(n,)) for n in range(len(batches))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def _orders(first: int, last: int, name: str = "Order Completed") -> list[dict[str, Any]]:
    return [track(name, message_id=f"m{n}", user_id=f"u{n}") for n in range(first, last + 1)]


def test_each_caller_gets_its_own_report(database: Database) -> None:
    add_source(database, "shop")
    writer = GroupWriter(database)
    try:
        reports = _submit_together(
            writer, database, [_orders(1, 10), _orders(6, 15), _orders(11, 20), _orders(1, 3)]
        )
    finally:
        writer.close()

    assert all(isinstance(report, IngestReport) for report in reports)
    accepted = [r.accepted for r in reports if isinstance(r, IngestReport)]
    duplicates = [r.duplicates for r in reports if isinstance(r, IngestReport)]
    assert sum(accepted) == 20
    assert sum(duplicates) == 10 + 10 + 10 + 3 - 20
    assert [a + d for a, d in zip(accepted, duplicates, strict=True)] == [10, 10, 10, 3]
    with database.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Event)) == 20


@pytest.fixture
def store_refusing_poison(database: Database) -> Iterator[Database]:
    """The store itself refuses events named 'poison', as it might refuse the unforeseen."""
    with database.engine.begin() as connection:
        if database.dialect == "postgresql":
            connection.execute(
                text("ALTER TABLE events ADD CONSTRAINT no_poison CHECK (name <> 'poison')")
            )
        else:
            connection.execute(
                text(
                    "CREATE TRIGGER no_poison BEFORE INSERT ON events WHEN NEW.name = 'poison' "
                    "BEGIN SELECT RAISE(ABORT, 'poison refused'); END"
                )
            )
    yield database
    with database.engine.begin() as connection:
        if database.dialect == "postgresql":
            connection.execute(text("ALTER TABLE events DROP CONSTRAINT no_poison"))
        else:
            connection.execute(text("DROP TRIGGER no_poison"))


def test_a_batch_the_store_refuses_fails_alone(store_refusing_poison: Database) -> None:
    database = store_refusing_poison
    add_source(database, "shop")
    writer = GroupWriter(database)
    try:
        reports = _submit_together(
            writer,
            database,
            [_orders(1, 5), _orders(6, 8, name="poison"), _orders(9, 12)],
        )
    finally:
        writer.close()

    good_first, poisoned, good_last = reports
    assert isinstance(good_first, IngestReport)
    assert good_first.accepted == 5
    assert isinstance(poisoned, Exception)
    assert isinstance(good_last, IngestReport)
    assert good_last.accepted == 4
    with database.transaction() as session:
        names = set(session.scalars(select(Event.message_id)))
    assert names == {f"m{n}" for n in (*range(1, 6), *range(9, 13))}
