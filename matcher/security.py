"""Password hashing and unguessable tokens.

Tokens (personal links, magic links, calendar feeds, confirm links) are shown
once and stored only as a SHA-256 hash: a leaked database does not leak links.
A plain hash suffices because the tokens carry 256 bits of randomness; passwords,
which people choose, get argon2id. A token that must be made again later (a
rider's personal link, sent again or printed) is derived instead: an HMAC of a
random nonce, kept in the database, under the instance's secret key, kept out
of it; neither alone gives the token.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
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


def derived_token(secret_key: str, nonce: str, purpose: str) -> str:
    """The token of ``nonce`` under ``secret_key``: URL-safe HMAC-SHA256 for ``purpose``."""
    message = f"{purpose}:{nonce}".encode()
    digest = hmac.new(secret_key.encode("utf-8"), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def new_nonce() -> str:
    """A fresh random nonce (128 bits, 32 hex digits) for ``derived_token``."""
    return secrets.token_hex(16)


def same_hash(token: str, token_hash: str | None) -> bool:
    """True if ``token`` hashes to ``token_hash`` (constant time)."""
    return token_hash is not None and hmac.compare_digest(hash_token(token), token_hash)
