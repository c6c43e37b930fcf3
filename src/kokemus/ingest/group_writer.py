"""Group commit for intake: batches that arrive together are stored together.

Each HTTP call brings a small batch; storing it alone costs a transaction, the write lock
and a dozen round trips for a hundred events. Calls that arrive while a transaction runs
go into the next one together (see store.group_commit).
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from kokemus.ingest.messages import Message, Rejection
from kokemus.ingest.service import IngestReport, store_batches
from kokemus.store import Database
from kokemus.store.group_commit import GroupCommit
from kokemus.surveys.triggers import invite_for_new_events

MAX_EVENTS_PER_TRANSACTION = 5000


@dataclass
class _Batch:
    messages: list[Message]
    rejected: list[Rejection]
    received_at: datetime


class GroupWriter:
    def __init__(self, database: Database, max_events: int = MAX_EVENTS_PER_TRANSACTION) -> None:
        self._database = database
        self._group: GroupCommit[_Batch, IngestReport] = GroupCommit(
            database,
            _store,
            size=lambda batch: len(batch.messages),
            limit=max_events,
            after_commit=self._invite,
            name="kokemus-group-writer",
        )

    def store(
        self, messages: list[Message], rejected: list[Rejection], received_at: datetime
    ) -> IngestReport:
        """Store one caller's batch; returns once it is committed (or raises why not)."""
        return self._group.submit(_Batch(messages, rejected, received_at)).result()

    def close(self) -> None:
        self._group.close()

    def _invite(self, reports: list[IngestReport]) -> None:
        # In a transaction of its own, after the events are committed; before the callers
        # hear back, so an invitation exists once its event is acknowledged.
        invite_for_new_events(self._database, reports[0].new_events)


def _store(session: Session, batches: list[_Batch]) -> list[IngestReport]:
    reports, _ = store_batches(
        session,
        [(batch.messages, batch.rejected) for batch in batches],
        batches[0].received_at,
    )
    return reports
