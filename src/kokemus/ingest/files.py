"""Reading event files (JSONL or CSV) into Segment-shaped messages, row by row."""

import codecs
import csv
import gzip
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import orjson

from kokemus.errors import InvalidInput
from kokemus.ingest.messages import Unparsable

FORMATS = ("jsonl", "csv")
TYPES = ("str", "int", "float", "bool", "json")


@dataclass(frozen=True, slots=True)
class FieldMapping:
    """Take the value at `source` (a CSV column or a JSON path) and put it at `target`."""

    source: str
    target: str
    type: str = "str"

    @classmethod
    def parse(cls, text: str) -> "FieldMapping":
        source, separator, target = text.partition("=")
        if not separator or not source or not target:
            raise InvalidInput("--map", f"{text!r} is not COLUMN=FIELD[:TYPE]")
        target, _, kind = target.partition(":")
        kind = kind or "str"
        if kind not in TYPES:
            raise InvalidInput("--map", f"type {kind!r} is not one of {', '.join(TYPES)}")
        return cls(source.strip(), target.strip(), kind)


@dataclass(frozen=True, slots=True)
class Row:
    number: int  # line number in the file, 1-based; the CSV header is line 1
    message: Any
    text: str


def detect_format(path: Path) -> str:
    suffixes = [suffix.lower() for suffix in path.suffixes if suffix.lower() != ".gz"]
    if suffixes and suffixes[-1] == ".csv":
        return "csv"
    if suffixes and suffixes[-1] in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    raise InvalidInput("--format", f"cannot tell the format of {path.name}; give --format")


def open_binary(path: Path) -> IO[bytes]:
    if path.suffix.lower() == ".gz":
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return path.open("rb")


class ByteCounter:
    """Iterates a binary file's lines and counts the bytes read, for a progress bar."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream
        self.consumed = 0

    def __iter__(self) -> Iterator[bytes]:
        for line in self.stream:
            self.consumed += len(line)
            yield line


def read_rows(
    lines: Iterable[bytes],
    file_format: str,
    mappings: list[FieldMapping],
    default_type: str | None = None,
    first_line: int = 1,
) -> Iterator[Row]:
    """Rows of a JSONL or CSV file; `first_line` numbers a JSONL chunk cut from a file."""
    if file_format == "csv":
        rows = _csv_rows(lines, mappings)
    else:
        rows = _jsonl_rows(lines, mappings, first_line)
    for row in rows:
        if default_type and isinstance(row.message, dict):
            row.message.setdefault("type", default_type)
        yield row


def _jsonl_rows(
    lines: Iterable[bytes], mappings: list[FieldMapping], first: int = 1
) -> Iterator[Row]:
    loads = orjson.loads
    for number, line in enumerate(lines, start=first):
        if not line.strip():
            continue
        try:
            message: Any = loads(line)
        except orjson.JSONDecodeError as error:
            yield Row(number, Unparsable(f"not valid JSON: {error}"), _text(line))
            continue
        if mappings and isinstance(message, dict):
            try:
                message = _remap_json(message, mappings)
            except InvalidInput as error:
                message = Unparsable(str(error))
        yield Row(number, message, "" if isinstance(message, dict) else _text(line))


def _csv_rows(lines: Iterable[bytes], mappings: list[FieldMapping]) -> Iterator[Row]:
    decoder = codecs.iterdecode(iter(lines), "utf-8-sig")
    reader = csv.reader(decoder)
    try:
        header = next(reader)
    except StopIteration:
        return
    targets = _csv_targets(header, mappings)
    for cells in reader:
        number = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            message: Any = Unparsable(f"has {len(cells)} cells; the header has {len(header)}")
        else:
            try:
                message = _nest(
                    (target, _convert(cell, kind, column))
                    for (target, kind, column), cell in zip(targets, cells, strict=True)
                    if cell != ""
                )
            except InvalidInput as error:
                message = Unparsable(str(error))
        yield Row(number, message, ",".join(cells))


def _csv_targets(header: list[str], mappings: list[FieldMapping]) -> list[tuple[str, str, str]]:
    by_column = {mapping.source: mapping for mapping in mappings}
    missing = [mapping.source for mapping in mappings if mapping.source not in header]
    if missing:
        raise InvalidInput("--map", f"no column named {', '.join(map(repr, missing))} in the file")
    targets = []
    for column in header:
        mapping = by_column.get(column)
        targets.append(
            (mapping.target, mapping.type, column) if mapping else (column, "str", column)
        )
    return targets


def _convert(value: str, kind: str, column: str) -> Any:
    try:
        if kind == "int":
            return int(value)
        if kind == "float":
            return float(value.replace(",", "."))
        if kind == "bool":
            lowered = value.strip().lower()
            if lowered not in ("true", "false", "1", "0", "yes", "no"):
                raise ValueError(value)
            return lowered in ("true", "1", "yes")
        if kind == "json":
            return orjson.loads(value)
    except (ValueError, orjson.JSONDecodeError):
        raise InvalidInput(column, f"{value[:40]!r} is not {kind}") from None
    return value


def _nest(pairs: Any) -> dict[str, Any]:
    message: dict[str, Any] = {}
    for path, value in pairs:
        _put(message, path, value)
    return message


def _put(message: dict[str, Any], path: str, value: Any) -> None:
    *parents, leaf = path.split(".")
    holder = message
    for part in parents:
        child = holder.setdefault(part, {})
        if not isinstance(child, dict):
            raise InvalidInput(path, f"{part!r} is both a value and an object")
        holder = child
    holder[leaf] = value


def _remap_json(message: dict[str, Any], mappings: list[FieldMapping]) -> dict[str, Any]:
    for mapping in mappings:
        value = _pop(message, mapping.source)
        if value is not None:
            if isinstance(value, str) and mapping.type != "str":
                value = _convert(value, mapping.type, mapping.source)
            _put(message, mapping.target, value)
    return message


def _pop(message: dict[str, Any], path: str) -> Any:
    *parents, leaf = path.split(".")
    holder: Any = message
    for part in parents:
        holder = holder.get(part) if isinstance(holder, dict) else None
    return holder.pop(leaf, None) if isinstance(holder, dict) else None


def _text(line: bytes) -> str:
    return line.decode("utf-8", errors="replace").rstrip("\r\n")
