import csv
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import click
import orjson

from kokemus.text.analysis import Analyzer, TextAnalysis
from kokemus.text.language import DEFAULT_LANGUAGES
from kokemus.text.model import (
    DEFAULT_MODEL_DIR,
    Rating,
    TrainingError,
    label_from_rating,
    train_model,
)

BATCH = 256


class InputError(click.ClickException):
    pass


@click.group("text")
def text_group() -> None:
    """Analyse free text: language, PII, sentiment, emotions, themes."""


@text_group.command("analyze")
@click.argument("file", type=click.File("r", encoding="utf-8"), default="-")
@click.option(
    "--languages", default=",".join(DEFAULT_LANGUAGES), show_default=True, help="Comma-separated."
)
@click.option(
    "--model",
    "model_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A model from `kokemus text train`; default: the lexicon alone.",
)
@click.option(
    "--taxonomy",
    "taxonomy_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A themes YAML file; default: the shipped taxonomy.",
)
@click.option("--sentences/--no-sentences", default=False, help="Add per-sentence results.")
def analyze_command(
    file: IO[str],
    languages: str,
    model_path: Path | None,
    taxonomy_path: Path | None,
    sentences: bool,
) -> None:
    """Analyse plain lines or JSONL (field `text`, optional `lang`) from FILE or stdin.

    Writes one JSON object per input line. A bad line is reported on stderr with its
    number and the rest go on; the exit status is then 1.
    """
    analyzer = _analyzer(languages, model_path, taxonomy_path)
    failures = 0
    batch: list[tuple[str, str | None, Any]] = []
    for number, parsed in _read_inputs(file):
        if isinstance(parsed, InputError):
            click.echo(f"line {number}: {parsed.message}", err=True)
            failures += 1
            continue
        batch.append(parsed)
        if len(batch) >= BATCH:
            _write_batch(analyzer, batch, sentences)
            batch = []
    _write_batch(analyzer, batch, sentences)
    if failures:
        raise SystemExit(1)


@text_group.command("train")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=DEFAULT_MODEL_DIR / "sentiment.npz",
    show_default=True,
)
@click.option(
    "--scale",
    type=click.Choice(["5", "10"]),
    default="5",
    show_default=True,
    help="Rating scale: 1-5 stars or 0-10 NPS.",
)
@click.option(
    "--languages", default=",".join(DEFAULT_LANGUAGES), show_default=True, help="Comma-separated."
)
@click.option("--name", default="kokemus-domain", show_default=True, help="Model name.")
def train_command(file: Path, out: Path, scale: str, languages: str, name: str) -> None:
    """Fit a domain sentiment model on rated comments.

    FILE is JSONL or CSV (by its name) with `text`, `rating` (or `label`: negative,
    neutral, positive, mixed) and optional `lang`.
    """
    try:
        rows = list(_training_rows(file))
        model = train_model(rows, scale=int(scale), languages=_languages(languages), name=name)
    except TrainingError as error:
        raise click.ClickException(str(error)) from error
    model.save(out)
    counts = Counter(label_from_rating(rating, int(scale)) for _, rating, _ in rows)
    summary = ", ".join(f"{label} {count}" for label, count in sorted(counts.items()))
    click.echo(f"trained {model.name} {model.version} on {model.trained_on} comments ({summary})")
    click.echo(f"blend weight against the lexicon, cross-validated: {model.weight:.1f}")
    click.echo(f"wrote {out}")


def _analyzer(languages: str, model_path: Path | None, taxonomy_path: Path | None) -> Analyzer:
    try:
        return Analyzer.from_files(
            languages=_languages(languages), taxonomy=taxonomy_path, model=model_path
        )
    except (OSError, ValueError) as error:
        raise click.ClickException(str(error)) from error


def _languages(value: str) -> tuple[str, ...]:
    codes = tuple(code.strip().lower() for code in value.split(",") if code.strip())
    if not codes:
        raise click.BadParameter("name at least one language", param_hint="--languages")
    return codes


def _read_inputs(
    file: IO[str],
) -> Iterator[tuple[int, tuple[str, str | None, Any] | InputError]]:
    for number, line in enumerate(file, start=1):
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("{"):
            yield number, (stripped, None, None)
            continue
        try:
            record = orjson.loads(stripped)
        except orjson.JSONDecodeError as error:
            yield number, InputError(f"not valid JSON: {error}")
            continue
        text = record.get("text") if isinstance(record, dict) else None
        if not isinstance(text, str):
            yield number, InputError("field `text`: expected a string")
            continue
        lang = record.get("lang")
        yield number, (text, lang if isinstance(lang, str) else None, record.get("id"))


def _write_batch(
    analyzer: Analyzer, batch: list[tuple[str, str | None, Any]], sentences: bool
) -> None:
    if not batch:
        return
    results = analyzer.analyze_many([text for text, _, _ in batch], [lang for _, lang, _ in batch])
    out = sys.stdout.buffer
    for (_, _, record_id), result in zip(batch, results, strict=True):
        out.write(orjson.dumps(_output(result, record_id, sentences)) + b"\n")
    out.flush()


def _output(result: TextAnalysis, record_id: Any, sentences: bool) -> dict[str, Any]:
    exclude = None if sentences else {"sentences"}
    payload = result.model_dump(exclude=exclude)
    return {"id": record_id, **payload} if record_id is not None else payload


def _training_rows(path: Path) -> Iterator[tuple[str, Rating, str | None]]:
    if path.suffix.lower() == ".csv":
        yield from _csv_rows(path)
    else:
        yield from _jsonl_rows(path)


def _jsonl_rows(path: Path) -> Iterator[tuple[str, Rating, str | None]]:
    with path.open(encoding="utf-8") as file:
        for number, line in enumerate(file, start=1):
            if not line.strip():
                continue
            try:
                record = orjson.loads(line)
            except orjson.JSONDecodeError as error:
                raise TrainingError(f"{path}, line {number}: not valid JSON: {error}") from error
            yield _training_row(record, f"{path}, line {number}")


def _csv_rows(path: Path) -> Iterator[tuple[str, Rating, str | None]]:
    with path.open(encoding="utf-8", newline="") as file:
        for number, record in enumerate(csv.DictReader(file), start=2):
            yield _training_row(record, f"{path}, row {number}")


def _training_row(record: Any, where: str) -> tuple[str, Rating, str | None]:
    if not isinstance(record, dict):
        raise TrainingError(f"{where}: expected an object")
    text = record.get("text")
    if not isinstance(text, str):
        raise TrainingError(f"{where}: field `text`: expected a string")
    rating = record.get("label") or record.get("rating")
    if rating is None or rating == "":
        raise TrainingError(f"{where}: field `rating` (or `label`) is missing")
    if not isinstance(rating, int | float | str):
        raise TrainingError(f"{where}: field `rating`: expected a number or a label")
    lang = record.get("lang") or None
    return text, rating, lang if isinstance(lang, str) else None
