"""The office's list of places: search by name or address, filter by kind, paged; what uses one.

Only listed places (with a gazetteer ``key``) of the kinds the office keeps are
shown; addresses riders typed belong to them and are checked on the rider's page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from matcher.models import LISTED_KINDS
from matcher.models import Driver
from matcher.models import Place
from matcher.models import PlaceKind
from matcher.models import RideNeed
from matcher.models import Rider
from matcher.models import Stop
from matcher.models import Trip
from matcher.models import TripStatus
from matcher.queries.rider_list import PAGE_SIZE


@dataclass(frozen=True)
class PlaceFilter:
    """What the office typed; empty fields do not filter."""

    text: str = ""
    kind: PlaceKind | None = None


@dataclass(frozen=True)
class PlaceRow:
    """One line of the list."""

    id: int
    kind: PlaceKind
    name: str
    street: str | None
    postcode: str | None
    municipality: str | None
    located: bool
    confirmed: bool
    needs: int
    """Ride requests that start, end or stop here."""


@dataclass(frozen=True)
class PlaceListPage:
    """One page of matching places and how many there are in all."""

    rows: list[PlaceRow]
    page: int
    pages: int
    total: int


@dataclass(frozen=True)
class PlaceUsage:
    """What points at a place: what a merge moves, what the planner drives to."""

    needs: int
    coming_trips: int
    past_trips: int
    rider_homes: int
    driver_homes: int
    stops: int

    @property
    def trips(self) -> int:
        """All trips, past and coming."""
        return self.coming_trips + self.past_trips

    @property
    def unused(self) -> bool:
        """Nothing points at the place."""
        return not (self.needs or self.trips or self.rider_homes or self.driver_homes or self.stops)


def _at(model: type[RideNeed] | type[Trip], place_id: Any) -> sa.ColumnElement[bool]:
    return sa.or_(
        model.origin_id == place_id, model.destination_id == place_id, model.via_id == place_id
    )


def _conditions(flt: PlaceFilter) -> list[sa.ColumnElement[bool]]:
    conditions: list[sa.ColumnElement[bool]] = [
        Place.key.is_not(None),
        Place.kind.in_(LISTED_KINDS),
    ]
    text = flt.text.strip().lower()
    if text:
        like = f"%{text}%"
        conditions.append(
            sa.or_(
                *(
                    sa.func.lower(sa.func.coalesce(column, "")).like(like)
                    for column in (Place.name, Place.street, Place.postcode, Place.municipality)
                )
            )
        )
    if flt.kind is not None:
        conditions.append(Place.kind == flt.kind)
    return conditions


def list_places(session: Session, flt: PlaceFilter, page: int = 1) -> PlaceListPage:
    """Places matching ``flt`` by name, ``PAGE_SIZE`` a page; past the end shows the last."""
    needs = (
        sa.select(sa.func.count(RideNeed.id))
        .where(_at(RideNeed, Place.id))
        .correlate(Place)
        .scalar_subquery()
    )
    base = sa.select(
        Place.id,
        Place.kind,
        Place.name,
        Place.street,
        Place.postcode,
        Place.municipality,
        Place.lat.is_not(None),
        Place.confirmed,
        needs,
    ).where(*_conditions(flt))
    total = session.scalar(sa.select(sa.func.count()).select_from(base.subquery())) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    result = session.execute(
        base.order_by(sa.func.lower(Place.name), Place.id)
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    )
    rows = [
        PlaceRow(i, PlaceKind(k), n, s, p, m, bool(located), bool(c), int(u or 0))
        for i, k, n, s, p, m, located, c, u in result
    ]
    return PlaceListPage(rows=rows, page=page, pages=pages, total=total)


def place_usage(session: Session, place_id: int, today: dt.date) -> PlaceUsage:
    """How many needs, trips (coming and past), homes and route stops point at the place."""

    def count(statement: sa.Select[Any]) -> int:
        return int(session.scalar(statement) or 0)

    trips = sa.select(sa.func.count(Trip.id)).where(_at(Trip, place_id))
    return PlaceUsage(
        needs=count(sa.select(sa.func.count(RideNeed.id)).where(_at(RideNeed, place_id))),
        coming_trips=count(trips.where(Trip.day >= today, Trip.status != TripStatus.CANCELLED)),
        past_trips=count(
            trips.where(sa.or_(Trip.day < today, Trip.status == TripStatus.CANCELLED))
        ),
        rider_homes=count(
            sa.select(sa.func.count(Rider.id)).where(Rider.home_place_id == place_id)
        ),
        driver_homes=count(
            sa.select(sa.func.count(Driver.id)).where(Driver.home_place_id == place_id)
        ),
        stops=count(sa.select(sa.func.count(Stop.id)).where(Stop.place_id == place_id)),
    )
