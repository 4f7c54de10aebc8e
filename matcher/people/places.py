"""Places people type in registration forms: their home, a destination not in the gazetteer.

Each typed address becomes a place of its own (kind ``address``), so erasing
a rider can blank it without touching anyone else. Coordinates come from the
configured geocoder; a point set on a map wins. An address that cannot be
located is still saved, without coordinates, and reported as "to check".
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from matcher.errors import N_
from matcher.errors import ValidationError
from matcher.geo.geocoding import AddressQuery
from matcher.geo.geocoding import Geocoder
from matcher.geo.geocoding import Precision
from matcher.models import Place
from matcher.models import PlaceKind
from matcher.models import PlaceSource

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
    """A new address place for ``address`` and whether a coordinator must check its location."""
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
    query = AddressQuery(
        street=address.street,
        house_number=address.house_number,
        municipality=municipality or "",
        postcode=place.postcode or "",
        village_place_id=village.id if village else None,
    )
    location = geocoder.locate(query)
    to_check = location is None or location.needs_check
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
