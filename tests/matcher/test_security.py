"""Passwords and tokens: argon2 hashes, unguessable tokens stored only as SHA-256."""

from __future__ import annotations

import hashlib

from matcher.security import hash_password
from matcher.security import hash_token
from matcher.security import new_token
from matcher.security import verify_password


def test_password_round_trip() -> None:
    stored = hash_password("correct horse battery staple")
    assert stored.startswith("$argon2id$")
    assert verify_password(stored, "correct horse battery staple")
    assert not verify_password(stored, "wrong")
    assert not verify_password(None, "anything")
    assert not verify_password("not-a-hash", "anything")


def test_same_password_hashes_differently() -> None:
    assert hash_password("secret") != hash_password("secret")


def test_new_token_has_enough_entropy_and_matching_hash() -> None:
    token, digest = new_token()
    assert len(token) >= 43  # 32 random bytes, URL-safe base64
    assert digest == hash_token(token) == hashlib.sha256(token.encode()).hexdigest()
    assert len(digest) == 64
    assert new_token()[0] != token
