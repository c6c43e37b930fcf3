"""Entry points that own their transactions: one per batch, so accepted rows stay."""

from collections.abc import Iterable
from typing import Any

from kokemus.customers.resolution import IdentityCache
from kokemus.ingest.group_writer import GroupWriter
from kokemus.ingest.messages import ParseOptions
from kokemus.ingest.service import IngestReport, parse_all, store_messages
from kokemus.store import Database
from kokemus.surveys.triggers import invite_for_new_events


def store_batch(
    database: Database,
    raws: Iterable[tuple[int, Any]],
    options: ParseOptions,
    cache: IdentityCache | None = None,
) -> IngestReport:
    messages, rejected = parse_all(raws, options)  # before taking the write lock
    with database.write_transaction() as session:
        report = store_messages(session, messages, rejected, options.received_at, cache)
    if cache is not None:
        cache.remember(report.new_identities)
    invite_for_new_events(database, report.new_events)
    return report


def store_grouped(
    writer: GroupWriter, raws: Iterable[tuple[int, Any]], options: ParseOptions
) -> IngestReport:
    """Parse here, then store together with other callers' batches (see group_writer)."""
    messages, rejected = parse_all(raws, options)
    return writer.store(messages, rejected, options.received_at)


def store_all(
    database: Database,
    raws: Iterable[tuple[int, Any]],
    options: ParseOptions,
    batch_size: int = 5000,
) -> IngestReport:
    """Store a long stream batch by batch, each committed on its own."""
    total = IngestReport()
    cache = IdentityCache()
    batch: list[tuple[int, Any]] = []
    for item in raws:
        batch.append(item)
        if len(batch) == batch_size:
            total.add(store_batch(database, batch, options, cache))
            batch = []
    if batch:
        total.add(store_batch(database, batch, options, cache))
    return total
