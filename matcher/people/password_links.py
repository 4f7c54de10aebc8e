"""Accounts with a password (office, partner staff): password rules, login, e-mailed links.

An invited account exists at once without a password; the invitee sets one through a
single-use link that expires (``INVITE_LIFETIME``), and anyone can ask for a reset link
(``RESET_LIFETIME``); the caller answers the same whether the address is known or not.
Links are stored as SHA-256 hashes and claimed by one UPDATE, so a link works once even
when clicked twice at the same moment; a new password ends every other session. Each
kind of account (:class:`AccountKind`) has its own tables, messages and rule for when it
works; the rules here are the same for all, so an office account and a partner's
account can never differ in how safe they are.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any
from typing import Generic
from typing import TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.orm import Session

from matcher import audit as audit_log
from matcher.clock import utcnow
from matcher.errors import N_
from matcher.errors import ValidationError
from matcher.models import ActorType
from matcher.models import Coordinator
from matcher.models import CoordinatorTokenPurpose
from matcher.models import PartnerStaff
from matcher.models.people import PasswordAccount
from matcher.models.people import PasswordLinkToken
from matcher.notifications.events import send_to
from matcher.notifications.events import site_url
from matcher.people import sessions
from matcher.security import hash_password
from matcher.security import hash_token
from matcher.security import new_token
from matcher.security import password_needs_rehash
from matcher.security import verify_password
from matcher.settings import Settings

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 200
MAX_TOKEN_LENGTH = 100
INVITE_LIFETIME = dt.timedelta(days=7)
RESET_LIFETIME = dt.timedelta(hours=1)


A = TypeVar("A", Coordinator, PartnerStaff)


@dataclass(frozen=True)
class AccountKind(Generic[A]):
    """One kind of password account: its tables, messages, and when an account works."""

    model: type[A]
    token_model: type[PasswordLinkToken]
    actor_type: ActorType
    entity: str
    """The audit log's entity type and action prefix (``coordinator.accept_invite``)."""
    messages: str
    """The templates' prefix (``coordinator_invite.txt``, ``..._password_reset.txt``)."""
    link_path: str
    """Where a link's token goes: ``/coordinator/password/``."""
    works: Callable[[A], bool]
    """Whether the account may log in (active; a partner's staff also need the partner)."""
    context: Callable[[A], dict[str, Any]] = lambda _account: {}
    """What the messages name besides the account's name."""


@cache
def dummy_hash() -> str:
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
        verify_password(dummy_hash(), password or "")
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


def find(session: Session, kind: AccountKind[A], email: str) -> A | None:
    """The account of ``kind`` with this e-mail address, in any case."""
    model = kind.model
    return session.scalar(
        sa.select(model).where(sa.func.lower(model.email) == (email or "").strip().lower())
    )


def log_in(session: Session, kind: AccountKind[A], email: str, password: str) -> A | None:
    """The working account with this e-mail and password, or None (same cost if unknown)."""
    account = find(session, kind, email)
    if account is None or not password_login(account, password) or not kind.works(account):
        return None
    session.flush()
    return account


def send_link(
    session: Session,
    kind: AccountKind[A],
    account: A,
    purpose: CoordinatorTokenPurpose,
    settings: Settings,
    now: dt.datetime,
) -> str:
    """A fresh link of ``purpose``, e-mailed in the account's language; older ones stop working."""
    token, token_hash = issue(session, kind.token_model, account.id, purpose, now)
    invite = purpose == CoordinatorTokenPurpose.INVITE
    send_to(
        session,
        key=f"{kind.messages}-{purpose.value}:{token_hash}",
        template=f"{kind.messages}_{'invite' if invite else 'password_reset'}.txt",
        locale=account.locale,
        settings=settings,
        now=now,
        email=account.email,
        related=(kind.entity, account.id),
        name=account.name,
        link=site_url(settings, f"{kind.link_path}{token}"),
        days=INVITE_LIFETIME.days,
        minutes=int(RESET_LIFETIME.total_seconds() // 60),
        **kind.context(account),
    )
    session.flush()
    return token


def request_reset(
    session: Session, kind: AccountKind[A], email: str, settings: Settings, now: dt.datetime
) -> str | None:
    """E-mail a reset link (an invitation while none was taken up) to the working account.

    None if there is none; the caller shows the same answer either way, so the page
    never tells whether an address has an account.
    """
    account = find(session, kind, email)
    if account is None or not kind.works(account):
        return None
    purpose = (
        CoordinatorTokenPurpose.INVITE
        if account.invitation_pending
        else CoordinatorTokenPurpose.RESET
    )
    return send_link(session, kind, account, purpose, settings, now)


def account_of_link(
    session: Session, kind: AccountKind[A], token: str, now: dt.datetime
) -> tuple[A, CoordinatorTokenPurpose] | None:
    """The working account and purpose of a usable link (looking does not use it up)."""
    found = usable_link(session, kind.token_model, token, now)
    account = None if found is None else session.get(kind.model, found[0])
    if found is None or account is None or not kind.works(account):
        return None
    return account, found[1]


def set_password_with_link(
    session: Session, kind: AccountKind[A], token: str, password: str, now: dt.datetime
) -> A | None:
    """Set the password through a usable link and use the link up; None if it is not usable.

    Every other session of the account ends (whoever had the old password is out).
    """
    password_hash = checked_hash(password)
    claimed = claim(session, kind.token_model, token, now)
    account = None if claimed is None else session.get(kind.model, claimed[0])
    if claimed is None or account is None or not kind.works(account):
        return None
    account.password_hash = password_hash
    account.last_login_at = now
    sessions.end_sessions(account)
    use_up(session, kind.token_model, account.id, now)
    session.flush()
    invite = claimed[1] == CoordinatorTokenPurpose.INVITE
    audit_log.record(
        session,
        actor_type=kind.actor_type,
        actor_id=account.id,
        action=f"{kind.entity}.{'accept_invite' if invite else 'password_reset'}",
        entity_type=kind.entity,
        entity_id=account.id,
    )
    session.flush()
    return account
