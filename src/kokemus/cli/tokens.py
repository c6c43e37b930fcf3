import click

from kokemus.accounts import service
from kokemus.audit.service import record
from kokemus.cli.context import AppContext, domain_errors, pass_app


@click.group("tokens")
def group() -> None:
    """API tokens for /api/v1."""


@group.command()
@click.argument("name")
@click.option("--scope", type=click.Choice(service.SCOPES), required=True)
@pass_app
@domain_errors
def create(app: AppContext, name: str, scope: str) -> None:
    """Create a token and print it (shown only this once)."""
    with app.database.transaction() as session:
        issued = service.create_token(session, name, scope)
        record(session, "token.create", target=name, details={"scope": scope})
    click.echo(f"Token {issued.name!r} with scope {issued.scope!r}, shown only now:")
    click.echo(issued.token)


@group.command("list")
@pass_app
def list_tokens(app: AppContext) -> None:
    """List tokens (never their secrets)."""
    with app.database.transaction() as session:
        for token in service.list_tokens(session):
            state = "revoked" if token.revoked_at else "active"
            used = token.last_used_at.isoformat() if token.last_used_at else "never used"
            click.echo(f"{token.name}\t{token.scope}\t{state}\t{used}")


@group.command()
@click.argument("name")
@pass_app
@domain_errors
def revoke(app: AppContext, name: str) -> None:
    """Revoke a token."""
    with app.database.transaction() as session:
        service.revoke_token(session, name)
        record(session, "token.revoke", target=name)
    click.echo(f"Token {name!r} revoked.")
