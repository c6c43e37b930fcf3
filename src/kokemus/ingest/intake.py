"""Entry points that own their transactions: one per batch, so accepted rows stay."""

from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any

from kokemus.ingest.messages import ParseOptions
from kokemus.ingest.service import IngestReport, ingest
from kokemus.store import Database


def store_batch(
    database: Database, raws: Iterable[tuple[int, Any]], options: ParseOptions
) -> IngestReport:
    with database.transaction() as session:
        return ingest(session, raws, options)


def store_stream(
    database: Database,
    raws: Iterable[tuple[int, Any]],
    options: ParseOptions,
    batch_size: int = 5000,
) -> Iterator[IngestReport]:
    """Store a long stream batch by batch, committing each; yields each batch's report."""
    iterator = iter(raws)
    while batch := list(islice(iterator, batch_size)):
        yield store_batch(database, batch, options)
