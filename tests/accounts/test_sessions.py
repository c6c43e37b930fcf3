from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from kokemus.accounts import passwords
from kokemus.accounts.models import User, UserSession
from kokemus.accounts.passwords import PasswordRejected
from kokemus.accounts.sessions import (
    IDLE_TIME,
    LOCK_TIME,
    MAX_AGE,
    MAX_FAILURES,
    change_password,
    lookup,
    sign_in,
    sign_out,
)
from kokemus.audit.models import AuditEntry
from kokemus.credentials import hash_secret
from kokemus.store import Database
from tests.accounts.helpers import PASSWORD, add_user

NOON = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def audit(database: Database) -> list[tuple[str, str | None, str | None]]:
    with database.transaction() as session:
        entries = session.scalars(select(AuditEntry).order_by(AuditEntry.id))
        return [(e.action, e.details.get("reason"), e.address) for e in entries]


def test_signing_in_makes_a_session_kept_only_as_a_hash(database: Database) -> None:
    user = add_user(database, "ella@example.com", language="sv")
    with database.transaction() as session:
        started = sign_in(session, " Ella@Example.com", PASSWORD, address="10.0.0.5", now=NOON)
    assert started is not None
    assert started.language == "sv"

    with database.transaction() as session:
        stored = session.scalars(select(UserSession)).one()
        assert stored.token_hash == hash_secret(started.token)
        assert started.token not in (stored.token_hash, stored.csrf_token)
        assert session.get_one(User, user.id).last_signin_at == NOON
        signed_in = lookup(session, started.token, now=NOON + timedelta(minutes=1))
    assert signed_in is not None
    assert (signed_in.email, signed_in.role, signed_in.unit_ids) == (
        "ella@example.com",
        "admin",
        (),
    )
    assert audit(database)[-1] == ("user.sign_in", None, "10.0.0.5")


def test_unknown_email_and_wrong_password_fail_alike_and_are_audited(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_user(database, "ella@example.com")
    dummies: list[str] = []
    real_verify_nothing = passwords.verify_nothing

    def counted(password: str) -> None:
        dummies.append(password)
        real_verify_nothing(password)

    monkeypatch.setattr(passwords, "verify_nothing", counted)
    with database.transaction() as session:
        assert sign_in(session, "nobody@example.com", PASSWORD) is None
        assert sign_in(session, "ella@example.com", "wrong password here") is None
        assert sign_in(session, "", "") is None
    # An unknown email still costs a hash, so timing does not tell the two apart.
    assert dummies == [PASSWORD, ""]
    assert [entry[:2] for entry in audit(database)[1:]] == [
        ("user.sign_in_failed", "unknown"),
        ("user.sign_in_failed", "password"),
        ("user.sign_in_failed", "unknown"),
    ]


def test_five_failures_lock_the_account_for_fifteen_minutes(database: Database) -> None:
    add_user(database, "ella@example.com")
    for attempt in range(MAX_FAILURES):
        with database.transaction() as session:
            moment = NOON + timedelta(seconds=attempt)
            assert sign_in(session, "ella@example.com", "not the password", now=moment) is None

    locked_at = NOON + timedelta(seconds=MAX_FAILURES - 1)
    with database.transaction() as session:
        user = session.scalars(select(User)).one()
        assert user.locked_until == locked_at + LOCK_TIME
        # Even the right password is refused while the lock lasts.
        still = locked_at + LOCK_TIME - timedelta(seconds=1)
        assert sign_in(session, "ella@example.com", PASSWORD, now=still) is None
    assert audit(database)[-1][:2] == ("user.sign_in_failed", "locked")

    with database.transaction() as session:
        later = locked_at + LOCK_TIME + timedelta(seconds=1)
        assert sign_in(session, "ella@example.com", PASSWORD, now=later) is not None
        user = session.scalars(select(User)).one()
        assert (user.failed_signins, user.locked_until) == (0, None)


def test_a_success_resets_the_count_of_failures(database: Database) -> None:
    add_user(database, "ella@example.com")
    for round_ in range(2):
        for attempt in range(MAX_FAILURES - 1):
            with database.transaction() as session:
                assert sign_in(session, "ella@example.com", f"wrong {round_} {attempt}") is None
        with database.transaction() as session:
            assert sign_in(session, "ella@example.com", PASSWORD) is not None


def test_sessions_end_when_idle_too_long_at_their_age_or_when_signed_out(
    database: Database,
) -> None:
    add_user(database, "ella@example.com")
    with database.transaction() as session:
        first = sign_in(session, "ella@example.com", PASSWORD, now=NOON)
        second = sign_in(session, "ella@example.com", PASSWORD, now=NOON)
    assert first is not None
    assert second is not None
    with database.transaction() as session:
        assert lookup(session, first.token, now=NOON + IDLE_TIME - timedelta(seconds=1))
        assert lookup(session, first.token, now=NOON + IDLE_TIME) is None
        stored = session.scalars(select(UserSession)).first()
        assert stored is not None
        assert stored.expires_at == NOON + MAX_AGE
        assert lookup(session, "", now=NOON) is None
        assert lookup(session, "x" * 500, now=NOON) is None
        assert lookup(session, first.token + "x", now=NOON) is None

    with database.transaction() as session:
        signed_in = lookup(session, first.token, now=NOON)
        assert signed_in is not None
        sign_out(session, signed_in, address="10.0.0.5")
    with database.transaction() as session:
        assert lookup(session, first.token, now=NOON) is None
        assert lookup(session, second.token, now=NOON) is not None
    assert audit(database)[-1] == ("user.sign_out", None, "10.0.0.5")


def test_changing_the_password_ends_every_other_session(database: Database) -> None:
    add_user(database, "ella@example.com")
    with database.transaction() as session:
        here = sign_in(session, "ella@example.com", PASSWORD)
        elsewhere = sign_in(session, "ella@example.com", PASSWORD)
    assert here is not None
    assert elsewhere is not None
    new = "a brand new passphrase"
    with database.transaction() as session:
        user = lookup(session, here.token)
        assert user is not None
        change_password(session, user, PASSWORD, new, new, address="10.0.0.5")
    with database.transaction() as session:
        assert lookup(session, here.token) is not None
        assert lookup(session, elsewhere.token) is None
        assert sign_in(session, "ella@example.com", PASSWORD) is None
        assert sign_in(session, "ella@example.com", new) is not None
    assert ("user.password_change", None, "10.0.0.5") in audit(database)


@pytest.mark.parametrize(
    ("current", "new", "again", "field", "reason"),
    [
        (
            "wrong current pw",
            "a brand new passphrase",
            "a brand new passphrase",
            "current_password",
            "wrong",
        ),
        (
            PASSWORD,
            "a brand new passphrase",
            "a brand new passphrasE",
            "new_password_again",
            "mismatch",
        ),
        (PASSWORD, "too short", "too short", "new_password", "short"),
        (PASSWORD, PASSWORD, PASSWORD, "new_password", "same"),
    ],
)
def test_a_password_change_is_refused_with_the_field_named(
    database: Database, current: str, new: str, again: str, field: str, reason: str
) -> None:
    add_user(database, "ella@example.com")
    with database.transaction() as session:
        started = sign_in(session, "ella@example.com", PASSWORD)
        assert started is not None
        user = lookup(session, started.token)
        assert user is not None
        with pytest.raises(PasswordRejected) as raised:
            change_password(session, user, current, new, again)
    assert (raised.value.field, raised.value.reason) == (field, reason)


def test_a_hash_made_with_weaker_settings_is_upgraded_at_sign_in(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_user(database, "ella@example.com")  # with the tests' cheap hasher
    monkeypatch.setattr(passwords, "HASHER", PasswordHasher())  # the production profile
    with database.transaction() as session:
        assert sign_in(session, "ella@example.com", PASSWORD) is not None
        stored = session.scalars(select(User)).one().password_hash
    assert "m=65536,t=3,p=4" in stored
    assert passwords.verify(stored, PASSWORD)
