"""Accounts with a password (office, partner staff): password rules, login, e-mailed links.

An invited account exists at once without a password; the invitee sets one through a
single-use link that expires (``INVITE_LIFETIME``), and anyone can ask for a reset link
(``RESET_LIFETIME``). Links are stored as SHA-256 hashes and claimed by one UPDATE, so a
link works once even when clicked twice at the same moment. Each kind of account has its
own token table (``PasswordLinkToken`` subclasses); the rules here are the same for all,
so an office account and a partner's account can never differ in how safe they are.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Protocol

import sqlalchemy as sa
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.orm import Session

from matcher.clock import utcnow
from matcher.errors import N_
from matcher.errors import ValidationError
from matcher.models import CoordinatorTokenPurpose
from matcher.models.people import PasswordLinkToken
from matcher.security import hash_password
from matcher.security import hash_token
from matcher.security import new_token
from matcher.security import password_needs_rehash
from matcher.security import verify_password

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 200
MAX_TOKEN_LENGTH = 100
INVITE_LIFETIME = dt.timedelta(days=7)
RESET_LIFETIME = dt.timedelta(hours=1)


class PasswordAccount(Protocol):
    """What logging in needs of an account."""

    password_hash: str | None
    active: bool
    last_login_at: dt.datetime | None


@cache
def _dummy_hash() -> str:
    """Checked for unknown e-mails, so a wrong address costs as long as a wrong password."""
    return hash_password("not the password of anybody")


def checked_hash(password: str) -> str:
    """The hash of a new password; ``ValidationError`` (field ``password``) if too short or long."""
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise ValidationError(
            N_("The password needs at least {count} characters."),
            field="password",
            count=MIN_PASSWORD_LENGTH,
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ValidationError(N_("The password is too long."), field="password")
    return hash_password(password)


def password_login(account: PasswordAccount | None, password: str) -> bool:
    """True if ``account`` is active and ``password`` is its own (same cost for no account).

    An old hash is upgraded and the login time noted (the caller flushes).
    """
    if account is None or account.password_hash is None:
        verify_password(_dummy_hash(), password or "")
        return False
    if not verify_password(account.password_hash, password or "") or not account.active:
        return False
    if password_needs_rehash(account.password_hash):
        account.password_hash = hash_password(password)
    account.last_login_at = utcnow()
    return True


def lifetime(purpose: CoordinatorTokenPurpose) -> dt.timedelta:
    """How long a link of ``purpose`` works."""
    return INVITE_LIFETIME if purpose == CoordinatorTokenPurpose.INVITE else RESET_LIFETIME


def _owner(model: type[PasswordLinkToken]) -> InstrumentedAttribute[int]:
    column: InstrumentedAttribute[int] = getattr(model, model.OWNER)
    return column


def use_up(
    session: Session, model: type[PasswordLinkToken], owner_id: int, now: dt.datetime
) -> None:
    """Every unused link of the account stops working."""
    session.execute(
        sa.update(model)
        .where(_owner(model) == owner_id, model.used_at.is_(None))
        .values(used_at=now)
    )


def issue(
    session: Session,
    model: type[PasswordLinkToken],
    owner_id: int,
    purpose: CoordinatorTokenPurpose,
    now: dt.datetime,
) -> tuple[str, str]:
    """A fresh link of ``purpose`` (older ones stop working): the token and its hash."""
    use_up(session, model, owner_id, now)
    token, token_hash = new_token()
    row = model()
    row.purpose, row.token_hash = purpose, token_hash
    row.created_at, row.expires_at = now, now + lifetime(purpose)
    setattr(row, model.OWNER, owner_id)
    session.add(row)
    session.flush()
    return token, token_hash


def usable_link(
    session: Session, model: type[PasswordLinkToken], token: str, now: dt.datetime
) -> tuple[int, CoordinatorTokenPurpose] | None:
    """The account id and purpose of a usable link (looking does not use it up)."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    row = session.scalar(sa.select(model).where(model.token_hash == hash_token(token)))
    if row is None or not row.usable(now):
        return None
    return getattr(row, model.OWNER), row.purpose


def claim(
    session: Session, model: type[PasswordLinkToken], token: str, now: dt.datetime
) -> tuple[int, CoordinatorTokenPurpose] | None:
    """Use a usable link up; its account id and purpose, or None if it was not usable.

    One UPDATE claims the link, so two simultaneous submissions cannot both use it.
    """
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    claimed = session.execute(
        sa.update(model)
        .where(
            model.token_hash == hash_token(token),
            model.used_at.is_(None),
            model.expires_at > now,
        )
        .values(used_at=now)
        .returning(_owner(model), model.purpose)
    ).one_or_none()
    return None if claimed is None else (claimed[0], claimed[1])
