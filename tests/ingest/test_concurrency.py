"""Writers at the same moment, the same new people: one customer each, nothing lost."""

import subprocess
import sys
import threading
from pathlib import Path

import orjson
from sqlalchemy import func, select

from kokemus.customers.models import Customer, Identity
from kokemus.ingest.models import Event
from kokemus.store import Database
from tests.factories import add_source, send, track

PEOPLE = 40


def _batch(writer: int, round_: int) -> list[dict[str, object]]:
    # Every writer introduces the same people, each under its own user id.
    return [
        track(
            "Order Completed",
            message_id=f"w{writer}-r{round_}-p{person}",
            user_id=f"w{writer}-p{person}",
            email=f"person{person}@example.fi",
        )
        for person in range(PEOPLE)
    ]


def _counts(database: Database) -> tuple[int, int, int]:
    with database.transaction() as session:
        live = session.scalar(
            select(func.count()).select_from(Customer).where(Customer.merged_into_id.is_(None))
        )
        owners = session.scalar(
            select(func.count(func.distinct(Identity.customer_id))).where(Identity.kind == "email")
        )
        events = session.scalar(select(func.count()).select_from(Event))
    return int(live or 0), int(owners or 0), int(events or 0)


def test_concurrent_batches_resolve_the_same_people_to_one_customer(database: Database) -> None:
    add_source(database, "shop")
    errors: list[BaseException] = []

    def write(writer: int) -> None:
        try:
            for round_ in range(3):
                report = send(database, _batch(writer, round_), source="shop")
                assert report.accepted == PEOPLE
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=write, args=(writer,)) for writer in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert _counts(database) == (PEOPLE, PEOPLE, 4 * 3 * PEOPLE)


def test_two_import_processes_on_one_store(
    database_url: str, database: Database, tmp_path: Path
) -> None:
    add_source(database, "shop")
    files = []
    for writer in range(2):
        path = tmp_path / f"w{writer}.jsonl"
        lines = [orjson.dumps(m) for round_ in range(3) for m in _batch(writer, round_)]
        path.write_bytes(b"\n".join(lines) + b"\n")
        files.append(path)

    command = [
        sys.executable,
        "-m",
        "kokemus.cli",
        "--database-url",
        database_url,
        "import",
        "events",
        "--source",
        "shop",
        "--batch-size",
        "10",
    ]
    processes = [
        subprocess.Popen(
            [*command, str(path)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        for path in files
    ]
    outputs = [process.communicate(timeout=120)[0] for process in processes]

    assert [process.returncode for process in processes] == [0, 0], outputs
    assert _counts(database) == (PEOPLE, PEOPLE, 2 * 3 * PEOPLE)
