"""Office accounts: creation (CLI), invitations, roles, deactivation, password login and reset.

An admin invites a coordinator by e-mail: the account exists at once, without a
password, and the invitee sets one through a single-use link that expires
(``INVITE_LIFETIME``). Every coordinator can ask for a reset link from the login
page (``RESET_LIFETIME``); the caller answers the same whether the address is
known or not. Links are stored as SHA-256 hashes and claimed by one UPDATE, so
a link works once even when clicked twice at the same moment. Role changes and
deactivation carry the account's row version; the last active admin can be
neither demoted nor deactivated, so the office never locks itself out.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from matcher import audit as audit_log
from matcher.clock import utcnow
from matcher.errors import N_
from matcher.errors import Conflict
from matcher.errors import NotFound
from matcher.errors import ValidationError
from matcher.models import ActorType
from matcher.models import Coordinator
from matcher.models import CoordinatorRole
from matcher.models import CoordinatorToken
from matcher.models import CoordinatorTokenPurpose
from matcher.models.people import LOCALES
from matcher.people import password_links
from matcher.people.password_links import INVITE_LIFETIME as INVITE_LIFETIME
from matcher.people.password_links import RESET_LIFETIME as RESET_LIFETIME
from matcher.settings import Settings

CONFLICT = N_("Someone else changed this account meanwhile. Please look at it again.")
LAST_ADMIN = N_("The office needs at least one active admin.")


OFFICE: password_links.AccountKind[Coordinator] = password_links.AccountKind(
    model=Coordinator,
    token_model=CoordinatorToken,
    actor_type=ActorType.COORDINATOR,
    entity="coordinator",
    messages="coordinator",
    link_path="/coordinator/password/",
    works=lambda coordinator: coordinator.active,
)
"""Office accounts as ``password_links`` sees them."""


def _find(session: Session, email: str) -> Coordinator | None:
    return password_links.find(session, OFFICE, email)


def _role(role: str | CoordinatorRole) -> CoordinatorRole:
    try:
        return CoordinatorRole(role)
    except ValueError:
        raise ValidationError(N_("Unknown role."), field="role") from None


def _new_account(
    session: Session, email: str, name: str, role: str | CoordinatorRole, locale: str
) -> Coordinator:
    chosen = _role(role)
    if not (email or "").strip():
        raise ValidationError(N_("E-mail address is required."), field="email")
    if locale not in LOCALES:
        raise ValidationError(N_("Unsupported language: {locale}."), field="locale", locale=locale)
    if _find(session, email) is not None:
        raise Conflict(N_("An account with this e-mail address exists already."))
    coordinator = Coordinator(
        email=email.strip().lower(), name=(name or "").strip(), role=chosen, locale=locale
    )
    session.add(coordinator)
    return coordinator


def create_coordinator(
    session: Session,
    *,
    email: str,
    name: str,
    password: str,
    role: str | CoordinatorRole,
    locale: str = "de",
) -> Coordinator:
    """Create an account with a password (CLI); Conflict for a taken e-mail."""
    password_hash = password_links.checked_hash(password)
    coordinator = _new_account(session, email, name, role, locale)
    coordinator.password_hash = password_hash
    session.flush()
    return coordinator


def authenticate_coordinator(session: Session, email: str, password: str) -> Coordinator | None:
    """The active coordinator with this e-mail and password, or None (same cost if unknown)."""
    return password_links.log_in(session, OFFICE, email, password)


def list_accounts(session: Session) -> list[Coordinator]:
    """Every office account: active ones first, then by name."""
    return list(
        session.scalars(
            sa.select(Coordinator).order_by(Coordinator.active.desc(), Coordinator.name)
        ).all()
    )


def _issue_link(
    session: Session,
    coordinator: Coordinator,
    purpose: CoordinatorTokenPurpose,
    settings: Settings,
    now: dt.datetime,
) -> str:
    """A fresh link of ``purpose``, e-mailed in the account's language; older ones stop working."""
    return password_links.send_link(session, OFFICE, coordinator, purpose, settings, now)


def _use_up_links(session: Session, coordinator_id: int, now: dt.datetime) -> None:
    password_links.use_up(session, CoordinatorToken, coordinator_id, now)


def invite_coordinator(
    session: Session,
    *,
    email: str,
    name: str,
    role: str | CoordinatorRole,
    locale: str,
    admin_id: int,
    settings: Settings,
    now: dt.datetime | None = None,
) -> Coordinator:
    """Create an account without a password and e-mail the invitee a link to set one."""
    now = now or utcnow()
    coordinator = _new_account(session, email, name, role, locale)
    session.flush()
    _issue_link(session, coordinator, CoordinatorTokenPurpose.INVITE, settings, now)
    audit_log.record_action(
        session,
        admin_id,
        "coordinator.invite",
        "coordinator",
        coordinator.id,
        email=coordinator.email,
        role=coordinator.role.value,
    )
    session.flush()
    return coordinator


def _account(session: Session, coordinator_id: int, row_version: int) -> Coordinator:
    coordinator = session.get(Coordinator, coordinator_id)
    if coordinator is None:
        raise NotFound(N_("This account does not exist."))
    if coordinator.row_version != row_version:
        raise Conflict(CONFLICT)
    return coordinator


def _flush(session: Session) -> None:
    try:
        session.flush()
    except StaleDataError as error:
        raise Conflict(CONFLICT) from error


def _other_active_admins(session: Session, coordinator_id: int) -> int:
    return (
        session.scalar(
            sa.select(sa.func.count())
            .select_from(Coordinator)
            .where(
                Coordinator.role == CoordinatorRole.ADMIN,
                Coordinator.active.is_(True),
                Coordinator.password_hash.is_not(None),
                Coordinator.id != coordinator_id,
            )
        )
        or 0
    )


def resend_invitation(
    session: Session,
    coordinator_id: int,
    row_version: int,
    admin_id: int,
    settings: Settings,
    now: dt.datetime | None = None,
) -> Coordinator:
    """A new invitation link for an account whose password is not set yet (the old one dies)."""
    coordinator = _account(session, coordinator_id, row_version)
    if not coordinator.invitation_pending:
        raise Conflict(N_("This person has set a password already."))
    if not coordinator.active:
        raise Conflict(N_("This account is deactivated."))
    _issue_link(session, coordinator, CoordinatorTokenPurpose.INVITE, settings, now or utcnow())
    audit_log.record_action(
        session, admin_id, "coordinator.reinvite", "coordinator", coordinator.id
    )
    session.flush()
    return coordinator


def set_role(
    session: Session,
    coordinator_id: int,
    row_version: int,
    role: str | CoordinatorRole,
    admin_id: int,
) -> Coordinator:
    """Give the account another role; refused if it would leave no active admin."""
    chosen = _role(role)
    coordinator = _account(session, coordinator_id, row_version)
    if coordinator.role == chosen:
        return coordinator
    if coordinator.is_admin and _other_active_admins(session, coordinator.id) == 0:
        raise Conflict(LAST_ADMIN)
    before = coordinator.role.value
    coordinator.role = chosen
    _flush(session)
    audit_log.record_action(
        session,
        admin_id,
        "coordinator.role",
        "coordinator",
        coordinator.id,
        before=before,
        after=chosen.value,
    )
    session.flush()
    return coordinator


def set_active(
    session: Session, coordinator_id: int, row_version: int, active: bool, admin_id: int
) -> Coordinator:
    """Deactivate (its sessions and links stop working at once) or reactivate an account."""
    coordinator = _account(session, coordinator_id, row_version)
    if coordinator.active == active:
        return coordinator
    if not active:
        if coordinator.id == admin_id:
            raise Conflict(N_("You cannot deactivate your own account."))
        if coordinator.is_admin and _other_active_admins(session, coordinator.id) == 0:
            raise Conflict(LAST_ADMIN)
        _use_up_links(session, coordinator.id, utcnow())
    coordinator.active = active
    _flush(session)
    audit_log.record_action(
        session,
        admin_id,
        "coordinator.reactivate" if active else "coordinator.deactivate",
        "coordinator",
        coordinator.id,
    )
    session.flush()
    return coordinator


def request_password_reset(
    session: Session, email: str, settings: Settings, now: dt.datetime | None = None
) -> str | None:
    """E-mail a reset link to the active account with this address; None if there is none.

    The caller shows the same answer either way, so the page never tells whether
    an address has an account.
    """
    return password_links.request_reset(session, OFFICE, email, settings, now or utcnow())


def link_account(
    session: Session, token: str, now: dt.datetime | None = None
) -> tuple[Coordinator, CoordinatorTokenPurpose] | None:
    """The account and purpose of a usable link (the link is not used up by looking)."""
    return password_links.account_of_link(session, OFFICE, token, now or utcnow())


def set_password_with_link(
    session: Session, token: str, password: str, now: dt.datetime | None = None
) -> Coordinator | None:
    """Set the password through a usable link and use the link up; None if it is not usable."""
    return password_links.set_password_with_link(session, OFFICE, token, password, now or utcnow())
