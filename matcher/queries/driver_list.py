"""The office's driver list: search by name, phone or municipality, filter by vetting, paged."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from matcher.models import Driver
from matcher.models import DriverVetting
from matcher.models import Place
from matcher.queries.rider_list import PAGE_SIZE
from matcher.queries.rider_list import phone_digits


@dataclass(frozen=True)
class DriverFilter:
    """What the office typed; empty fields do not filter."""

    text: str = ""
    municipality: str = ""
    vetting: DriverVetting | None = None


@dataclass(frozen=True)
class DriverRow:
    """One line of the list."""

    id: int
    name: str
    phone: str
    municipality: str | None
    vetting: DriverVetting
    seats: int


@dataclass(frozen=True)
class DriverListPage:
    """One page of matching drivers and how many there are in all."""

    rows: list[DriverRow]
    page: int
    pages: int
    total: int


def _conditions(flt: DriverFilter) -> list[sa.ColumnElement[bool]]:
    conditions: list[sa.ColumnElement[bool]] = [Driver.erased_at.is_(None)]
    text = flt.text.strip()
    if text:
        like = f"%{text.lower()}%"
        full_name = sa.func.lower(
            sa.func.coalesce(Driver.first_name, "") + " " + sa.func.coalesce(Driver.last_name, "")
        )
        by_text = full_name.like(like) | sa.func.lower(sa.func.coalesce(Driver.email, "")).like(
            like
        )
        digits = phone_digits(text)
        if len(digits) >= 3:
            by_text = by_text | Driver.phone.like(f"%{digits}%")
        conditions.append(by_text)
    if flt.municipality.strip():
        conditions.append(
            sa.func.lower(sa.func.coalesce(Place.municipality, "")).like(
                f"%{flt.municipality.strip().lower()}%"
            )
        )
    if flt.vetting is not None:
        conditions.append(Driver.vetting_status == flt.vetting)
    return conditions


def list_drivers(session: Session, flt: DriverFilter, page: int = 1) -> DriverListPage:
    """Drivers matching ``flt`` by name, ``PAGE_SIZE`` a page; past the end shows the last."""
    base = (
        sa.select(
            Driver.id,
            Driver.first_name,
            Driver.last_name,
            Driver.phone,
            Place.municipality,
            Driver.vetting_status,
            Driver.seats,
        )
        .outerjoin(Place, Place.id == Driver.home_place_id)
        .where(*_conditions(flt))
    )
    total = session.scalar(sa.select(sa.func.count()).select_from(base.subquery())) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    result = session.execute(
        base.order_by(sa.func.lower(Driver.first_name), sa.func.lower(Driver.last_name), Driver.id)
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    )
    rows = [
        DriverRow(i, f"{f or ''} {la or ''}".strip(), p or "", m, DriverVetting(v), s)
        for i, f, la, p, m, v, s in result
    ]
    return DriverListPage(rows=rows, page=page, pages=pages, total=total)
