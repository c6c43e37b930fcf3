"""A background thread that analyses free-text answers and event texts as they arrive."""

import logging
import threading

from kokemus.enrich.service import analyze_event_texts, analyze_pending
from kokemus.store import Database

logger = logging.getLogger(__name__)
POLL_SECONDS = 5.0


class TextWorker:
    """Woken when answers are stored (`notify`), and every few seconds for other processes'."""

    def __init__(self, database: Database, poll_seconds: float = POLL_SECONDS) -> None:
        self._database = database
        self._poll = poll_seconds
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def notify(self) -> None:
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="kokemus-text-worker", daemon=True
                )
                self._thread.start()
        self._wake.set()

    def close(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            # A batch in progress is not waited for long: what it has not stored is read
            # again by the next start, since only stored analyses count as done.
            self._thread.join(timeout=2)
            self._thread = None

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(self._poll)
            self._wake.clear()
            try:
                while not self._stop.is_set() and (
                    analyze_pending(self._database) + analyze_event_texts(self._database)
                ):
                    pass
            except Exception:
                logger.exception("analysing free-text answers failed; trying again later")
