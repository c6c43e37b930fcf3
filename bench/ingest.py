"""Event intake speed: file import and /v1/batch, on SQLite and PostgreSQL.

Prints events per second for (a) importing a JSONL file through the same path as
`kokemus import events`, (b) POST /v1/batch with 100 events a call from concurrent clients
against `kokemus serve`, and, as the machine's limit, (c) the driver's bulk load of the same
rows into a bare table with no index, constraint or identity resolution.

    .venv/bin/python bench/ingest.py [--events 1000000] [--http-events 200000]
        [--postgres-url postgresql://postgres@127.0.0.1:5432/test] [--backends sqlite,postgresql]
"""

import argparse
import base64
import os
import random
import secrets
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx2
import orjson
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from kokemus.ingest.importer import ImportSpec, import_file
from kokemus.ingest.messages import ParseOptions
from kokemus.ingest.sources import create_source
from kokemus.journeys.service import default_journey_text, load_journey, parse_journey
from kokemus.store import Database
from kokemus.store.migrate import upgrade

EVENTS = [
    "Product Viewed",
    "Order Completed",
    "Order Shipped",
    "Order Delivered",
    "Ticket Created",
    "Checkout Started",
    "Email Opened",
    "Parcel Scanned",
]


def messages(count: int, customers: int, seed: int) -> Iterator[dict[str, Any]]:
    rng = random.Random(seed)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for number in range(count):
        person = rng.randrange(customers)
        message: dict[str, Any] = {
            "type": "track",
            "event": rng.choice(EVENTS),
            "userId": f"C{person}",
            "messageId": str(uuid.UUID(int=rng.getrandbits(128))),
            "timestamp": (start + timedelta(seconds=number * 7)).isoformat(),
            "properties": {"order_id": f"O-{rng.randrange(10**6)}", "total": rng.randrange(500)},
        }
        if rng.random() < 0.3:
            message["context"] = {"traits": {"email": f"person{person}@example.fi"}}
        yield message


def write_file(path: Path, count: int, customers: int) -> None:
    with path.open("wb") as out:
        for message in messages(count, customers, seed=1):
            out.write(orjson.dumps(message) + b"\n")


def fresh_store(backend: str, postgres_url: str, workdir: Path) -> tuple[str, Callable[[], None]]:
    """A migrated empty store; returns its URL and a function that removes it."""
    if backend == "sqlite":
        path = workdir / f"bench-{secrets.token_hex(3)}.sqlite3"
        url = f"sqlite:///{path}"
        upgrade(Database(url).engine)

        def remove() -> None:
            for leftover in workdir.glob(path.name + "*"):
                leftover.unlink(missing_ok=True)

        return url, remove
    schema = f"bench_{secrets.token_hex(3)}"
    admin = create_engine(make_url(postgres_url).set(drivername="postgresql+psycopg"))
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    url = str(
        make_url(postgres_url)
        .set(drivername="postgresql+psycopg")
        .update_query_dict({"options": f"-csearch_path={schema}"})
    )
    upgrade(Database(url).engine)

    def drop() -> None:
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))

    return url, drop


def prepare(url: str) -> tuple[Database, str]:
    database = Database(url)
    text_ = default_journey_text()
    with database.transaction() as session:
        load_journey(session, parse_journey(text_), text_)
        key = create_source(session, "bench", "shop").write_key
    return database, key


def bench_file(url: str, file: Path) -> float:
    database, _ = prepare(url)
    with database.transaction() as session:
        source_id = session.execute(text("SELECT id FROM sources")).scalar_one()
    options = ParseOptions(
        sources={"bench": source_id}, default_source_id=source_id, received_at=datetime.now(UTC)
    )
    spec = ImportSpec(file, "jsonl", options, [])
    started = time.perf_counter()
    stored = import_file(database, spec, on_rejects=_fail_on_rejects).accepted
    elapsed = time.perf_counter() - started
    database.dispose()
    assert stored == sum(1 for _ in file.open("rb")), "not every event was stored"
    return stored / elapsed


def _fail_on_rejects(rejects: list[Any]) -> None:
    raise RuntimeError(f"the benchmark's own events were rejected: {rejects[:3]}")


def bench_http(url: str, count: int, customers: int, clients: int, workers: int) -> float:
    database, key = prepare(url)
    database.dispose()
    port = _free_port()
    env = {**os.environ, "KOKEMUS_DATABASE_URL": url}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kokemus.cli",
            "serve",
            "--no-migrate",
            "--port",
            str(port),
            "--workers",
            str(workers),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait(base)
        # Bodies are built before the clock starts: the client shares the machine.
        batches = iter(list(_batches(count, customers)))
        auth = {"Authorization": "Basic " + base64.b64encode(f"{key}:".encode()).decode()}
        errors: list[str] = []
        lock = threading.Lock()

        def work() -> None:
            with httpx2.Client(base_url=base, headers=auth, timeout=60) as client:
                while True:
                    with lock:
                        body = next(batches, None)
                    if body is None:
                        return
                    response = client.post(
                        "/v1/batch", content=body, headers={"Content-Type": "application/json"}
                    )
                    if response.status_code != 200 or response.json()["accepted"] != 100:
                        errors.append(response.text[:200])

        threads = [threading.Thread(target=work) for _ in range(clients)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
        if errors:
            raise RuntimeError(f"{len(errors)} calls failed, e.g. {errors[0]}")
        return count / elapsed
    finally:
        server.terminate()
        server.wait(timeout=30)


def _batches(count: int, customers: int) -> Iterator[bytes]:
    stream = messages(count, customers, seed=2)
    while chunk := [message for _, message in zip(range(100), stream, strict=False)]:
        yield orjson.dumps({"batch": chunk})


def bench_bare(url: str, file: Path) -> float:
    """The same rows, already parsed, loaded with the driver's bulk path into a bare table."""
    rows: list[tuple[Any, ...]] = []
    received = datetime.now(UTC)
    for line in file.open("rb"):
        message = orjson.loads(line)
        rows.append(
            (
                1,
                message["messageId"],
                "track",
                message["event"],
                1,
                None,
                datetime.fromisoformat(message["timestamp"]),
                received,
                orjson.dumps(message["properties"]).decode(),
                orjson.dumps(message["context"]).decode() if "context" in message else None,
            )
        )
    database = Database(url)
    sqlite = database.dialect == "sqlite"
    json_type = "TEXT" if sqlite else "JSONB"
    stamp = "TEXT" if sqlite else "TIMESTAMPTZ"
    ddl = (
        "CREATE TABLE bare_events (source_id INTEGER, message_id VARCHAR(200), type VARCHAR(16), "
        f"name VARCHAR(200), identity_id INTEGER, touchpoint_id INTEGER, occurred_at {stamp}, "
        f"received_at {stamp}, properties {json_type}, context {json_type})"
    )
    if sqlite:
        rows = [(*row[:6], _text_time(row[6]), _text_time(row[7]), *row[8:]) for row in rows]
    columns = (
        "source_id, message_id, type, name, identity_id, touchpoint_id, occurred_at, "
        "received_at, properties, context"
    )
    with database.engine.connect() as connection:
        driver: Any = connection.connection.driver_connection
        if sqlite:
            driver.execute(ddl)
            started = time.perf_counter()
            driver.execute("BEGIN")
            driver.executemany(f"INSERT INTO bare_events VALUES ({', '.join('?' * 10)})", rows)
            driver.execute("COMMIT")
        else:
            with driver.cursor() as cursor:
                cursor.execute(ddl)
                driver.commit()
                started = time.perf_counter()
                with cursor.copy(f"COPY bare_events ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                driver.commit()
        elapsed = time.perf_counter() - started
    database.dispose()
    return len(rows) / elapsed


def _text_time(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _wait(base: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx2.get(base + "/openapi.json", timeout=2)
            return
        except httpx2.TransportError:
            time.sleep(0.2)
    raise RuntimeError("the server did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--http-events", type=int, default=200_000)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--server-workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get(
            "KOKEMUS_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test"
        ),
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir="var" if Path("var").is_dir() else None) as tmp:
        workdir = Path(tmp)
        file = workdir / "events.jsonl"
        write_file(file, args.events, args.customers)
        print(
            f"{args.events:,} events for {args.customers:,} customers in a JSONL file; "
            f"{args.http_events:,} more by HTTP, 100 a call, {args.clients} clients; "
            f"{os.cpu_count()} CPUs"
        )
        benches: list[tuple[str, Callable[[str], float]]] = [
            ("bare table (driver bulk load)", lambda url: bench_bare(url, file)),
            ("file import", lambda url: bench_file(url, file)),
            (
                f"HTTP /v1/batch, {args.server_workers} workers",
                lambda url: bench_http(
                    url, args.http_events, args.customers, args.clients, args.server_workers
                ),
            ),
        ]
        for backend in args.backends.split(","):
            results: dict[str, float] = {}
            for name, run in benches:
                url, drop = fresh_store(backend, args.postgres_url, workdir)
                try:
                    results[name] = run(url)
                finally:
                    drop()
            bare = results["bare table (driver bulk load)"]
            for name, rate in results.items():
                print(
                    f"{backend:<10} {name:<30} {rate:>10,.0f} events/s  "
                    f"({rate / bare:.2f} of the bare load)"
                )


if __name__ == "__main__":
    main()
