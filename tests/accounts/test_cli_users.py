from click.testing import CliRunner, Result
from sqlalchemy import select

from kokemus.accounts import passwords
from kokemus.accounts.models import User
from kokemus.cli.main import cli
from kokemus.store import Database
from tests.factories import load_default_journey

SECRET = "a long cli passphrase"


def run(database_url: str, *args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(
        cli, ["--database-url", database_url, *args], input=stdin, catch_exceptions=False
    )


def test_create_admin_asks_twice_and_prints_no_secret(
    database_url: str, database: Database
) -> None:
    asked = run(
        database_url,
        "users",
        "create-admin",
        "Root@Example.com",
        "--name",
        "Root",
        stdin=f"{SECRET}\n{SECRET}\n",
    )
    assert asked.exit_code == 0, asked.output
    assert "Created admin root@example.com." in asked.output
    assert SECRET not in asked.output
    with database.transaction() as session:
        user = session.scalars(select(User)).one()
        assert (user.email, user.display_name, user.role) == ("root@example.com", "Root", "admin")
        assert passwords.verify(user.password_hash, SECRET)

    mismatch = run(
        database_url,
        "users",
        "create-admin",
        "two@example.com",
        stdin=f"{SECRET}\nsomething else entirely\n{SECRET}\n{SECRET}\n",
    )
    assert mismatch.exit_code == 0
    assert "do not match" in mismatch.output


def test_users_are_created_listed_disabled_and_given_passwords(
    database_url: str, database: Database
) -> None:
    load_default_journey(database)
    created = run(
        database_url,
        "users",
        "create",
        "kuski@carrier.example",
        "--role",
        "partner",
        "--unit",
        "carrier",
        "--language",
        "sv",
        "--password-stdin",
        stdin=SECRET,
    )
    assert created.exit_code == 0, created.output
    analyst = run(
        database_url,
        "users",
        "create",
        "a@example.com",
        "--role",
        "analyst",
        "--password-stdin",
        stdin=SECRET,
    )
    assert analyst.exit_code == 0

    listed = run(database_url, "users", "list").output.splitlines()
    assert listed[0].startswith("a@example.com\tanalyst\tall units\tfi\tactive\tnever signed in")
    assert listed[1].startswith("kuski@carrier.example\tpartner\tcarrier\tsv\tactive")

    refused = run(
        database_url,
        "users",
        "create",
        "m@example.com",
        "--role",
        "manager",
        "--password-stdin",
        stdin=SECRET,
    )
    assert refused.exit_code == 1
    assert "units: a manager must be scoped" in refused.output
    weak = run(
        database_url,
        "users",
        "create",
        "w@example.com",
        "--role",
        "admin",
        "--password-stdin",
        stdin="short\n",
    )
    assert weak.exit_code == 1
    assert "password: must be at least 12 characters" in weak.output

    reset = run(
        database_url,
        "users",
        "set-password",
        "KUSKI@carrier.example",
        "--password-stdin",
        stdin="another cli passphrase\n",
    )
    assert reset.exit_code == 0
    assert "another cli passphrase" not in reset.output
    disabled = run(database_url, "users", "disable", "kuski@carrier.example")
    assert disabled.exit_code == 0
    assert (
        "kuski@carrier.example\tpartner\tcarrier\tsv\tdisabled"
        in run(database_url, "users", "list").output
    )
    missing = run(database_url, "users", "disable", "nobody@example.com")
    assert missing.exit_code == 1
    assert "no user with the email 'nobody@example.com'" in missing.output


def test_the_audit_log_lists_users_and_tokens_newest_first(database_url: str) -> None:
    run(database_url, "users", "create-admin", "root@example.com", "--password-stdin", stdin=SECRET)
    token = run(database_url, "tokens", "create", "etl", "--scope", "write").output.split()[-1]
    run(database_url, "tokens", "revoke", "etl")
    run(database_url, "users", "disable", "root@example.com")

    listed = run(database_url, "audit", "list").output
    assert token not in listed
    assert SECRET not in listed
    actions = [line.split("\t")[1:3] for line in listed.splitlines()]
    assert actions == [
        ["user.disable", "root@example.com"],
        ["token.revoke", "etl"],
        ["token.create", "etl"],
        ["user.create", "root@example.com"],
    ]
    assert '{"scope": "write"}' in listed
    limited = run(database_url, "audit", "list", "--limit", "1").output.splitlines()
    assert len(limited) == 1
