"""Group commit: what arrives while a transaction runs goes into the next one together.

Each caller's item waits in a queue; one writer thread stores all that are waiting in one
write transaction, and each caller hears back only after that transaction has committed:
nothing is acknowledged before it is stored. If the store refuses a group, its items are
stored again one by one, so only the item the store refuses fails.
"""

import logging
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Generic, TypeVar

from sqlalchemy.orm import Session

from kokemus.store.engine import Database

logger = logging.getLogger(__name__)
Item = TypeVar("Item")
Outcome = TypeVar("Outcome")


class GroupCommit(Generic[Item, Outcome]):
    def __init__(
        self,
        database: Database,
        store: Callable[[Session, list[Item]], list[Outcome]],
        *,
        size: Callable[[Item], int] = lambda _: 1,
        limit: int = 5000,
        after_commit: Callable[[list[Outcome]], None] | None = None,
        name: str = "kokemus-group-commit",
    ) -> None:
        self._database = database
        self._store_group = store
        self._size = size
        self._limit = limit
        self._after_commit = after_commit
        self._name = name
        self._queue: queue.SimpleQueue[tuple[Item, Future[Outcome]] | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._starting = threading.Lock()

    def submit(self, item: Item) -> "Future[Outcome]":
        """Queue one item; the future resolves once it is committed (or says why not)."""
        result: Future[Outcome] = Future()
        with self._starting:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
                self._thread.start()
        self._queue.put((item, result))
        return result

    def close(self) -> None:
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join()
            self._thread = None

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            group = [first]
            size = self._size(first[0])
            while size < self._limit:
                try:
                    more = self._queue.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    self._store(group)
                    return
                group.append(more)
                size += self._size(more[0])
            self._store(group)

    def _store(self, group: list[tuple[Item, Future[Outcome]]]) -> None:
        try:
            with self._database.write_transaction() as session:
                outcomes = self._store_group(session, [item for item, _ in group])
        except Exception as error:
            if len(group) == 1:
                group[0][1].set_exception(error)
                return
            for pending in group:
                self._store([pending])
            return
        if self._after_commit is not None:
            try:
                self._after_commit(outcomes)
            except Exception:  # what is committed is acknowledged all the same
                logger.exception("%s: the step after the commit failed", self._name)
        for (_, result), outcome in zip(group, outcomes, strict=True):
            result.set_result(outcome)
