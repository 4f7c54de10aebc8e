"""The office's rider list: search by name, phone, municipality, need status and purpose, paged.

Read-only; the coordinators' rider page renders a :class:`RiderListPage`. Erased
riders are left out (nothing of them is left to find), and the phone search
matches digits only, so ``0151 123`` finds ``+49151123...`` as the office types it.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from matcher.models import NeedPurpose
from matcher.models import NeedStatus
from matcher.models import Place
from matcher.models import RideNeed
from matcher.models import Rider

PAGE_SIZE = 25


@dataclass(frozen=True)
class RiderFilter:
    """What the office typed into the search; empty fields do not filter."""

    text: str = ""
    municipality: str = ""
    status: NeedStatus | None = None
    purpose: NeedPurpose | None = None


@dataclass(frozen=True)
class RiderRow:
    """One line of the list."""

    id: int
    first_name: str
    phone: str
    municipality: str | None
    place_name: str | None


@dataclass(frozen=True)
class RiderListPage:
    """One page of matching riders and how many there are in all."""

    rows: list[RiderRow]
    page: int
    pages: int
    total: int


def phone_digits(text: str) -> str:
    """The national part of a typed number: ``0151 12`` and ``+49 151 12`` both give ``15112``."""
    digits = "".join(ch for ch in text if ch.isdigit())
    if text.strip().startswith("+49") or digits.startswith("0049"):
        digits = digits[4:] if digits.startswith("0049") else digits[2:]
    return digits.lstrip("0")


def _condition(flt: RiderFilter) -> list[sa.ColumnElement[bool]]:
    conditions: list[sa.ColumnElement[bool]] = [Rider.erased_at.is_(None)]
    text = flt.text.strip()
    if text:
        digits = phone_digits(text)
        like = f"%{text.lower()}%"
        by_text = sa.func.lower(Rider.first_name).like(like) | sa.func.lower(
            sa.func.coalesce(Rider.email, "")
        ).like(like)
        if digits and len(digits) >= 3:
            by_text = by_text | Rider.phone.like(f"%{digits}%")
        conditions.append(by_text)
    if flt.municipality.strip():
        conditions.append(
            sa.func.lower(sa.func.coalesce(Place.municipality, "")).like(
                f"%{flt.municipality.strip().lower()}%"
            )
        )
    if flt.status is not None or flt.purpose is not None:
        need = sa.select(RideNeed.id).where(RideNeed.rider_id == Rider.id)
        if flt.status is not None:
            need = need.where(RideNeed.status == flt.status)
        if flt.purpose is not None:
            need = need.where(RideNeed.purpose == flt.purpose)
        conditions.append(need.exists())
    return conditions


def list_riders(session: Session, flt: RiderFilter, page: int = 1) -> RiderListPage:
    """Riders matching ``flt``, by name, ``PAGE_SIZE`` a page; past the end shows the last."""
    base = (
        sa.select(Rider.id, Rider.first_name, Rider.phone, Place.municipality, Place.name)
        .outerjoin(Place, Place.id == Rider.home_place_id)
        .where(*_condition(flt))
    )
    total = session.scalar(sa.select(sa.func.count()).select_from(base.subquery())) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    result = session.execute(
        base.order_by(sa.func.lower(Rider.first_name), Rider.id)
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    )
    rows = [
        RiderRow(id=i, first_name=n or "", phone=p or "", municipality=m, place_name=pl)
        for i, n, p, m, pl in result
    ]
    return RiderListPage(rows=rows, page=page, pages=pages, total=total)
