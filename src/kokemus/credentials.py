"""Keys and tokens: shown once, stored only as a hash.

They are long random strings, so a fast hash is enough (no salt or stretching needed):
nobody can guess their way to a preimage.
"""

import hashlib
import secrets


def new_secret(prefix: str) -> str:
    return f"{prefix}_{secrets.token_urlsafe(32)}"


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()
