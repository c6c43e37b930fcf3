"""The only place where SQLite and PostgreSQL are handled differently.

Hot paths (event intake) bypass the ORM and use each driver's own bulk path:
`executemany` in one transaction on SQLite, COPY on PostgreSQL.
"""

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

Row = Sequence[Any]


def name(session: Session) -> str:
    return session.get_bind().dialect.name


def take_write_lock(session: Session, lock: str = "ingest") -> None:
    """Serialise writers that read-then-write (identity resolution).

    Must be the first statement of its transaction: on SQLite it turns the transaction
    into the single writer before anything is read; on PostgreSQL it locks one row.
    """
    session.execute(text("UPDATE locks SET name = name WHERE name = :lock"), {"lock": lock})


def allocate_ids(session: Session, table: str, count: int) -> list[int]:
    """Reserve `count` primary keys; the caller holds the write lock."""
    if count == 0:
        return []
    if name(session) == "postgresql":
        rows = session.execute(
            text(
                "SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :n)"
            ),
            {"table": table, "n": count},
        )
        return [row[0] for row in rows]
    start = session.execute(text(f"SELECT coalesce(max(id), 0) FROM {table}")).scalar_one()
    return list(range(start + 1, start + 1 + count))


def timestamp(session: Session, value: datetime) -> Any:
    """A datetime as the bulk paths must bind it (SQLite keeps naive UTC text)."""
    if name(session) == "sqlite":
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    return value


def timestamp_converter(session: Session) -> Any:
    if name(session) == "sqlite":
        return lambda value: value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    return lambda value: value


def _driver_connection(session: Session) -> Any:
    return session.connection().connection.driver_connection


def bulk_insert(session: Session, table: str, columns: Sequence[str], rows: Sequence[Row]) -> None:
    if not rows:
        return
    driver = _driver_connection(session)
    column_list = ", ".join(columns)
    if name(session) == "postgresql":
        with (
            driver.cursor() as cursor,
            cursor.copy(f"COPY {table} ({column_list}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join("?" * len(columns))
    driver.executemany(f"INSERT INTO {table} ({column_list}) VALUES ({marks})", rows)


def bulk_insert_new(
    session: Session,
    table: str,
    columns: Sequence[str],
    rows: Sequence[Row],
    conflict: Sequence[str],
) -> int:
    """Insert rows, skipping those that collide on `conflict`; returns how many went in."""
    if not rows:
        return 0
    driver = _driver_connection(session)
    column_list = ", ".join(columns)
    if name(session) == "postgresql":
        staging = f"staging_{table}"
        with driver.cursor() as cursor:
            cursor.execute(
                f"CREATE TEMP TABLE IF NOT EXISTS {staging} "
                f"AS SELECT {column_list} FROM {table} WITH NO DATA"
            )
            cursor.execute(f"TRUNCATE {staging}")
            with cursor.copy(f"COPY {staging} ({column_list}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            cursor.execute(
                f"INSERT INTO {table} ({column_list}) SELECT {column_list} FROM {staging} "
                f"ON CONFLICT ({', '.join(conflict)}) DO NOTHING"
            )
            inserted: int = cursor.rowcount
        return inserted
    marks = ", ".join("?" * len(columns))
    before = driver.total_changes
    driver.executemany(f"INSERT OR IGNORE INTO {table} ({column_list}) VALUES ({marks})", rows)
    changed: int = driver.total_changes - before
    return changed
