"""A first administrator for the demo, so a newcomer can sign in after `make run`."""

import secrets

from kokemus.accounts.users import NewUser, any_users, create_user
from kokemus.store import Database

DEMO_EMAIL = "admin@demo.kokemus.example"


def create_demo_admin_if_none(database: Database) -> tuple[str, str] | None:
    """The email and a new password of a demo administrator, or None if users exist."""
    with database.write_transaction() as session:
        if any_users(session):
            return None
        password = secrets.token_urlsafe(12)
        new = NewUser(
            email=DEMO_EMAIL,
            role="admin",
            password=password,
            display_name="Demo admin",
            language="en",
        )
        create_user(session, new)
    return DEMO_EMAIL, password
