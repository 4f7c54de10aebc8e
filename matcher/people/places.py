"""Places people type in registration forms: their home, a destination not in the gazetteer.

A typed address becomes a place of kind ``address``; an address typed exactly as
an earlier one (street and number, municipality, postcode) is that place again,
so registering twice or two people of one household do not add rows, and a
location the office confirmed serves the next registration too. A point set on
a map is the registrant's own and always makes a new place. Coordinates come
from the configured geocoder; an address that cannot be located is still saved,
without coordinates, and reported as "to check".

Erasing a person blanks their address places (``release_address``): a place
nobody else uses is blanked where it is; one that others still use stays theirs,
and the erased person's rows move to a blanked copy.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from matcher.errors import N_
from matcher.errors import ValidationError
from matcher.geo.geocoding import AddressQuery
from matcher.geo.geocoding import Geocoder
from matcher.geo.geocoding import Precision
from matcher.models import Driver
from matcher.models import Place
from matcher.models import PlaceKind
from matcher.models import PlaceSource
from matcher.models import RideNeed
from matcher.models import Rider
from matcher.models import Route
from matcher.models import Stop
from matcher.models import StopKind
from matcher.models import Trip

SETTLEMENTS = (PlaceKind.VILLAGE, PlaceKind.TOWN)
# Roughly Germany: a map point outside it is a slip of the finger.
LAT_RANGE = (47.0, 55.2)
LON_RANGE = (5.8, 15.1)


@dataclass(frozen=True)
class AddressInput:
    """Street and number plus the village (a gazetteer place id) or a typed town; or a map point."""

    street: str = ""
    house_number: str = ""
    village_place_id: int | None = None
    municipality: str = ""
    lat: float | None = None
    lon: float | None = None


def gazetteer_place(session: Session, place_id: int, field: str) -> Place:
    """A gazetteer place (with a key), or a ValidationError on ``field``."""
    place = session.get(Place, place_id)
    if place is None or place.key is None:
        raise ValidationError(N_("Please choose a place from the list."), field=field)
    return place


def place_for_address(
    session: Session, geocoder: Geocoder, address: AddressInput, field: str
) -> tuple[Place, bool]:
    """The place for ``address`` and whether a coordinator must check its location.

    The identical earlier address place if there is one (``same_address``), else a new one.
    """
    village = None
    if address.village_place_id is not None:
        village = gazetteer_place(session, address.village_place_id, f"{field}_village")
        if village.kind not in SETTLEMENTS:
            raise ValidationError(N_("Please choose a village or town."), field=f"{field}_village")
    municipality = village.municipality or village.name if village else address.municipality
    street = " ".join(p for p in (address.street.strip(), address.house_number.strip()) if p)
    if not street and not municipality and address.lat is None:
        raise ValidationError(N_("Please give the address."), field=f"{field}_street")
    place = Place(
        kind=PlaceKind.ADDRESS,
        name=", ".join(p for p in (street, municipality) if p) or "?",
        street=street or None,
        municipality=municipality or None,
        postcode=village.postcode if village else None,
        confirmed=False,
    )
    if address.lat is not None and address.lon is not None:
        if not (
            LAT_RANGE[0] <= address.lat <= LAT_RANGE[1]
            and LON_RANGE[0] <= address.lon <= LON_RANGE[1]
        ):
            raise ValidationError(
                N_("The point on the map is outside the area we serve."), field=f"{field}_map"
            )
        place.lat, place.lon, place.source = address.lat, address.lon, PlaceSource.MAP
        session.add(place)
        return place, False
    earlier = same_address(session, place)
    if earlier is not None and earlier.confirmed:
        return earlier, False  # the office vouched for it: nothing to look up or check
    query = AddressQuery(
        street=address.street,
        house_number=address.house_number,
        municipality=municipality or "",
        postcode=place.postcode or "",
        village_place_id=village.id if village else None,
    )
    location = geocoder.locate(query)
    to_check = location is None or location.needs_check
    if earlier is not None:
        place = earlier
        if place.has_coordinates:  # an earlier answer, or a point the office set, stays
            return place, to_check
    if location is not None:
        place.lat, place.lon = location.lat, location.lon
        place.source = (
            PlaceSource.GEOCODER if location.source == "nominatim" else PlaceSource.GAZETTEER
        )
        # Same coordinates as an address a coordinator already confirmed: confirmed too.
        place.confirmed = (
            location.precision == Precision.ADDRESS and location.source == "confirmed_address"
        )
    session.add(place)
    return place, to_check


def same_address(session: Session, typed: Place) -> Place | None:
    """The address place typed exactly like ``typed``, confirmed ones first.

    Exactly: the same street and number, municipality and postcode. None for an
    address without a street (a blanked place has none, and a village alone is
    nobody's address).
    """
    if not typed.street:
        return None
    return session.scalars(
        sa.select(Place)
        .where(
            Place.kind == PlaceKind.ADDRESS,
            Place.key.is_(None),
            Place.name == typed.name,
            Place.street == typed.street,
            Place.municipality.is_not_distinct_from(typed.municipality),
            Place.postcode.is_not_distinct_from(typed.postcode),
        )
        .order_by(Place.confirmed.desc(), Place.id)
        .limit(1)
    ).first()


def blank_address(place: Place) -> None:
    """Keep only the municipality (for statistics); the street and the point are personal."""
    place.confirmed = False
    place.lat = place.lon = None
    place.street = None
    place.name = place.municipality or "—"


def release_address(
    session: Session, place: Place, *, rider_id: int | None = None, driver_id: int | None = None
) -> Place:
    """Blank an erased rider's or driver's address place; the blanked place their rows use.

    A place nobody else uses is blanked where it is. One that others still use
    (a household, a second registration) stays as it is for them: the erased
    person's home, needs, trips and route stops move to a blanked copy.
    """
    session.flush()
    own_trips = sa.select(Trip.id).where(Trip.rider_id == rider_id)
    own_routes = sa.select(Route.id).where(Route.driver_id == driver_id)
    at = [
        sa.select(Rider.id).where(Rider.home_place_id == place.id, Rider.id != rider_id),
        sa.select(Driver.id).where(Driver.home_place_id == place.id, Driver.id != driver_id),
    ]
    for model in (RideNeed, Trip):
        at.append(
            sa.select(model.id).where(
                sa.or_(
                    model.origin_id == place.id,
                    model.destination_id == place.id,
                    model.via_id == place.id,
                ),
                model.rider_id.is_distinct_from(rider_id),
            )
        )
    own_stop = sa.or_(
        sa.and_(Stop.trip_id.is_not(None), Stop.trip_id.in_(own_trips)),
        sa.and_(Stop.kind.in_((StopKind.START, StopKind.END)), Stop.route_id.in_(own_routes)),
    )
    at.append(sa.select(Stop.id).where(Stop.place_id == place.id, ~own_stop))
    if not any(session.scalar(sa.select(q.exists())) for q in at):
        blank_address(place)
        return place
    copy = Place(
        kind=place.kind,
        name=place.name,
        municipality=place.municipality,
        postcode=place.postcode,
        source=place.source,
        is_demo=place.is_demo,
    )
    blank_address(copy)
    session.add(copy)
    session.flush()
    moves = [
        sa.update(Rider)
        .where(Rider.id == rider_id, Rider.home_place_id == place.id)
        .values(home_place_id=copy.id),
        sa.update(Driver)
        .where(Driver.id == driver_id, Driver.home_place_id == place.id)
        .values(home_place_id=copy.id),
        sa.update(Stop).where(Stop.place_id == place.id, own_stop).values(place_id=copy.id),
    ]
    for model in (RideNeed, Trip):
        for column in ("origin_id", "destination_id", "via_id"):
            moves.append(
                sa.update(model)
                .where(model.rider_id == rider_id, getattr(model, column) == place.id)
                .values({column: copy.id})
            )
    for statement in moves:
        session.execute(statement.execution_options(synchronize_session=False))
    session.expire_all()  # the updates above bypassed the objects this session holds
    return copy
