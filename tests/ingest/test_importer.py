from datetime import UTC, datetime
from pathlib import Path

import orjson
import pytest
from sqlalchemy import select

from kokemus.customers.models import Identity
from kokemus.ingest.importer import ImportSpec, import_file
from kokemus.ingest.messages import ParseOptions, Rejection
from kokemus.ingest.models import Event
from kokemus.ingest.sources import source_ids_by_name
from kokemus.store import Database
from tests.factories import add_source


def _file(path: Path) -> Path:
    lines = []
    for n in range(1, 2501):
        message = {
            "type": "track",
            "event": "Order Completed",
            "userId": f"C{n % 700}",
            "messageId": f"m{n}",
            "timestamp": "2026-02-01T10:00:00+02:00",
            "properties": {"n": n},
        }
        if n % 3 == 0:
            message["context"] = {"traits": {"email": f"p{n % 700}@example.fi"}}
        if n % 500 == 0:
            del message["event"]
        lines.append(orjson.dumps(message))
    lines.insert(100, b"{broken")
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


@pytest.mark.parametrize("parallel", [False, True], ids=["in-process", "parsing-process"])
def test_import_stores_everything_valid_and_reports_each_reject(
    database: Database, tmp_path: Path, parallel: bool
) -> None:
    add_source(database, "shop")
    with database.transaction() as session:
        sources = source_ids_by_name(session)
    options = ParseOptions(sources, sources["shop"], datetime(2026, 11, 1, tzinfo=UTC))
    spec = ImportSpec(_file(tmp_path / "e.jsonl"), "jsonl", options, [], batch_size=300)
    rejects: list[tuple[Rejection, str]] = []
    progress: list[int] = []

    report = import_file(database, spec, rejects.extend, progress.append, parallel=parallel)

    assert report.accepted == 2495
    assert [(r.index, r.field) for r, _ in rejects] == [(101, "")] + [
        (n + (n > 100), "event") for n in range(500, 2501, 500)
    ]
    assert rejects[0][1] == "{broken"
    assert orjson.loads(rejects[1][1])["messageId"] == "m500"
    assert progress[-1] == spec.path.stat().st_size
    with database.transaction() as session:
        events = session.scalars(select(Event)).all()
        kinds = list(session.scalars(select(Identity.kind)))
    assert len(events) == 2495
    assert kinds.count("user_id") == 700
    emails = {n % 700 for n in range(1, 2501) if n % 3 == 0 and n % 500 != 0}
    assert kinds.count("email") == len(emails)
    with database.transaction() as session:
        owners = {
            str(value): int(customer)
            for value, customer in session.execute(select(Identity.value, Identity.customer_id))
        }
    assert all(owners[f"p{n}@example.fi"] == owners[f"C{n}"] for n in emails)
