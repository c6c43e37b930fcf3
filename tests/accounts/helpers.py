"""Users for tests, made through the real services."""

from collections.abc import Sequence

import pytest
from argon2 import PasswordHasher

from kokemus.accounts import passwords
from kokemus.accounts.models import User
from kokemus.accounts.users import NewUser, create_user
from kokemus.store import Database

PASSWORD = "a long passphrase 4 tests"


def cheap_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Real argon2id at the lowest cost: the production profile takes ~0.2 s a hash."""
    cheap = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    monkeypatch.setattr(passwords, "HASHER", cheap)


def add_user(
    database: Database,
    email: str = "ella@example.com",
    *,
    role: str = "admin",
    units: Sequence[str] = (),
    password: str = PASSWORD,
    language: str = "en",
    display_name: str = "",
) -> User:
    new = NewUser(
        email=email,
        role=role,
        password=password,
        units=units,
        language=language,
        display_name=display_name,
    )
    with database.transaction() as session:
        return create_user(session, new)
