"""The only place where SQLite and PostgreSQL are handled differently.

Hot paths (event intake) bypass the ORM and use each driver's own bulk path:
`executemany` in one transaction on SQLite, COPY on PostgreSQL.
"""

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.orm import Session

Row = Sequence[Any]

SQLITE_CHUNK = 500  # values per IN list: well under SQLite's parameter limit
SQLITE_VARIABLES = 30_000  # parameters per statement; SQLite allows 32,766
MANY_ROWS = 200  # from here on PostgreSQL upserts go through COPY


def name(session: Session) -> str:
    return session.get_bind().dialect.name


def run(session: Session, sql: str, parameters: Sequence[Any] = ()) -> list[Row]:
    """A small statement straight to the driver, `{p}` marking each parameter.

    For the statements every intake batch runs: through SQLAlchemy, their Python overhead
    is many times the database's work.
    """
    cursor = _driver_connection(session).cursor()
    try:
        cursor.execute(sql.format(p="%s" if name(session) == "postgresql" else "?"), parameters)
        rows: list[Row] = cursor.fetchall() if cursor.description else []
    finally:
        cursor.close()
    return rows


def take_write_lock(session: Session, lock: str = "ingest") -> None:
    """Serialise writers that read-then-write (identity resolution).

    Must be the first statement of its transaction: on SQLite it turns the transaction
    into the single writer before anything is read; on PostgreSQL it locks one row.
    """
    run(session, "UPDATE locks SET name = name WHERE name = {p}", (lock,))


def allocate_ids(session: Session, table: str, count: int) -> list[int]:
    """Reserve `count` primary keys; the caller holds the write lock."""
    if count == 0:
        return []
    if name(session) == "postgresql":
        rows = run(
            session,
            "SELECT nextval(pg_get_serial_sequence({p}, 'id')) FROM generate_series(1, {p})",
            (table, count),
        )
        return [row[0] for row in rows]
    start = highest_id(session, table)
    return list(range(start + 1, start + 1 + count))


def highest_id(session: Session, table: str) -> int:
    found: int = run(session, f"SELECT coalesce(max(id), 0) FROM {table}")[0][0]
    return found


def utc_text(value: datetime) -> str:
    """UTC as text, always with microseconds: what SQLAlchemy's SQLite DateTime writes."""
    if value.tzinfo is not UTC:
        value = value.astimezone(UTC)
    return value.replace(tzinfo=None).isoformat(" ", "microseconds")


def timestamp(session: Session, value: datetime) -> Any:
    """A datetime as the bulk paths must bind it."""
    return utc_text(value) if name(session) == "sqlite" else value


def utc_text_converter(session: Session) -> Callable[[str], str]:
    """Binds utc_text values: as they are on SQLite, marked as UTC for PostgreSQL."""
    if name(session) == "sqlite":
        return str
    return lambda value: value + "+00"


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


def insert_rows(session: Session, table: str, columns: Sequence[str], rows: Sequence[Row]) -> None:
    """Like bulk_insert, but on SQLite as a few multi-row INSERTs instead of one per row.

    For writers that share their process with a busy event loop: the driver lets go of the
    interpreter lock around every statement it runs, and taking it back can wait for the
    loop's next switch (5 ms) each time; a few statements wait a few times, not per row.
    """
    if not rows or name(session) == "postgresql":
        bulk_insert(session, table, columns, rows)
        return
    per_statement = max(1, SQLITE_VARIABLES // len(columns))
    row_marks = "(" + ", ".join("?" * len(columns)) + ")"
    driver = _driver_connection(session)
    for start in range(0, len(rows), per_statement):
        chunk = rows[start : start + per_statement]
        marks = ", ".join([row_marks] * len(chunk))
        values = [value for row in chunk for value in row]
        driver.execute(f"INSERT INTO {table} ({', '.join(columns)}) VALUES {marks}", values)


def bulk_insert_new(
    session: Session,
    table: str,
    columns: Sequence[str],
    rows: Sequence[Row],
    key: tuple[str, str],
) -> list[bool]:
    """Insert the rows whose (key[0], key[1]) pair is not stored yet, each pair once.

    Returns, per row, whether it went in. The caller holds the write lock, so nothing can
    slip in between the check and the insert; that also lets PostgreSQL take the rows
    with COPY, which cannot skip conflicts itself.
    """
    first, second = columns.index(key[0]), columns.index(key[1])
    if name(session) == "sqlite":
        return _insert_or_ignore(session, table, columns, rows, (first, second), key)
    fresh: dict[tuple[Any, Any], int] = {}
    for position, row in enumerate(rows):
        fresh.setdefault((row[first], row[second]), position)
    by_first: dict[Any, list[Any]] = {}
    for first_value, second_value in fresh:
        by_first.setdefault(first_value, []).append(second_value)
    for first_value, seconds in by_first.items():
        stored = select_matching(
            session, table, key[1], key[1], seconds, f"{key[0]} = {{p}}", (first_value,)
        )
        for (second_value,) in stored:
            fresh.pop((first_value, second_value), None)
    inserted = sorted(fresh.values())
    bulk_insert(session, table, columns, [rows[position] for position in inserted])
    flags = [False] * len(rows)
    for position in inserted:
        flags[position] = True
    return flags


def _insert_or_ignore(
    session: Session,
    table: str,
    columns: Sequence[str],
    rows: Sequence[Row],
    positions: tuple[int, int],
    key: tuple[str, str],
) -> list[bool]:
    """SQLite skips conflicts itself; which rows it took is asked only when it skipped any."""
    driver = _driver_connection(session)
    highest = highest_id(session, table)
    before = driver.total_changes
    marks = ", ".join("?" * len(columns))
    driver.executemany(
        f"INSERT OR IGNORE INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows
    )
    if driver.total_changes - before == len(rows):
        return [True] * len(rows)
    taken = set(
        run(session, f"SELECT {key[0]}, {key[1]} FROM {table} WHERE id > {{p}}", (highest,))
    )
    flags = []
    for row in rows:
        pair = (row[positions[0]], row[positions[1]])
        flags.append(pair in taken)
        taken.discard(pair)  # a pair repeated in the batch went in once, the first time
    return flags


def select_matching(
    session: Session,
    table: str,
    columns: str,
    match: str,
    values: Sequence[Any],
    where: str = "",
    fixed: Sequence[Any] = (),
) -> list[Row]:
    """SELECT `columns` FROM `table` for rows whose `match` column is one of `values`.

    `match` with `where` (conditions with `{p}` for each of `fixed`) must pick at most one
    row per value: a unique key. Straight to the driver, because SQLAlchemy's expanding IN
    costs more than the lookup itself.
    """
    if not values:
        return []
    if name(session) == "sqlite" and len(values) > SQLITE_CHUNK:
        return [
            row
            for start in range(0, len(values), SQLITE_CHUNK)
            for row in select_matching(
                session, table, columns, match, values[start : start + SQLITE_CHUNK], where, fixed
            )
        ]
    if name(session) == "postgresql":
        # One index probe per value, whatever the planner's statistics say: on a table that
        # is filling up they lag, and `= ANY(array)` or a plain join then scans every row.
        # LIMIT 1 keeps the subquery from being flattened into such a join.
        array_type = "bigint[]" if isinstance(values[0], int) else "varchar[]"
        condition = f" AND {where.format(p='%s')}" if where else ""
        statement = (
            f"SELECT found.* FROM unnest(%s::{array_type}) AS wanted(v) CROSS JOIN LATERAL "
            f"(SELECT {columns} FROM {table} WHERE {match} = wanted.v{condition} LIMIT 1) found"
        )
        parameters: tuple[Any, ...] = (list(values), *fixed)
    else:
        condition = f"{where.format(p='?')} AND " if where else ""
        marks = ", ".join("?" * len(values))
        statement = f"SELECT {columns} FROM {table} WHERE {condition}{match} IN ({marks})"
        parameters = (*fixed, *values)
    cursor = _driver_connection(session).cursor()
    try:
        cursor.execute(statement, parameters)
        rows: list[Row] = cursor.fetchall()
    finally:
        cursor.close()
    return rows


def add_to_rows(
    session: Session,
    table: str,
    keys: Sequence[str],
    counts: Sequence[str],
    rows: Sequence[Row],
) -> None:
    """Insert rows (keys then counts), or add their counts to the row already there.

    The same SQL on both stores; each key may appear only once in `rows`.
    """
    if not rows:
        return
    columns = (*keys, *counts)
    adding = ", ".join(f"{count} = {table}.{count} + excluded.{count}" for count in counts)
    if name(session) == "postgresql" and len(rows) > MANY_ROWS:
        _add_through_copy(session, table, keys, columns, adding, rows)
        return
    mark = "%s" if name(session) == "postgresql" else "?"
    row_marks = "(" + ", ".join([mark] * len(columns)) + ")"
    per_statement = max(1, SQLITE_VARIABLES // len(columns))
    cursor = _driver_connection(session).cursor()
    try:
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(columns)}) "
                f"VALUES {', '.join([row_marks] * len(chunk))} "
                f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {adding}",
                [value for row in chunk for value in row],
            )
    finally:
        cursor.close()


def _add_through_copy(
    session: Session,
    table: str,
    keys: Sequence[str],
    columns: Sequence[str],
    adding: str,
    rows: Sequence[Row],
) -> None:
    """Many rows on PostgreSQL: COPY into a scratch table, then one INSERT ... SELECT
    (a long VALUES list is planned slowly: about 10k rows/s against 60k this way)."""
    column_list = ", ".join(columns)
    scratch = f"{table}_incoming"
    run(
        session,
        f"CREATE TEMP TABLE IF NOT EXISTS {scratch} ON COMMIT DELETE ROWS AS "
        f"SELECT {column_list} FROM {table} WITH NO DATA",
    )
    bulk_insert(session, scratch, columns, rows)
    run(
        session,
        f"INSERT INTO {table} ({column_list}) SELECT {column_list} FROM {scratch} "
        f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {adding}",
    )
    run(session, f"DELETE FROM {scratch}")


def day_value(session: Session, value: date) -> Any:
    """A date as the driver must bind it: ISO text on SQLite (what SQLAlchemy writes)."""
    return value.isoformat() if name(session) == "sqlite" else value


def hour_bucket(session: Session, column: str) -> str:
    """SQL for the UTC hour a timestamp column falls in, as 'YYYY-MM-DD HH' text."""
    if name(session) == "postgresql":
        return f"to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24')"
    return f"substr({column}, 1, 13)"


def json_array_elements(session: Session, column: str, alias: str) -> str:
    """A FROM-clause item yielding each text element of a JSON array column as alias.value."""
    if name(session) == "postgresql":
        return f"jsonb_array_elements_text({column}) AS {alias}(value)"
    return f"json_each({column}) AS {alias}"


def json_text(session: Session, column: str, key: str) -> str:
    """SQL for one top-level property of a JSON object column, as text."""
    if name(session) == "postgresql":
        return f"({column} ->> '{key}')"
    return f"json_extract({column}, '$.\"{key}\"')"
