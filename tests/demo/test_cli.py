from click.testing import CliRunner, Result

from kokemus.cli.main import cli


def run(database_url: str, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--database-url", database_url, *args], catch_exceptions=False)


def test_kokemus_demo_builds_once_and_then_refuses(database_url: str) -> None:
    built = run(database_url, "demo", "--customers", "120", "--end", "2026-06-30")
    assert built.exit_code == 0, built.output
    assert "Built the demo company Kaari Oy: 2025-07-01 to 2026-06-30, seed 2026" in built.output
    assert "customers" in built.output
    assert "texts analysed" in built.output
    again = run(database_url, "demo", "--customers", "120", "--end", "2026-06-30")
    assert again.exit_code == 1
    assert "already holds data" in again.output


def test_the_end_must_be_a_date(database_url: str) -> None:
    refused = run(database_url, "demo", "--end", "June")
    assert refused.exit_code == 2
    assert "--end" in refused.output
