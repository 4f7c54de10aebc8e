"""Partner staff accounts: invited by a coordinator, password set through a link, login, reset.

The same rules as office accounts (``matcher.people.password_links``): an invited
account has no password until the invitee sets one through a single-use link; a
reset link can be asked for from the login page, and the caller answers the same
whether the address is known or not; a new password ends every other session.
A staff member works while both the account and the organisation are active.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from matcher import audit as audit_log
from matcher.clock import utcnow
from matcher.errors import N_
from matcher.errors import Conflict
from matcher.errors import NotFound
from matcher.errors import ValidationError
from matcher.models import ActorType
from matcher.models import CoordinatorTokenPurpose
from matcher.models import PartnerStaff
from matcher.models import PartnerStaffToken
from matcher.models.people import LOCALES
from matcher.partners.organisations import get_partner
from matcher.people import password_links
from matcher.settings import Settings
from matcher.text import normalise_email

CONFLICT = N_("Someone else changed this account meanwhile. Please look at it again.")


def works(staff: PartnerStaff | None) -> bool:
    """True while the account and its organisation are both active."""
    return staff is not None and staff.active and staff.partner.active


PARTNER_STAFF: password_links.AccountKind[PartnerStaff] = password_links.AccountKind(
    model=PartnerStaff,
    token_model=PartnerStaffToken,
    actor_type=ActorType.PARTNER,
    entity="partner_staff",
    messages="partner",
    link_path="/partner/password/",
    works=works,
    context=lambda staff: {"partner": staff.partner.name},
)
"""Partner staff accounts as ``password_links`` sees them."""


def invite_staff(
    session: Session,
    *,
    partner_id: int,
    email: str,
    name: str,
    locale: str,
    coordinator_id: int,
    settings: Settings,
    now: dt.datetime | None = None,
) -> PartnerStaff:
    """Create a staff account without a password and e-mail the invitee a link to set one."""
    partner = get_partner(session, partner_id)
    if not partner.active:
        raise Conflict(N_("This partner is deactivated."))
    if locale not in LOCALES:
        raise ValidationError(N_("Unsupported language: {locale}."), field="locale", locale=locale)
    address = normalise_email(email or "", field="email")
    if password_links.find(session, PARTNER_STAFF, address) is not None:
        raise Conflict(N_("An account with this e-mail address exists already."))
    staff = PartnerStaff(partner=partner, email=address, name=(name or "").strip(), locale=locale)
    session.add(staff)
    session.flush()
    password_links.send_link(
        session, PARTNER_STAFF, staff, CoordinatorTokenPurpose.INVITE, settings, now or utcnow()
    )
    audit_log.record_action(
        session,
        coordinator_id,
        "partner_staff.invite",
        "partner_staff",
        staff.id,
        partner=partner.id,
    )
    session.flush()
    return staff


def _account(session: Session, partner_id: int, staff_id: int, row_version: int) -> PartnerStaff:
    staff = session.get(PartnerStaff, staff_id)
    if staff is None or staff.partner_id != partner_id:
        raise NotFound(N_("This account does not exist."))
    if staff.row_version != row_version:
        raise Conflict(CONFLICT)
    return staff


def _flush(session: Session) -> None:
    try:
        session.flush()
    except StaleDataError as error:
        raise Conflict(CONFLICT) from error


def resend_invitation(
    session: Session,
    partner_id: int,
    staff_id: int,
    row_version: int,
    coordinator_id: int,
    settings: Settings,
    now: dt.datetime | None = None,
) -> PartnerStaff:
    """A new invitation link for an account whose password is not set yet (the old one dies)."""
    staff = _account(session, partner_id, staff_id, row_version)
    if not staff.invitation_pending:
        raise Conflict(N_("This person has set a password already."))
    if not works(staff):
        raise Conflict(N_("This account is deactivated."))
    password_links.send_link(
        session, PARTNER_STAFF, staff, CoordinatorTokenPurpose.INVITE, settings, now or utcnow()
    )
    audit_log.record_action(
        session, coordinator_id, "partner_staff.reinvite", "partner_staff", staff.id
    )
    session.flush()
    return staff


def set_staff_active(
    session: Session,
    partner_id: int,
    staff_id: int,
    row_version: int,
    active: bool,
    coordinator_id: int,
) -> PartnerStaff:
    """Deactivate (sessions and links stop working at once) or reactivate a staff account."""
    staff = _account(session, partner_id, staff_id, row_version)
    if staff.active == active:
        return staff
    if not active:
        password_links.use_up(session, PartnerStaffToken, staff.id, utcnow())
    staff.active = active
    _flush(session)
    action = "partner_staff.reactivate" if active else "partner_staff.deactivate"
    audit_log.record_action(session, coordinator_id, action, "partner_staff", staff.id)
    session.flush()
    return staff


def authenticate_staff(session: Session, email: str, password: str) -> PartnerStaff | None:
    """The working staff member with this e-mail and password, or None (same cost if unknown)."""
    return password_links.log_in(session, PARTNER_STAFF, email, password)


def request_password_reset(
    session: Session, email: str, settings: Settings, now: dt.datetime | None = None
) -> str | None:
    """E-mail a reset link (an invitation while none was taken up) to a working account."""
    return password_links.request_reset(session, PARTNER_STAFF, email, settings, now or utcnow())


def link_account(
    session: Session, token: str, now: dt.datetime | None = None
) -> tuple[PartnerStaff, CoordinatorTokenPurpose] | None:
    """The account and purpose of a usable link (the link is not used up by looking)."""
    return password_links.account_of_link(session, PARTNER_STAFF, token, now or utcnow())


def set_password_with_link(
    session: Session, token: str, password: str, now: dt.datetime | None = None
) -> PartnerStaff | None:
    """Set the password through a usable link and use the link up; None if it is not usable."""
    return password_links.set_password_with_link(
        session, PARTNER_STAFF, token, password, now or utcnow()
    )


def staff_member(session: Session, staff_id: int) -> PartnerStaff | None:
    """The staff member if the account works (for the login session), else None."""
    staff = session.get(PartnerStaff, staff_id)
    return staff if works(staff) else None
