"""The office's partner organisations: created, changed and deactivated by coordinators.

A partner is never deleted (its riders keep the reference); a deactivated one's staff
cannot log in and receives no messages. Changes carry the row version, so of two
coordinators changing one partner the second is told to look again.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from matcher import audit as audit_log
from matcher.errors import N_
from matcher.errors import Conflict
from matcher.errors import NotFound
from matcher.errors import ValidationError
from matcher.models import PartnerKind
from matcher.models import PartnerOrganisation
from matcher.models.people import LOCALES
from matcher.text import normalise_email

CONFLICT = N_("Someone else changed this partner meanwhile. Please look at it again.")
NAME_TAKEN = N_("A partner with this name exists already.")


@dataclass(frozen=True)
class PartnerInput:
    """What the office types about a partner."""

    name: str
    kind: str
    email: str
    locale: str = "de"


def _checked(session: Session, data: PartnerInput, partner_id: int | None) -> PartnerInput:
    try:
        kind = PartnerKind(data.kind)
    except ValueError:
        raise ValidationError(
            N_("Please choose what kind of partner this is."), field="kind"
        ) from None
    if data.locale not in LOCALES:
        raise ValidationError(
            N_("Unsupported language: {locale}."), field="locale", locale=data.locale
        )
    name = " ".join((data.name or "").split())
    if not name:
        raise ValidationError(N_("Please give the partner's name."), field="name")
    email = normalise_email(data.email or "", field="email")
    taken = session.scalar(
        sa.select(PartnerOrganisation.id).where(
            sa.func.lower(PartnerOrganisation.name) == name.lower(),
            PartnerOrganisation.id != (partner_id or 0),
        )
    )
    if taken is not None:
        raise Conflict(NAME_TAKEN)
    return PartnerInput(name=name, kind=kind.value, email=email, locale=data.locale)


def create_partner(
    session: Session, data: PartnerInput, coordinator_id: int
) -> PartnerOrganisation:
    """A new partner organisation (audited)."""
    checked = _checked(session, data, None)
    partner = PartnerOrganisation(
        name=checked.name,
        kind=PartnerKind(checked.kind),
        email=checked.email,
        locale=checked.locale,
    )
    session.add(partner)
    session.flush()
    audit_log.record_action(
        session, coordinator_id, "partner.create", "partner", partner.id, kind=checked.kind
    )
    session.flush()
    return partner


def get_partner(session: Session, partner_id: int) -> PartnerOrganisation:
    """The partner, or NotFound."""
    partner = session.get(PartnerOrganisation, partner_id)
    if partner is None:
        raise NotFound(N_("This partner does not exist."))
    return partner


def _versioned(session: Session, partner_id: int, row_version: int) -> PartnerOrganisation:
    partner = get_partner(session, partner_id)
    if partner.row_version != row_version:
        raise Conflict(CONFLICT)
    return partner


def _flush(session: Session) -> None:
    try:
        session.flush()
    except StaleDataError as error:
        raise Conflict(CONFLICT) from error


def update_partner(
    session: Session, partner_id: int, row_version: int, data: PartnerInput, coordinator_id: int
) -> PartnerOrganisation:
    """Change the partner's name, kind, contact address or language."""
    partner = _versioned(session, partner_id, row_version)
    checked = _checked(session, data, partner.id)
    partner.name, partner.kind = checked.name, PartnerKind(checked.kind)
    partner.email, partner.locale = checked.email, checked.locale
    _flush(session)
    audit_log.record_action(session, coordinator_id, "partner.update", "partner", partner.id)
    session.flush()
    return partner


def set_partner_active(
    session: Session, partner_id: int, row_version: int, active: bool, coordinator_id: int
) -> PartnerOrganisation:
    """Deactivate a partner (its staff are out at their next click) or reactivate it."""
    partner = _versioned(session, partner_id, row_version)
    if partner.active == active:
        return partner
    partner.active = active
    _flush(session)
    action = "partner.reactivate" if active else "partner.deactivate"
    audit_log.record_action(session, coordinator_id, action, "partner", partner.id)
    session.flush()
    return partner


def list_partners(session: Session) -> list[PartnerOrganisation]:
    """Every partner: active ones first, then by name."""
    return list(
        session.scalars(
            sa.select(PartnerOrganisation).order_by(
                PartnerOrganisation.active.desc(), PartnerOrganisation.name
            )
        )
    )
