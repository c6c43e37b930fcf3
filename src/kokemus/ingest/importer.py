"""Importing a file of events, batch by batch, each batch committed on its own.

JSONL files of some size are parsed in a second process while this one writes, so JSON
decoding and validation overlap with the store's work. CSV is read here: a quoted CSV
field may span lines, so CSV cannot be cut into chunks by line.
"""

import multiprocessing
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from functools import partial
from itertools import islice
from pathlib import Path
from typing import Any

import orjson

from kokemus.customers.resolution import IdentityCache
from kokemus.ingest.files import ByteCounter, FieldMapping, Row, open_binary, read_rows
from kokemus.ingest.messages import Message, ParseOptions, Rejection
from kokemus.ingest.service import IngestReport, parse_all, store_messages
from kokemus.store import Database

PARALLEL_FROM_BYTES = 8 * 1024 * 1024
IN_FLIGHT = 3  # chunks parsed ahead of the writer

Rejects = Callable[[list[tuple[Rejection, str]]], None]
Progress = Callable[[int], None]


@dataclass(frozen=True)
class ImportSpec:
    path: Path
    file_format: str
    options: ParseOptions
    mappings: list[FieldMapping]
    default_type: str | None = None
    batch_size: int = 5000


def import_file(
    database: Database,
    spec: ImportSpec,
    on_rejects: Rejects,
    on_progress: Progress = lambda consumed: None,
    parallel: bool | None = None,
) -> IngestReport:
    if parallel is None:
        parallel = spec.file_format == "jsonl" and spec.path.stat().st_size >= PARALLEL_FROM_BYTES
    total = IngestReport()
    cache = IdentityCache()
    with open_binary(spec.path) as stream:
        counter = ByteCounter(stream)
        batches = _parsed_in_worker(counter, spec) if parallel else _parsed_here(counter, spec)
        for messages, rejected, texts in batches:
            with database.write_transaction() as session:
                report = store_messages(
                    session, messages, rejected, spec.options.received_at, cache
                )
            cache.remember(report.new_identities)
            total.add(report)
            if report.rejected:
                on_rejects([(rejection, texts(rejection.index)) for rejection in report.rejected])
            on_progress(counter.consumed)
    return total


Parsed = tuple[list[Message], list[Rejection], Callable[[int], str]]


def _parsed_here(counter: ByteCounter, spec: ImportSpec) -> Iterator[Parsed]:
    rows = read_rows(counter, spec.file_format, spec.mappings, spec.default_type)
    while batch := list(islice(rows, spec.batch_size)):
        messages, rejected = parse_all(((row.number, row.message) for row in batch), spec.options)
        by_number = {row.number: row for row in batch}
        yield messages, rejected, partial(_row_text, by_number)


def _parsed_in_worker(counter: ByteCounter, spec: ImportSpec) -> Iterator[Parsed]:
    lines = iter(counter)
    first = 1
    pending: deque[tuple[int, list[bytes], Future[tuple[list[Any], list[Rejection]]]]] = deque()
    context = multiprocessing.get_context("spawn")  # the writer's open connections stay here
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        while True:
            while len(pending) < IN_FLIGHT:
                chunk = list(islice(lines, spec.batch_size))
                if not chunk:
                    break
                job = (spec.options, spec.mappings, spec.default_type, first, chunk)
                pending.append((first, chunk, pool.submit(_parse_chunk, job)))
                first += len(chunk)
            if not pending:
                return
            start, chunk, future = pending.popleft()
            wires, rejected = future.result()
            messages = [Message.from_wire(wire) for wire in wires]
            yield messages, rejected, partial(_line_text, chunk, start)


def _parse_chunk(
    job: tuple[ParseOptions, list[FieldMapping], str | None, int, list[bytes]],
) -> tuple[list[tuple[Any, ...]], list[Rejection]]:
    options, mappings, default_type, first, chunk = job
    rows = read_rows(chunk, "jsonl", mappings, default_type, first)
    messages, rejected = parse_all(((row.number, row.message) for row in rows), options)
    return [message.to_wire() for message in messages], rejected


def _row_text(rows: dict[int, Row], number: int) -> str:
    row = rows[number]
    return row.text or orjson.dumps(row.message).decode()


def _line_text(chunk: list[bytes], first: int, number: int) -> str:
    return chunk[number - first].decode("utf-8", errors="replace").rstrip("\r\n")
