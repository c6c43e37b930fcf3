import sys
from datetime import UTC, datetime
from pathlib import Path

import click
import orjson

from kokemus.cli.context import AppContext, pass_app
from kokemus.errors import InvalidInput
from kokemus.ingest.files import FORMATS, FieldMapping, detect_format
from kokemus.ingest.importer import ImportSpec, import_file
from kokemus.ingest.messages import ParseOptions, Rejection
from kokemus.ingest.models import MESSAGE_TYPES
from kokemus.ingest.sources import source_ids_by_name


@click.group("import")
def group() -> None:
    """Bring data in from files."""


@group.command("events")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--source", "source_name", help="Source of rows that name none (a `source` field overrides)."
)
@click.option(
    "--format", "file_format", type=click.Choice(FORMATS), help="Default: from the file name."
)
@click.option(
    "--map",
    "mappings",
    multiple=True,
    metavar="COLUMN=FIELD[:TYPE]",
    help="Read COLUMN into a message field, e.g. Email=context.traits.email or "
    "Total=properties.total:float.",
)
@click.option(
    "--type",
    "default_type",
    type=click.Choice(MESSAGE_TYPES),
    help="Type of rows that name none (CSV exports rarely have a type column).",
)
@click.option("--batch-size", default=5000, show_default=True, type=click.IntRange(1, 100_000))
@click.option("--progress/--no-progress", default=None, help="Default: when stderr is a terminal.")
@pass_app
def import_events(
    app: AppContext,
    file: Path,
    source_name: str | None,
    file_format: str | None,
    mappings: tuple[str, ...],
    default_type: str | None,
    batch_size: int,
    progress: bool | None,
) -> None:
    """Import events from a JSONL or CSV file (optionally .gz) of Segment-shaped messages.

    Exits 0 when every row was stored (or already was), 1 when some were rejected; those are
    written with their reasons to FILE.rejects.jsonl.
    """
    try:
        parsed_mappings = [FieldMapping.parse(text) for text in mappings]
        file_format = file_format or detect_format(file)
    except InvalidInput as error:
        raise click.UsageError(str(error)) from None
    with app.database.transaction() as session:
        sources = source_ids_by_name(session)
    if source_name is not None and source_name not in sources:
        raise click.BadParameter(f"no source named {source_name!r}", param_hint="--source")

    options = ParseOptions(
        sources=sources,
        default_source_id=sources[source_name] if source_name else None,
        received_at=datetime.now(UTC),
        phone_region=app.settings.default_phone_region,
        max_message_bytes=app.settings.max_message_bytes,
    )
    rejects_path = file.with_name(file.name + ".rejects.jsonl")
    rejects_path.unlink(missing_ok=True)
    spec = ImportSpec(file, file_format, options, parsed_mappings, default_type, batch_size)
    show_progress = sys.stderr.isatty() if progress is None else progress
    with click.progressbar(
        length=file.stat().st_size, label="Importing", file=sys.stderr, hidden=not show_progress
    ) as bar:
        try:
            total = import_file(
                app.database,
                spec,
                on_rejects=lambda rejects: _write_rejects(rejects_path, rejects),
                on_progress=lambda consumed: bar.update(consumed - bar.pos),
            )
        except InvalidInput as error:
            raise click.UsageError(str(error)) from None

    click.echo(
        f"{total.accepted} stored, {total.duplicates} already stored, "
        f"{len(total.rejected)} rejected; {total.customers_created} new customers, "
        f"{total.merges} merges."
    )
    if total.rejected:
        click.echo(f"Rejected rows and reasons: {rejects_path}", err=True)
        raise SystemExit(1)


def _write_rejects(path: Path, rejects: list[tuple[Rejection, str]]) -> None:
    with path.open("ab") as out:
        for rejection, original in rejects:
            line = {
                "row": rejection.index,
                "field": rejection.field,
                "error": rejection.error,
                "input": original,
            }
            out.write(orjson.dumps(line) + b"\n")
