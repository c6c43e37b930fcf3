from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import select

from kokemus.accounts import passwords, users
from kokemus.accounts.models import User, UserUnit
from kokemus.accounts.passwords import PasswordRejected
from kokemus.accounts.sessions import lookup, sign_in
from kokemus.audit.models import AuditEntry
from kokemus.errors import Conflict, InvalidInput, NotFound
from kokemus.store import Database
from tests.accounts.helpers import PASSWORD, add_user
from tests.factories import load_default_journey


@pytest.fixture(autouse=True)
def journey(database: Database) -> None:
    load_default_journey(database)


def test_a_user_is_stored_with_a_lower_case_email_and_an_argon2_hash(database: Database) -> None:
    created = add_user(database, "  Ella.Esimerkki@Example.COM ", display_name="Ella")

    with database.transaction() as session:
        user = session.get_one(User, created.id)
        assert user.email == "ella.esimerkki@example.com"
        assert user.display_name == "Ella"
        assert user.password_hash.startswith("$argon2id$")
        assert PASSWORD not in user.password_hash
        assert passwords.verify(user.password_hash, PASSWORD)
        assert not passwords.verify(user.password_hash, PASSWORD + "x")
        assert users.get_by_email(session, "ELLA.esimerkki@example.com").id == user.id
        entry = session.scalars(select(AuditEntry)).one()
        assert (entry.action, entry.target, entry.user_id) == ("user.create", user.email, None)
        assert entry.details == {"role": "admin", "units": []}


def test_the_same_email_in_other_letters_is_a_conflict(database: Database) -> None:
    add_user(database, "ella@example.com")
    with pytest.raises(Conflict, match="already exists"):
        add_user(database, "ELLA@example.com")


BAD_INPUT: list[tuple[dict[str, Any], str, str]] = [
    ({"email": "not an email"}, "email", "@"),
    ({"role": "owner"}, "role", "must be one of admin, analyst"),
    ({"language": "de"}, "language", "fi, sv, en"),
    ({"password": "short one"}, "password", "at least 12"),
    ({"password": "Salasana1234"}, "password", "too easy"),
    ({"password": "aaaabbbbaaaabbbb"}, "password", "too easy"),
    ({"password": "x" * 257}, "password", "at most 256"),
    ({"role": "manager"}, "units", "a manager must be scoped"),
    ({"role": "frontline"}, "units", "a frontline must be scoped"),
    ({"role": "partner", "units": ("logistics",)}, "units", "'logistics' is not"),
    ({"role": "manager", "units": ("nowhere",)}, "units", "no unit with the key 'nowhere'"),
    ({"display_name": "n" * 201}, "display_name", "at most 200"),
]


def test_bad_input_names_its_field(database: Database, subtests: pytest.Subtests) -> None:
    for changes, field, message in BAD_INPUT:
        with subtests.test(changes=changes):
            new = replace(users.NewUser("ella@example.com", "analyst", PASSWORD), **changes)
            with database.transaction() as session, pytest.raises(InvalidInput) as raised:
                users.create_user(session, new)
            assert raised.value.field == field
            assert message in str(raised.value)
    with database.transaction() as session:
        assert session.scalars(select(User)).all() == []


def test_the_password_must_not_be_the_email(database: Database) -> None:
    with pytest.raises(PasswordRejected) as raised:
        add_user(database, "longusername@example.com", password="LongUserName")
    assert raised.value.reason == "email"


def test_units_make_the_scope_and_a_partner_gets_its_partner_unit(database: Database) -> None:
    manager = add_user(database, "m@example.com", role="manager", units=["store", "sales", "store"])
    partner = add_user(database, "p@example.com", role="partner", units=["carrier"])

    with database.transaction() as session:
        assert users.unit_keys(session, manager.id) == ["sales", "store"]
        assert users.unit_keys(session, partner.id) == ["carrier"]
        assert len(session.scalars(select(UserUnit)).all()) == 3


def test_disable_and_set_password_end_the_sessions_and_are_audited(database: Database) -> None:
    add_user(database, "ella@example.com")
    with database.transaction() as session:
        started = sign_in(session, "ella@example.com", PASSWORD)
        assert started is not None
    with database.transaction() as session:
        users.set_password(session, "ella@example.com", "another long passphrase")
    with database.transaction() as session:
        assert lookup(session, started.token) is None
        again = sign_in(session, "ella@example.com", "another long passphrase")
        assert again is not None
    with database.transaction() as session:
        users.disable_user(session, "Ella@example.com")
    with database.transaction() as session:
        assert lookup(session, again.token) is None
        assert sign_in(session, "ella@example.com", "another long passphrase") is None
        actions = [e.action for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert actions == [
        "user.create",
        "user.sign_in",
        "user.password_set",
        "user.sign_in",
        "user.disable",
        "user.sign_in_failed",
    ]


def test_unknown_users_are_not_found(database: Database) -> None:
    with database.transaction() as session:
        with pytest.raises(NotFound):
            users.disable_user(session, "nobody@example.com")
        with pytest.raises(NotFound):
            users.set_password(session, "nobody@example.com", "another long passphrase")
