"""Passwords: argon2id hashes, and what a new password must be."""

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from kokemus.errors import InvalidInput

MIN_LENGTH = 12
# Hashing costs time and memory whatever the length; a bound keeps a post from costing more.
MAX_LENGTH = 256
# Long enough to pass the length check, and the first thing a guesser tries.
COMMON = frozenset(
    {
        "123456789012",
        "1234567890123",
        "12345678901234",
        "qwertyuiopas",
        "qwertyuiop123",
        "qwerty123456",
        "1q2w3e4r5t6y",
        "password1234",
        "password12345",
        "passwordpassword",
        "salasana1234",
        "salasana12345",
        "salasanasalasana",
        "losenord1234",
        "lösenord1234",
        "iloveyou1234",
        "letmein12345",
        "welcome12345",
        "tervetuloa123",
        "tervetuloa1234",
        "kokemus12345",
        "kokemus123456",
        "administrator",
        "administrator1",
        "changeme1234",
        "abcdefghijkl",
        "abc123456789",
        "aaaaaaaaaaaa",
    }
)

# argon2-cffi's defaults: RFC 9106's second recommended profile (64 MiB, 3 passes, 4 lanes).
HASHER = PasswordHasher()


class PasswordRejected(InvalidInput):
    """A password refused; `reason` lets each interface say why in its own language."""

    def __init__(self, field: str, reason: str, message: str) -> None:
        super().__init__(field, message)
        self.reason = reason


def check_new(password: str, *, email: str = "", field: str = "password") -> None:
    if len(password) < MIN_LENGTH:
        raise PasswordRejected(field, "short", f"must be at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise PasswordRejected(field, "long", f"must be at most {MAX_LENGTH} characters")
    lowered = password.lower()
    if lowered in COMMON or len(set(lowered)) < 4:
        raise PasswordRejected(field, "common", "is too easy to guess; choose a less common one")
    if email and lowered in (email.lower(), email.lower().partition("@")[0]):
        raise PasswordRejected(field, "email", "must not be the email address")


def hash_password(password: str) -> str:
    return HASHER.hash(password)


def verify(password_hash: str, password: str) -> bool:
    try:
        return HASHER.verify(password_hash, password[:MAX_LENGTH])
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return HASHER.check_needs_rehash(password_hash)


def verify_nothing(password: str) -> None:
    """Spend what a real check costs, so an unknown email answers as slowly as a known one."""
    verify(_dummy_hash(HASHER.memory_cost, HASHER.time_cost), password)


@cache
def _dummy_hash(memory_cost: int, time_cost: int) -> str:
    return HASHER.hash("not anyone's password")
