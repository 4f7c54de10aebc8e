"""What a partner's staff see: the riders their organisation referred, never anyone else's.

Every read of a rider on a partner page goes through :func:`partner_rider`, which
answers ``NotFound`` for a rider of another partner exactly as for one who does
not exist, so a URL, a form field or a guessed id tells nothing. Erased riders
are left out: nothing of them is left to see.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm import selectinload

from matcher.errors import N_
from matcher.errors import NotFound
from matcher.models import NeedPurpose
from matcher.models import NeedStatus
from matcher.models import RideNeed
from matcher.models import Rider


@dataclass(frozen=True)
class NeedLine:
    """One ride need as the partner sees it."""

    purpose: NeedPurpose
    destination: str
    status: NeedStatus


@dataclass(frozen=True)
class PartnerRiderRow:
    """One rider of the partner's list."""

    rider_id: int
    first_name: str
    phone: str | None
    email: str | None
    registered_at: dt.datetime
    needs: tuple[NeedLine, ...]


def _of_partner(partner_id: int) -> sa.Select[Rider]:
    return sa.select(Rider).where(Rider.partner_id == partner_id, Rider.erased_at.is_(None))


def partner_rider(session: Session, partner_id: int, rider_id: int) -> Rider:
    """The rider if ``partner_id`` referred her; ``NotFound`` for anyone else's or nobody's."""
    rider = session.scalar(_of_partner(partner_id).where(Rider.id == rider_id))
    if rider is None:
        raise NotFound(N_("This rider does not exist."))
    return rider


def _needs(rider: Rider) -> tuple[NeedLine, ...]:
    return tuple(
        NeedLine(n.purpose, n.destination.name, n.status)
        for n in sorted(rider.needs, key=lambda n: n.id)
    )


def partner_riders(session: Session, partner_id: int) -> list[PartnerRiderRow]:
    """The partner's riders, newest first, each with her needs."""
    riders = session.scalars(
        _of_partner(partner_id)
        .options(selectinload(Rider.needs).selectinload(RideNeed.destination))
        .order_by(Rider.created_at.desc(), Rider.id.desc())
    ).all()
    return [
        PartnerRiderRow(
            rider_id=r.id,
            first_name=r.first_name or "",
            phone=r.phone,
            email=r.email,
            registered_at=r.created_at,
            needs=_needs(r),
        )
        for r in riders
    ]
