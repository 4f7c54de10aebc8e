"""Password hashing and unguessable tokens.

Tokens (personal links, magic links, calendar feeds, confirm links) are shown
once and stored only as a SHA-256 hash: a leaked database does not leak links.
A plain hash suffices because the tokens carry 256 bits of randomness; passwords,
which people choose, get argon2id.
"""

from __future__ import annotations

import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError
from argon2.exceptions import VerificationError

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    """Hash a password with argon2id (salted, parameters encoded in the result)."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True if ``password`` matches ``password_hash``; False for a wrong password or no hash."""
    if not password_hash:
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def password_needs_rehash(password_hash: str) -> bool:
    """True if the hash was made with weaker parameters than today's defaults."""
    return _hasher.check_needs_rehash(password_hash)


def hash_token(token: str) -> str:
    """The stored form of a token: SHA-256, 64 lowercase hex digits."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> tuple[str, str]:
    """A fresh URL-safe token (256 random bits) and its hash: ``(token, sha256hex)``."""
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)
