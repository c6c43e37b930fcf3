import fcntl
import os
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker


def _prepare_sqlite(engine: Engine) -> None:
    # pysqlite's own transaction handling starts transactions lazily and skips SELECTs;
    # take control so every SQLAlchemy transaction is a real BEGIN (SQLAlchemy's recipe).
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA cache_size=-131072")
        cursor.execute("PRAGMA temp_store=MEMORY")
        # Checkpoint every ~200 MB of WAL rather than every 4 MB: intake rewrites the same
        # index pages many times, and each checkpoint costs an fsync.
        cursor.execute("PRAGMA wal_autocheckpoint=50000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN")


def make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        _prepare_sqlite(engine)
        return engine
    if parsed.get_backend_name() == "postgresql" and parsed.get_driver_name() != "psycopg":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return create_engine(parsed, pool_pre_ping=True, pool_size=10, max_overflow=10)


class WriterTurns:
    """Writers to one SQLite file take turns here, across threads and processes.

    SQLite admits one writer at a time, and a writer that finds the file locked retries
    after growing sleeps (1, 2, 5, 10... ms); waiting on a lock file instead hands the
    turn over the moment it is free.
    """

    def __init__(self, database: str | None) -> None:
        self._threads = threading.Lock()
        in_memory = not database or database == ":memory:"
        self._file = None if in_memory else os.open(f"{database}.writer", os.O_RDWR | os.O_CREAT)

    def __enter__(self) -> None:
        self._threads.acquire()
        if self._file is not None:
            fcntl.flock(self._file, fcntl.LOCK_EX)

    def __exit__(self, *_: object) -> None:
        if self._file is not None:
            fcntl.flock(self._file, fcntl.LOCK_UN)
        self._threads.release()

    def close(self) -> None:
        if self._file is not None:
            os.close(self._file)
            self._file = None


class Checkpoints:
    """Copies SQLite's write-ahead log into the database file every second, off the write path.

    A checkpoint otherwise runs inside whichever commit finds the log long, and that commit
    (and every writer queued behind it) waits half a second. A passive checkpoint never
    blocks writers or readers; writers keep appending while it copies.
    """

    def __init__(self, engine: Engine, interval: float = 1.0) -> None:
        self._engine = engine
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="kokemus-checkpoints", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                connection = self._engine.raw_connection()
                try:
                    connection.driver_connection.execute("PRAGMA wal_checkpoint(PASSIVE)")  # type: ignore[union-attr]
                finally:
                    connection.close()
            except Exception:  # the next one tries again; a commit checkpoints as a last resort
                continue

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)


class Database:
    """The engine and session factory for one configured store."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._writers: AbstractContextManager[Any] = (
            WriterTurns(make_url(url).database) if self.dialect == "sqlite" else nullcontext()
        )

        self._checkpoints: Checkpoints | None = None

    def start_checkpoints(self) -> None:
        """For long-running servers on a SQLite file (see Checkpoints)."""
        database = make_url(self.url).database
        if self.dialect == "sqlite" and database and database != ":memory:":
            if self._checkpoints is None:
                self._checkpoints = Checkpoints(self.engine)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: committed when the block ends, rolled back on error."""
        with self.sessions() as session, session.begin():
            yield session

    @contextmanager
    def write_transaction(self) -> Iterator[Session]:
        """A unit of work that will write: writers of this process take turns."""
        with self._writers, self.transaction() as session:
            yield session

    def dispose(self) -> None:
        if self._checkpoints is not None:
            self._checkpoints.stop()
            self._checkpoints = None
        self.engine.dispose()
        if isinstance(self._writers, WriterTurns):
            self._writers.close()
