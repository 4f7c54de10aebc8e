"""Flagged locations: the office confirms where a rider's typed address really is.

A registration is never lost because an address is not found exactly: the
place is saved with the village's coordinates (or none) and the rider is
flagged ``location_to_check``. The office then fixes each such place, either by
clicking the spot on the map (the coordinates are set and vouched for) or by
choosing a gazetteer place instead (the rider's home, needs and coming trips
move to it). Once none of the rider's places is left to check, the flag clears.
Trips point at places, so a corrected point is what the next planner run uses.

A fix names the coordinates it saw (``seen``): if another coordinator fixed the
place meanwhile, the second fix is refused instead of silently overwriting it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from matcher import audit as audit_log
from matcher.errors import N_
from matcher.errors import Conflict
from matcher.errors import NotFound
from matcher.errors import ValidationError
from matcher.models import Place
from matcher.models import PlaceKind
from matcher.models import PlaceSource
from matcher.models import RideNeed
from matcher.models import Rider
from matcher.models import Trip
from matcher.models import TripStatus
from matcher.people.places import LAT_RANGE
from matcher.people.places import LON_RANGE

CHANGED_MEANWHILE = N_("Someone else fixed this place meanwhile. Please look at it again.")


@dataclass(frozen=True)
class PlaceToCheck:
    """One of the rider's places the office has not vouched for, and what it is to them."""

    place: Place
    is_home: bool
    needs: tuple[RideNeed, ...]


@dataclass(frozen=True)
class Seen:
    """The place's coordinates as the coordinator's page showed them."""

    lat: float | None
    lon: float | None

    def matches(self, place: Place) -> bool:
        """True if ``place`` still has these coordinates (to six decimals, as the form shows)."""

        def same(a: float | None, b: float | None) -> bool:
            return (a is None and b is None) or (
                a is not None and b is not None and round(a, 6) == round(b, 6)
            )

        return same(self.lat, place.lat) and same(self.lon, place.lon)


def _lacks_a_point(place: Place) -> bool:
    """A typed address with no coordinates at all: the planner cannot route to it."""
    return place.kind == PlaceKind.ADDRESS and not place.has_coordinates


def _approximate(place: Place) -> bool:
    """A typed address placed by a fallback (a village's centre) that nobody vouched for."""
    return (
        place.kind == PlaceKind.ADDRESS
        and place.has_coordinates
        and not place.confirmed
        and place.source != PlaceSource.MAP  # a point the rider tapped counts as exact
    )


def places_to_check(rider: Rider) -> list[PlaceToCheck]:
    """The rider's home and need places that need the office's look, home first.

    Places without coordinates always do; while the rider is flagged, so do
    the approximate ones (registration flags a rider whose address a geocoder
    could only place roughly).
    """

    def wanted(place: Place | None) -> bool:
        return place is not None and (
            _lacks_a_point(place) or (rider.location_to_check and _approximate(place))
        )

    found: dict[int, tuple[Place, bool, list[RideNeed]]] = {}
    if rider.home_place is not None and wanted(rider.home_place):
        found[rider.home_place.id] = (rider.home_place, True, [])
    for need in rider.needs:
        for place in (need.origin, need.destination, need.via):
            if place is not None and wanted(place):
                entry = found.setdefault(place.id, (place, False, []))
                if need not in entry[2]:
                    entry[2].append(need)
    return [PlaceToCheck(p, home, tuple(needs)) for p, home, needs in found.values()]


def lacks_a_point(rider: Rider) -> bool:
    """True while one of the rider's places cannot be routed to (no coordinates)."""
    places = [rider.home_place] + [p for n in rider.needs for p in (n.origin, n.destination, n.via)]
    return any(p is not None and _lacks_a_point(p) for p in places)


def _rider_and_place(session: Session, rider_id: int, place_id: int) -> tuple[Rider, Place]:
    rider = session.get(Rider, rider_id)
    if rider is None or rider.erased_at is not None:
        raise NotFound(N_("This rider does not exist (any more)."))
    for item in places_to_check(rider):
        if item.place.id == place_id:
            return rider, item.place
    raise Conflict(CHANGED_MEANWHILE)


def _settle_flag(rider: Rider) -> None:
    """After a fix the flag stays only while a place still has no point at all."""
    rider.location_to_check = lacks_a_point(rider)


def set_point(
    session: Session,
    rider_id: int,
    place_id: int,
    *,
    lat: float,
    lon: float,
    seen: Seen,
    actor_id: int | None,
) -> Place:
    """Put the place where the coordinator clicked (or typed) and vouch for it."""
    rider, place = _rider_and_place(session, rider_id, place_id)
    if not seen.matches(place):
        raise Conflict(CHANGED_MEANWHILE)
    if not (LAT_RANGE[0] <= lat <= LAT_RANGE[1] and LON_RANGE[0] <= lon <= LON_RANGE[1]):
        raise ValidationError(N_("The point on the map is outside the area we serve."), field="lat")
    before = {"lat": place.lat, "lon": place.lon}
    place.lat, place.lon = round(lat, 6), round(lon, 6)
    place.source, place.confirmed = PlaceSource.MAP, True
    _settle_flag(rider)
    audit_log.record_action(
        session,
        actor_id,
        "location_fixed",
        "place",
        place.id,
        rider_id=rider.id,
        before=before,
        after={"lat": place.lat, "lon": place.lon},
    )
    session.flush()
    return place


def use_gazetteer_place(
    session: Session,
    rider_id: int,
    place_id: int,
    gazetteer_place_id: int,
    *,
    seen: Seen,
    actor_id: int | None,
    today: dt.date,
) -> Place:
    """Replace the typed place by a gazetteer place in the rider's home, needs and coming trips.

    Past trips keep the place they were driven to; so do published routes,
    whose stops are history. Raises ``ValidationError`` if a ride would start
    where it ends.
    """
    rider, place = _rider_and_place(session, rider_id, place_id)
    if not seen.matches(place):
        raise Conflict(CHANGED_MEANWHILE)
    chosen = session.get(Place, gazetteer_place_id)
    if chosen is None or chosen.key is None or not chosen.has_coordinates:
        raise ValidationError(N_("Please choose a place from the list."), field="gazetteer_place")
    if rider.home_place_id == place.id:
        rider.home_place = chosen
    for need in rider.needs:
        _replace_in(need, place, chosen)
    trips = session.scalars(
        sa.select(Trip).where(
            Trip.rider_id == rider.id,
            Trip.day >= today,
            Trip.status != TripStatus.CANCELLED,
            sa.or_(
                Trip.origin_id == place.id,
                Trip.destination_id == place.id,
                Trip.via_id == place.id,
            ),
        )
    ).all()
    for trip in trips:
        _replace_in(trip, place, chosen)
    _settle_flag(rider)
    audit_log.record_action(
        session,
        actor_id,
        "location_replaced",
        "place",
        place.id,
        rider_id=rider.id,
        by_place_id=chosen.id,
        by_place=chosen.name,
        trips=len(trips),
    )
    session.flush()
    return chosen


def _replace_in(item: RideNeed | Trip, old: Place, new: Place) -> None:
    if item.origin_id == old.id:
        item.origin = new
    if item.destination_id == old.id:
        item.destination = new
    if item.via_id == old.id:
        item.via = new
    if item.origin_id == item.destination_id or item.origin is item.destination:
        raise ValidationError(
            N_("With this place a ride would start where it ends. Please choose another."),
            field="gazetteer_place",
        )


def gazetteer_places(session: Session) -> list[Place]:
    """The listed places with coordinates, by kind and name: what a typed one may become."""
    return list(
        session.scalars(
            sa.select(Place)
            .where(Place.key.is_not(None), Place.lat.is_not(None))
            .order_by(Place.kind, Place.name)
        )
    )
