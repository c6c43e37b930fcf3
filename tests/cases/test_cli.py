from pathlib import Path

import orjson
from click.testing import CliRunner, Result

from kokemus.cli.main import cli
from kokemus.store import Database
from tests.cases.helpers import event, send_events
from tests.webhooks.receiver import receiving

BAD_RULES = """
rules:
  - key: x
    name: X
    signal: event
    when: [{event: A}]
    actions: [{open_case: {reason: r, owner: moon}}]
"""
CAUSES = """
- key: carrier_handling
  names: {fi: Kuljetus, en: Carrier}
- key: weather
  names: {en: Weather}
"""


def run(database: Database, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--database-url", database.url, *args], catch_exceptions=False)


def test_the_loop_from_the_command_line(store: Database, tmp_path: Path) -> None:
    with receiving() as receiver:
        added = run(store, "webhooks", "add", "ops", receiver.url, "--format", "slack")
        assert added.output.splitlines()[-1].startswith("whsec_")
        send_events(store, event("Delivery Failed", "aino", order_id="A-7"))
        evaluated = run(store, "cases", "evaluate")
        assert "1 cases" in evaluated.output
        assert "2 webhooks" in evaluated.output  # case.opened and alert.fired
        assert len(receiver.received) == 2
    assert "ops\tslack\tactive\tall" in run(store, "webhooks", "list").output
    assert "\tdelivered\t1 tries" in run(store, "webhooks", "deliveries", "ops").output

    listed = run(store, "cases", "list").output
    assert listed.startswith("1\tnew\thigh\tcarrier\t")
    assert run(store, "cases", "transition", "1", "resolved").exit_code == 1
    steps = [
        ("cases", "assign", "1", "--owner", "logistics"),
        ("cases", "root-cause", "1", "carrier_handling", "--note", "Wrong address in the route"),
        ("cases", "contact", "1", "--channel", "email",
         "--what", "The driver had a wrong address", "--why", "A typo in the route"),
        ("cases", "note", "1", "Route list fixed"),
        ("cases", "resolve", "1", "compensation", "--amount", "15", "--currency", "eur", "--close"),
    ]  # fmt: skip
    for step in steps:
        done = run(store, *step)
        assert done.exit_code == 0, done.output
    shown = orjson.loads(run(store, "cases", "show", "1").output)
    assert (shown["status"], shown["owner_unit"]) == ("closed", "logistics")
    assert shown["resolution"]["compensation"] == {"amount": "15.00", "currency": "EUR"}
    refused = run(store, "cases", "transition", "1", "reopened")
    assert (refused.exit_code, "say why the case is reopened" in refused.output) == (1, True)
    risk = run(
        store, "cases", "claim", "1", "--amount", "900", "--currency", "EUR", "--address", "Tie 1"
    )
    assert "+15\thigh_value" in risk.output
    recovery = orjson.loads(run(store, "cases", "recovery").output)
    assert (recovery["resolved_customers"], recovery["n"]) == (1, 0)


def test_rules_and_root_causes_files(store: Database, tmp_path: Path) -> None:
    assert "damaged-delivery\tresponse\tactive" in run(store, "rules", "list").output
    stored = tmp_path / "rules.yaml"
    stored.write_text(run(store, "rules", "show").output)
    assert "loaded" in run(store, "rules", "load", str(stored)).output
    bad = tmp_path / "bad.yaml"
    bad.write_text(BAD_RULES)
    refused = run(store, "rules", "load", str(bad))
    assert refused.exit_code == 1
    assert "rules[0].actions[0].open_case.owner: no unit 'moon'" in refused.output
    assert "Rule second-contact is off." in run(store, "rules", "disable", "second-contact").output

    causes = tmp_path / "causes.yaml"
    causes.write_text(CAUSES)
    assert "2 root causes loaded." in run(store, "cases", "root-causes", "load", str(causes)).output
    assert (
        run(store, "cases", "root-causes", "list").output
        == "carrier_handling\tCarrier\nweather\tWeather\n"
    )
    assert "product_defect" in run(store, "cases", "root-causes", "show").output
