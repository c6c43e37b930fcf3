from sqlalchemy import select

from kokemus.accounts import passwords
from kokemus.accounts.models import User
from kokemus.demo.accounts import DEMO_EMAIL, create_demo_admin_if_none
from kokemus.store import Database


def test_the_demo_admin_is_made_once_with_a_fresh_password(database: Database) -> None:
    made = create_demo_admin_if_none(database)
    assert made is not None
    email, password = made
    assert email == DEMO_EMAIL
    assert len(password) >= passwords.MIN_LENGTH
    with database.transaction() as session:
        user = session.scalars(select(User)).one()
        assert user.role == "admin"
        assert passwords.verify(user.password_hash, password)
    assert create_demo_admin_if_none(database) is None
