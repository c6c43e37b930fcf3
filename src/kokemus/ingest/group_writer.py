"""Group commit for intake: batches that arrive together are stored together.

Each HTTP call brings a small batch; storing it alone costs a transaction, the write lock
and a dozen round trips for a hundred events. Calls that arrive while a transaction runs
queue here and go into the next one together, and each caller gets its own report after
that transaction has committed: nothing is acknowledged before it is stored.
"""

import queue
import threading
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import datetime

from kokemus.ingest.messages import Message, Rejection
from kokemus.ingest.service import IngestReport, store_batches
from kokemus.store import Database
from kokemus.surveys.triggers import invite_for_new_events

MAX_EVENTS_PER_TRANSACTION = 5000


@dataclass
class _Pending:
    messages: list[Message]
    rejected: list[Rejection]
    received_at: datetime
    result: Future[IngestReport] = field(default_factory=Future)


class GroupWriter:
    def __init__(self, database: Database, max_events: int = MAX_EVENTS_PER_TRANSACTION) -> None:
        self._database = database
        self._max_events = max_events
        self._queue: queue.SimpleQueue[_Pending | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._starting = threading.Lock()

    def store(
        self, messages: list[Message], rejected: list[Rejection], received_at: datetime
    ) -> IngestReport:
        """Store one caller's batch; returns once it is committed (or raises why not)."""
        pending = _Pending(messages, rejected, received_at)
        self._ensure_running()
        self._queue.put(pending)
        return pending.result.result()

    def close(self) -> None:
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join()
            self._thread = None

    def _ensure_running(self) -> None:
        with self._starting:
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="kokemus-group-writer", daemon=True
                )
                self._thread.start()

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            group = [first]
            size = len(first.messages)
            stop = False
            while size < self._max_events:
                try:
                    more = self._queue.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    stop = True
                    break
                group.append(more)
                size += len(more.messages)
            self._store(group)
            if stop:
                return

    def _store(self, group: list[_Pending]) -> None:
        try:
            with self._database.write_transaction() as session:
                reports, _ = store_batches(
                    session,
                    [(pending.messages, pending.rejected) for pending in group],
                    group[0].received_at,
                )
        except Exception as error:
            if len(group) == 1:
                group[0].result.set_exception(error)
                return
            # One batch may carry what the store refuses: retry them one by one, so it
            # fails alone and the others are stored.
            for pending in group:
                self._store([pending])
            return
        # In a transaction of its own, after the events are committed; before the callers
        # hear back, so an invitation exists once its event is acknowledged.
        invite_for_new_events(self._database, reports[0].new_events)
        for pending, report in zip(group, reports, strict=True):
            pending.result.set_result(report)
