import sys
from pathlib import Path
from typing import Literal, cast

import click

from kokemus.cli import triggers
from kokemus.cli.context import AppContext, domain_errors, pass_app
from kokemus.enrich.service import analyze_all
from kokemus.surveys import catalog, service
from kokemus.surveys.definition import (
    SurveyDefinition,
    dump_definition,
    load_definition_text,
    parse_definition,
)
from kokemus.surveys.export import export_responses
from kokemus.surveys.qr import qr_code, survey_link
from kokemus.surveys.qsf import import_qsf

FileArgument = click.Path(exists=True, dir_okay=False, path_type=Path)
OutOption = click.option(
    "--out", type=click.Path(dir_okay=False, path_type=Path), help="write here, not to stdout"
)


@click.group("surveys")
def group() -> None:
    """Surveys: definitions, templates, publishing, QR codes, responses, triggers."""


group.add_command(triggers.group)


@group.command("list")
@pass_app
def list_command(app: AppContext) -> None:
    """Every survey with its status and counts."""
    with app.database.transaction() as session:
        summaries = service.list_surveys(session)
    if not summaries:
        click.echo("No surveys yet: `kokemus surveys create --template post-delivery`.")
        return
    click.echo("id\tkey\tkind\tstatus\tversion\tresponses\tinvitations\ttitle")
    for s in summaries:
        click.echo(
            f"{s.id}\t{s.key}\t{s.kind}\t{s.status}\t{s.version or '-'}\t{s.responses}\t"
            f"{s.invitations}\t{s.title}"
        )


@group.command()
def templates() -> None:
    """The templates shipped with Kokemus."""
    for name in catalog.template_names():
        definition = catalog.load_template(name)
        title = definition.title.get("en") or next(iter(definition.title.values()))
        click.echo(f"{name}\t{definition.kind}\t{len(definition.questions)} questions\t{title}")


@group.command()
@click.argument("file", type=FileArgument, required=False)
@click.option("--template", "template", help="start from a shipped template instead of a file")
@click.option("--key", help="the new survey's key (default: the definition's)")
@pass_app
@domain_errors
def create(app: AppContext, file: Path | None, template: str | None, key: str | None) -> None:
    """Create a draft survey from a JSON or YAML definition, or from a template."""
    if (file is None) == (template is None):
        raise click.UsageError("give a FILE or --template NAME")
    definition = (
        catalog.load_template(template)
        if template
        else load_definition_text(Path(str(file)).read_text(encoding="utf-8"))
    )
    if key:
        definition = with_key(definition, key)
    with app.database.transaction() as session:
        survey = service.create_survey(session, definition)
    click.echo(
        f"Created draft survey {survey.id} ({survey.key}); publish it with "
        f"`kokemus surveys publish {survey.key}`."
    )


@group.command()
@click.argument("ref")
@click.argument("file", type=FileArgument)
@pass_app
@domain_errors
def update(app: AppContext, ref: str, file: Path) -> None:
    """Replace a survey's draft definition with FILE."""
    definition = load_definition_text(file.read_text(encoding="utf-8"))
    with app.database.transaction() as session:
        service.update_definition(session, service.get_survey(session, ref), definition)
    click.echo(f"Updated the draft of {ref}; publish it to make it live.")


@group.command()
@click.argument("ref")
@pass_app
@domain_errors
def show(app: AppContext, ref: str) -> None:
    """A survey's status and links."""
    with app.database.transaction() as session:
        survey = service.get_survey(session, ref)
        definition = service.draft_definition(survey)
    link = survey_link(app.settings.public_url, survey, via="link")
    click.echo(f"survey {survey.id}: {survey.key} ({survey.kind}, {survey.status})")
    click.echo(f"published version: {survey.published_version or '-'}")
    click.echo(f"languages: {', '.join(definition.languages)}")
    click.echo(f"link: {link}")
    for question in definition.questions:
        text = question.text.get(definition.languages[0], "")
        shown = f" (shown if {question.show_if.question} ...)" if question.show_if else ""
        required = " *" if question.required else ""
        click.echo(f"  {question.key}\t{question.type}{required}\t{text}{shown}")


@group.command()
@click.argument("ref")
@pass_app
@domain_errors
def publish(app: AppContext, ref: str) -> None:
    """Publish the draft; every translation must be there."""
    with app.database.transaction() as session:
        survey = service.get_survey(session, ref)
        version = service.publish(session, survey)
    click.echo(f"Published {survey.key} version {version}.")
    click.echo(f"Link: {survey_link(app.settings.public_url, survey, via='link')}")


@group.command()
@click.argument("ref")
@pass_app
@domain_errors
def close(app: AppContext, ref: str) -> None:
    """Stop taking responses."""
    with app.database.transaction() as session:
        survey = service.get_survey(session, ref)
        service.close(session, survey)
    click.echo(f"Closed {survey.key}.")


@group.command()
@click.argument("ref")
@click.option(
    "--format",
    "form",
    type=click.Choice(["yaml", "json", "csv", "xlsx"]),
    default="yaml",
    show_default=True,
    help="yaml or json: the definition; csv or xlsx: the responses",
)
@OutOption
@pass_app
@domain_errors
def export(app: AppContext, ref: str, form: str, out: Path | None) -> None:
    """Export the definition (YAML, JSON) or the complete responses (CSV, XLSX)."""
    with app.database.transaction() as session:
        survey = service.get_survey(session, ref)
        if form in ("yaml", "json"):
            text = dump_definition(
                service.draft_definition(survey), cast(Literal["yaml", "json"], form)
            )
            content = text.encode()
        else:
            definition = service.published_definition(session, survey)
            content = export_responses(
                session, survey, definition, cast(Literal["csv", "xlsx"], form)
            )
    _write(content, out, binary=form == "xlsx")


@group.command("import-qsf")
@click.argument("file", type=FileArgument)
@click.option("--key", help="the new survey's key (default: from the survey's name)")
@pass_app
@domain_errors
def import_qsf_command(app: AppContext, file: Path, key: str | None) -> None:
    """Import a Qualtrics survey (.qsf) as a draft; says what it could not map, and why."""
    imported = import_qsf(file.read_text(encoding="utf-8-sig"))
    definition = imported.definition
    if key:
        definition = with_key(definition, key)
    with app.database.transaction() as session:
        survey = service.create_survey(session, definition)
    click.echo(
        f"Imported {len(definition.questions)} questions as draft survey {survey.id} "
        f"({survey.key})."
    )
    for skipped in imported.skipped:
        click.echo(
            f"Skipped {skipped.question_id} ({skipped.export_tag}, {skipped.question_type}): "
            f"{skipped.reason}",
            err=True,
        )
    for note in imported.notes:
        click.echo(f"Note: {note}", err=True)


@group.command()
@click.argument("ref")
@click.option("--touchpoint", help="the touchpoint key the code stands at")
@click.option("--unit", help="the unit key (a store, say)")
@click.option(
    "--format", "form", type=click.Choice(["svg", "png"]), default="svg", show_default=True
)
@OutOption
@pass_app
@domain_errors
def qr(
    app: AppContext,
    ref: str,
    touchpoint: str | None,
    unit: str | None,
    form: str,
    out: Path | None,
) -> None:
    """A QR code (SVG or PNG) for the survey's anonymous link at a touchpoint."""
    with app.database.transaction() as session:
        survey = service.get_survey(session, ref)
        if touchpoint and touchpoint not in service.touchpoint_ids(session):
            raise click.BadParameter(
                f"{touchpoint!r} is not a touchpoint", param_hint="--touchpoint"
            )
        if unit and service.unit_id(session, unit) is None:
            raise click.BadParameter(f"{unit!r} is not a unit", param_hint="--unit")
    link = survey_link(app.settings.public_url, survey, touchpoint=touchpoint, unit=unit)
    _write(qr_code(link, cast(Literal["svg", "png"], form)), out, binary=form == "png")
    if out is not None:
        click.echo(f"Wrote {out} for {link}")


@group.command()
@click.argument("ref")
@click.option("--touchpoint", help="the touchpoint key of the page it is on")
@pass_app
@domain_errors
def widget(app: AppContext, ref: str, touchpoint: str | None) -> None:
    """The script tag that opens the survey on your own site."""
    with app.database.transaction() as session:
        survey = service.get_survey(session, ref)
    base = app.settings.public_url.rstrip("/")
    where = f' data-touchpoint="{touchpoint}"' if touchpoint else ""
    click.echo(
        f'<script src="{base}/static/widget.js" data-survey="{survey.public_id}"{where} async>'
        "</script>"
    )


@group.command()
@pass_app
def analyze(app: AppContext) -> None:
    """Analyse the free-text answers not analysed yet (`serve` does this as they arrive)."""
    click.echo(f"Analysed {analyze_all(app.database)} answers.")


def with_key(definition: SurveyDefinition, key: str) -> SurveyDefinition:
    return parse_definition({**definition.model_dump(mode="json", exclude_none=True), "key": key})


def _write(content: bytes, out: Path | None, *, binary: bool) -> None:
    if out is not None:
        out.write_bytes(content)
        return
    stdout = sys.stdout.buffer
    if binary and stdout.isatty():
        raise click.UsageError("this is binary: give --out FILE or redirect the output")
    stdout.write(content)
