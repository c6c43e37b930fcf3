"""How long `kokemus demo` takes to build the demo company into a fresh store.

Prints the seconds of each phase (wall clock, and this process's CPU: on a shared machine
the difference is time spent waiting for a core) and the rows in each table. Runs on a new
SQLite file, and also on PostgreSQL when KOKEMUS_TEST_DATABASE_URL names a server (a new
schema there, dropped afterwards). The goal: under 60 s on SQLite.

    .venv/bin/python bench/demo_build.py [--customers 20000] [--seed 2026] [--end 2026-11-30]
"""

import argparse
import os
import resource
import secrets
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from kokemus.demo.generate import CUSTOMERS, SEED, build_demo
from kokemus.store import Database
from kokemus.store.migrate import upgrade


def fresh_store(backend: str, workdir: Path) -> tuple[str, Callable[[], None]]:
    """A migrated empty store: its URL, and a function that removes it."""
    if backend == "sqlite":
        path = f"sqlite:///{workdir / 'demo.sqlite3'}"
        upgrade(Database(path).engine)
        return path, lambda: None
    server = make_url(os.environ["KOKEMUS_TEST_DATABASE_URL"]).set(drivername="postgresql+psycopg")
    schema = f"bench_demo_{secrets.token_hex(3)}"
    admin = create_engine(server)
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    in_schema = server.update_query_dict({"options": f"-csearch_path={schema}"})
    rendered = in_schema.render_as_string(hide_password=False)
    upgrade(Database(rendered).engine)

    def drop() -> None:
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()

    return rendered, drop


def bench(backend: str, customers: int, seed: int, end: date | None, workdir: Path) -> None:
    address, drop = fresh_store(backend, workdir)
    database = Database(address)
    cpu = [time.process_time()]

    def progress(phase: str, seconds: float) -> None:
        now = time.process_time()
        print(f"{backend:<10} {phase:<10} {seconds:7.1f} s   cpu {now - cpu[0]:6.1f} s", flush=True)
        cpu[0] = now

    try:
        started, own, workers = time.perf_counter(), time.process_time(), _children_cpu()
        report = build_demo(database, customers=customers, seed=seed, end=end, progress=progress)
        wall = time.perf_counter() - started
        own, workers = time.process_time() - own, _children_cpu() - workers
        print(
            f"{backend:<10} {'total':<10} {wall:7.1f} s   (goal: under 60 s; cpu: this process "
            f"{own:.1f} s, the parsing worker {workers:.1f} s)"
        )
        for table, count in report.counts.items():
            print(f"{backend:<10}   {table:<20} {count:>9,}")
    finally:
        database.dispose()
        drop()


def _children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=CUSTOMERS)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--end", type=date.fromisoformat, default=None)
    args = parser.parse_args()
    backends = ["sqlite"]
    if os.environ.get("KOKEMUS_TEST_DATABASE_URL"):
        backends.append("postgresql")
    load = os.getloadavg()[0]
    print(f"{args.customers:,} people, seed {args.seed}; {os.cpu_count()} CPUs, load {load:.1f}")
    with tempfile.TemporaryDirectory(dir="var" if Path("var").is_dir() else None) as folder:
        for backend in backends:
            bench(backend, args.customers, args.seed, args.end, Path(folder))


if __name__ == "__main__":
    main()
