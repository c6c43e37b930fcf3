from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from kokemus.cli.main import cli
from kokemus.store import Database
from kokemus.surveys.definition import load_definition_text
from tests.conftest import SHARED
from tests.factories import load_default_journey

QUALTRICS = SHARED / "reference" / "qualtrics"
needs_reference = pytest.mark.skipif(
    not QUALTRICS.is_dir(), reason="../shared/reference/qualtrics is not present"
)


def run(database_url: str, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--database-url", database_url, *args], catch_exceptions=False)


def test_a_template_is_created_published_shown_and_exported(
    database_url: str, database: Database, tmp_path: Path
) -> None:
    load_default_journey(database)
    assert run(database_url, "surveys", "create", "--template", "store-visit").exit_code == 0
    published = run(database_url, "surveys", "publish", "store-visit")
    assert published.exit_code == 0
    assert "Published store-visit version 1." in published.output
    listed = run(database_url, "surveys", "list").output.splitlines()
    assert listed[1].split("\t")[1:5] == ["store-visit", "customer", "published", "1"]
    shown = run(database_url, "surveys", "show", "store-visit").output
    assert "languages: fi, sv, en" in shown
    assert "greeted\tsingle_choice" in shown

    exported = tmp_path / "visit.yaml"
    assert (
        run(database_url, "surveys", "export", "store-visit", "--out", str(exported)).exit_code == 0
    )
    assert load_definition_text(exported.read_text()).key == "store-visit"
    again = run(database_url, "surveys", "create", str(exported), "--key", "store-visit-2")
    assert again.exit_code == 0
    assert "(store-visit-2)" in again.output
    duplicate = CliRunner().invoke(
        cli, ["--database-url", database_url, "surveys", "create", str(exported)]
    )
    assert duplicate.exit_code == 1
    assert "exists already" in duplicate.output


def test_publishing_a_survey_with_a_missing_translation_fails_naming_it(
    database_url: str, tmp_path: Path
) -> None:
    draft = tmp_path / "draft.yaml"
    draft.write_text(
        "key: half\nlanguages: [fi, sv]\ntitle: {fi: Puoli}\n"
        "questions: [{key: q, type: rating, text: {fi: Tähdet, sv: Stjärnor}}]\n"
    )
    assert run(database_url, "surveys", "create", str(draft)).exit_code == 0
    refused = CliRunner().invoke(
        cli, ["--database-url", database_url, "surveys", "publish", "half"]
    )
    assert refused.exit_code == 1
    assert "title: no sv translation" in refused.output


@needs_reference
@pytest.mark.parametrize("path", sorted(QUALTRICS.glob("*.qsf")), ids=lambda path: path.name)
def test_every_reference_qualtrics_file_imports(database_url: str, path: Path) -> None:
    imported = CliRunner().invoke(
        cli, ["--database-url", database_url, "surveys", "import-qsf", str(path)]
    )
    assert imported.exit_code == 0, imported.output
    assert "Imported " in imported.output
    assert "as draft survey 1" in imported.output


@needs_reference
def test_qsf_import_says_what_it_skipped_and_why(database_url: str) -> None:
    imported = CliRunner().invoke(
        cli,
        [
            "--database-url",
            database_url,
            "surveys",
            "import-qsf",
            str(QUALTRICS / "sp_libsp_test_survey.qsf"),
        ],
    )
    assert "Skipped QID" in imported.output
    assert "Timing/PageTimer" in imported.output


def test_qr_codes_are_written(database_url: str, database: Database, tmp_path: Path) -> None:
    load_default_journey(database)
    run(database_url, "surveys", "create", "--template", "post-delivery")
    run(database_url, "surveys", "publish", "post-delivery")
    png = tmp_path / "note.png"
    wrote = run(
        database_url,
        "surveys",
        "qr",
        "post-delivery",
        "--touchpoint",
        "home-delivery",
        "--format",
        "png",
        "--out",
        str(png),
    )
    assert wrote.exit_code == 0
    assert png.read_bytes().startswith(b"\x89PNG")
    assert "via=qr&tp=home-delivery" in wrote.output
    svg = run(database_url, "surveys", "qr", "post-delivery", "--touchpoint", "home-delivery")
    assert svg.output.startswith("<?xml")
    unknown = CliRunner().invoke(
        cli,
        ["--database-url", database_url, "surveys", "qr", "post-delivery", "--touchpoint", "moon"],
    )
    assert unknown.exit_code == 2
    assert "'moon' is not a touchpoint" in unknown.output
    assert 'data-survey="' in run(database_url, "surveys", "widget", "post-delivery").output


def test_responses_export_as_csv(database_url: str, database: Database) -> None:
    load_default_journey(database)
    run(database_url, "surveys", "create", "--template", "relational-nps")
    run(database_url, "surveys", "publish", "relational-nps")
    exported = run(database_url, "surveys", "export", "relational-nps", "--format", "csv")
    assert exported.output.lstrip("\ufeff").startswith("response_id,submitted_at,")


def test_triggers_from_the_cli(database_url: str, database: Database) -> None:
    load_default_journey(database)
    run(database_url, "surveys", "create", "--template", "post-delivery")
    run(database_url, "surveys", "publish", "post-delivery")
    added = run(
        database_url,
        "surveys",
        "triggers",
        "add",
        "post-delivery",
        "--event",
        "Order Delivered",
        "--delay",
        "2h",
        "--sample",
        "25",
        "--quiet-hours",
        "22:00-07:30",
    )
    assert added.exit_code == 0
    assert (
        "event 'Order Delivered', after 120 min, 25% sampled, fatigue 30 d, quiet 22:00-07:30"
        in added.output
    )
    listed = run(database_url, "surveys", "triggers", "list")
    assert "\tactive\t" in listed.output
    assert run(database_url, "surveys", "triggers", "disable", "1").exit_code == 0
    assert "\tdisabled\t" in run(database_url, "surveys", "triggers", "list").output
    bad = CliRunner().invoke(
        cli,
        [
            "--database-url",
            database_url,
            "surveys",
            "triggers",
            "add",
            "post-delivery",
            "--event",
            "X",
            "--delay",
            "soon",
        ],
    )
    assert bad.exit_code == 2
    assert "30m, 2h or 1d" in bad.output
    workday = CliRunner().invoke(
        cli,
        ["--database-url", database_url, "surveys", "create", "--template", "five-star-workday"],
    )
    assert workday.exit_code == 0
    refused = CliRunner().invoke(
        cli,
        [
            "--database-url",
            database_url,
            "surveys",
            "triggers",
            "add",
            "five-star-workday",
            "--event",
            "X",
        ],
    )
    assert refused.exit_code == 1
    assert "not sent on customer events" in refused.output
    sent = run(database_url, "surveys", "triggers", "send-due")
    assert sent.output.startswith("sent 0, reminded 0")
