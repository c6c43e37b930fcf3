import sys

import click

from kokemus.accounts import users
from kokemus.accounts.models import LANGUAGES, ROLES
from kokemus.cli.context import AppContext, domain_errors, pass_app


@click.group("users")
def group() -> None:
    """People who sign in to the web app."""


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    password: str = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return password


name_option = click.option("--name", "display_name", default="", help="Name shown in the app.")
language_option = click.option(
    "--language", type=click.Choice(LANGUAGES), default="fi", show_default=True
)
stdin_option = click.option(
    "--password-stdin", is_flag=True, help="Read the password from the first line of stdin."
)


@group.command("create-admin")
@click.argument("email")
@name_option
@language_option
@stdin_option
@pass_app
@domain_errors
def create_admin(
    app: AppContext, email: str, display_name: str, language: str, password_stdin: bool
) -> None:
    """Create an administrator, who sees every unit."""
    _create(app, email, "admin", (), display_name, language, password_stdin)


@group.command()
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--unit", "units", multiple=True, help="A unit's key; the scope covers its subtree.")
@name_option
@language_option
@stdin_option
@pass_app
@domain_errors
def create(
    app: AppContext,
    email: str,
    role: str,
    units: tuple[str, ...],
    display_name: str,
    language: str,
    password_stdin: bool,
) -> None:
    """Create a user with a role, scoped to units (admins and analysts may go unscoped)."""
    _create(app, email, role, units, display_name, language, password_stdin)


def _create(
    app: AppContext,
    email: str,
    role: str,
    units: tuple[str, ...],
    display_name: str,
    language: str,
    password_stdin: bool,
) -> None:
    new = users.NewUser(
        email=email,
        role=role,
        password=_password(password_stdin),
        display_name=display_name,
        language=language,
        units=units,
    )
    with app.database.write_transaction() as session:
        user = users.create_user(session, new)
    click.echo(f"Created {user.role} {user.email}.")


@group.command("list")
@pass_app
def list_users(app: AppContext) -> None:
    """List users, their roles, scopes and state."""
    with app.database.transaction() as session:
        for user in users.list_users(session):
            scope = ",".join(users.unit_keys(session, user.id)) or "all units"
            state = "disabled" if user.disabled_at else "active"
            seen = user.last_signin_at.isoformat() if user.last_signin_at else "never signed in"
            click.echo(f"{user.email}\t{user.role}\t{scope}\t{user.language}\t{state}\t{seen}")


@group.command()
@click.argument("email")
@pass_app
@domain_errors
def disable(app: AppContext, email: str) -> None:
    """Disable a user: they can no longer sign in, and their sessions end."""
    with app.database.write_transaction() as session:
        user = users.disable_user(session, email)
    click.echo(f"Disabled {user.email}.")


@group.command("set-password")
@click.argument("email")
@stdin_option
@pass_app
@domain_errors
def set_password(app: AppContext, email: str, password_stdin: bool) -> None:
    """Set a user's password; their sessions end and any lock-out is lifted."""
    with app.database.transaction() as session:
        users.get_by_email(session, email)  # before asking for a password
    password = _password(password_stdin)
    with app.database.write_transaction() as session:
        user = users.set_password(session, email, password)
    click.echo(f"Password set for {user.email}.")
