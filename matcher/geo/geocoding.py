"""Turning a typed address into coordinates, behind one interface.

The default :class:`OfflineGeocoder` needs no network: it knows the district's
gazetteer (villages, towns) and addresses a coordinator confirmed earlier. A
new house is placed at its village's reference point and marked as
approximate, which is good enough for rural routing until a coordinator
moves the pin. Where configured, :class:`NominatimGeocoder` asks a Nominatim
server through geopy, at most once a second, with a persistent cache that also
remembers "not found" for a while. :class:`ResilientGeocoder` wraps it so a
failing or slow server never blocks or loses a registration: the offline
answer is used and the location is flagged for a coordinator to check.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import threading
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import replace
from enum import StrEnum
from typing import Any
from typing import Protocol

import sqlalchemy as sa
from sqlalchemy.orm import Session

from matcher.clock import utcnow
from matcher.models import GeocodeCacheEntry
from matcher.models import GeocodeStatus
from matcher.models import Place
from matcher.models import PlaceKind
from matcher.settings import Settings

log = logging.getLogger(__name__)

NOMINATIM_TIMEOUT_SECONDS = 5
NOMINATIM_MIN_DELAY_SECONDS = 1.0
NEGATIVE_CACHE_TTL = dt.timedelta(days=7)
"""How long "not found" is believed; streets get added to OpenStreetMap all the time."""
SETTLEMENT_KINDS = (PlaceKind.VILLAGE, PlaceKind.TOWN)


class Precision(StrEnum):
    """How exact a location is, so coordinators know which pins to check."""

    ADDRESS = "address"
    """An address a coordinator confirmed, or a geocoder hit for the house."""
    VILLAGE = "village"
    """The village's reference point: the house is somewhere in it."""
    MAP = "map"
    """A point the person set on a map."""


@dataclass(frozen=True)
class AddressQuery:
    """An address as typed: street and number, plus the village (gazetteer id or typed name)."""

    street: str = ""
    house_number: str = ""
    municipality: str = ""
    postcode: str = ""
    village_place_id: int | None = None

    def one_line(self) -> str:
        """``Hauptstraße 5, 29439 Lüchow (Wendland)``: what a geocoder is asked."""
        house = " ".join(p for p in (self.street.strip(), self.house_number.strip()) if p)
        town = " ".join(p for p in (self.postcode.strip(), self.municipality.strip()) if p)
        return ", ".join(p for p in (house, town) if p)


@dataclass(frozen=True)
class Location:
    """Where an address is, how exact, and who said so."""

    lat: float
    lon: float
    precision: Precision
    source: str
    """``confirmed_address``, ``gazetteer``, ``nominatim`` or ``map``."""
    municipality: str | None = None
    postcode: str | None = None
    display_name: str | None = None
    needs_check: bool = False
    """True if a coordinator should look at it (e.g. the geocoder failed and we fell back)."""


class Geocoder(Protocol):
    """Anything that can locate an address; ``None`` means not found."""

    def locate(self, query: AddressQuery) -> Location | None:
        """The location of ``query``, or None."""
        ...


class GeocoderUnavailable(Exception):
    """The geocoding service failed or timed out; the caller falls back."""


_STREET_SUFFIXES = ((r"str\.?$", "strasse"), (r"strasse$", "strasse"), (r"straße$", "strasse"))


def fold(text: str) -> str:
    """Case, accents, umlauts, spacing folded: ``Lüchow  (Wendland)`` -> ``luechow (wendland)``."""
    text = text.strip().lower().replace("ß", "ss")
    for umlaut, plain in (("ä", "ae"), ("ö", "oe"), ("ü", "ue")):
        text = text.replace(umlaut, plain)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", text)


def normalise_street(street: str) -> str:
    """``Haupt-Str.`` and ``Hauptstraße`` compare equal."""
    text = fold(street).replace("-", "").replace(" ", "")
    for pattern, repl in _STREET_SUFFIXES:
        text = re.sub(pattern, repl, text)
    return text


def normalise_house_number(number: str) -> str:
    """``5 a`` and ``5A`` compare equal."""
    return re.sub(r"[\s\-/]+", "", number.strip().lower())


def normalise_village(name: str) -> str:
    """The village name without the bracketed region: ``Lüchow (Wendland)`` -> ``luechow``."""
    return re.sub(r"\s*\(.*?\)\s*", " ", fold(name)).strip()


def query_key(query: AddressQuery) -> str:
    """The cache key: the one-line query, folded (lower case, single spaces)."""
    return fold(query.one_line())[:400]


class OfflineGeocoder:
    """Locates from the gazetteer and earlier confirmed addresses; never uses the network."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def village(self, query: AddressQuery) -> Place | None:
        """The gazetteer village or town the address lies in."""
        if query.village_place_id is not None:
            place = self.session.get(Place, query.village_place_id)
            if place is not None and place.kind in SETTLEMENT_KINDS and place.has_coordinates:
                return place
        wanted = normalise_village(query.municipality)
        if not wanted:
            return None
        candidates = self.session.scalars(
            sa.select(Place).where(Place.kind.in_(SETTLEMENT_KINDS), Place.lat.is_not(None))
        ).all()
        for place in candidates:
            if normalise_village(place.name) == wanted or (
                place.municipality and normalise_village(place.municipality) == wanted
            ):
                return place
        return None

    def confirmed_address(self, query: AddressQuery, village: Place | None) -> Place | None:
        """An earlier address a coordinator confirmed, same street, number and village."""
        street = normalise_street(query.street)
        number = normalise_house_number(query.house_number)
        if not street:
            return None
        town = normalise_village(village.name if village else query.municipality)
        rows = self.session.scalars(
            sa.select(Place).where(
                Place.kind == PlaceKind.ADDRESS,
                Place.confirmed.is_(True),
                Place.street.is_not(None),
            )
        ).all()
        for place in rows:
            stored_street, _, stored_number = (place.street or "").rpartition(" ")
            if not stored_street:
                stored_street, stored_number = place.street or "", ""
            if (
                normalise_street(stored_street) == street
                and normalise_house_number(stored_number) == number
                and normalise_village(place.municipality or "") == town
            ):
                return place
        return None

    def locate(self, query: AddressQuery) -> Location | None:
        """A confirmed address if known, else the village's reference point, else None."""
        village = self.village(query)
        known = self.confirmed_address(query, village)
        if known is not None and known.lat is not None and known.lon is not None:
            return Location(
                known.lat,
                known.lon,
                Precision.ADDRESS,
                "confirmed_address",
                municipality=known.municipality,
                postcode=known.postcode,
                display_name=known.name,
            )
        if village is None or village.lat is None or village.lon is None:
            return None
        return Location(
            village.lat,
            village.lon,
            Precision.VILLAGE,
            "gazetteer",
            municipality=village.municipality or village.name,
            postcode=village.postcode,
            display_name=village.name,
        )


_RATE_LIMITERS: dict[tuple[str, str], Callable[..., Any]] = {}
_RATE_LIMITERS_LOCK = threading.Lock()


def _shared_nominatim(url: str, user_agent: str) -> Callable[..., Any]:
    """One rate-limited geopy Nominatim per server and process: 1 request a second in total."""
    from geopy.extra.rate_limiter import RateLimiter
    from geopy.geocoders import Nominatim

    key = (url, user_agent)
    with _RATE_LIMITERS_LOCK:
        if key not in _RATE_LIMITERS:
            domain, scheme = url, "https"
            if "://" in url:
                scheme, domain = url.split("://", 1)
            nominatim = Nominatim(
                user_agent=user_agent,
                domain=domain.rstrip("/"),
                scheme=scheme,
                timeout=NOMINATIM_TIMEOUT_SECONDS,
            )
            _RATE_LIMITERS[key] = RateLimiter(
                nominatim.geocode,
                min_delay_seconds=NOMINATIM_MIN_DELAY_SECONDS,
                max_retries=0,
                swallow_exceptions=False,
            )
        return _RATE_LIMITERS[key]


class NominatimGeocoder:
    """geopy's Nominatim with a persistent cache (found and not-found) in ``geocode_cache``.

    ``geocode`` may be injected (tests pass a fake with geopy's ``geocode`` signature);
    otherwise a shared, rate-limited geopy Nominatim for the configured URL is used.
    Raises :class:`GeocoderUnavailable` when the service fails or times out.
    """

    provider = "nominatim"

    def __init__(
        self,
        session: Session,
        settings: Settings,
        geocode: Callable[..., Any] | None = None,
        now: Callable[[], dt.datetime] = utcnow,
    ) -> None:
        self.session = session
        self.settings = settings
        self.now = now
        if geocode is None:
            geocode = _shared_nominatim(settings.nominatim_url, settings.nominatim_user_agent)
        self.geocode = geocode

    def locate(self, query: AddressQuery) -> Location | None:
        """Cached answer if fresh, else ask the server and remember the answer."""
        from geopy.exc import GeopyError

        key = query_key(query)
        if not key:
            return None
        entry = self.session.scalars(
            sa.select(GeocodeCacheEntry).where(
                GeocodeCacheEntry.provider == self.provider, GeocodeCacheEntry.query == key
            )
        ).one_or_none()
        if entry is not None:
            if entry.status == GeocodeStatus.FOUND:
                return self._location(entry.lat, entry.lon, entry.display_name, query)
            if self.now() - entry.fetched_at < NEGATIVE_CACHE_TTL:
                return None
        try:
            found = self.geocode(
                query.one_line() + ", Deutschland",
                exactly_one=True,
                country_codes="de",
                timeout=NOMINATIM_TIMEOUT_SECONDS,
            )
        except GeopyError as error:
            log.warning("geocoder failed for a registration: %s", type(error).__name__)
            raise GeocoderUnavailable(str(error)) from error
        if entry is None:
            entry = GeocodeCacheEntry(provider=self.provider, query=key)
            self.session.add(entry)
        entry.fetched_at = self.now()
        if found is None:
            entry.status, entry.lat, entry.lon, entry.display_name = (
                GeocodeStatus.NOT_FOUND,
                None,
                None,
                None,
            )
            self.session.flush()
            return None
        entry.status = GeocodeStatus.FOUND
        entry.lat, entry.lon = float(found.latitude), float(found.longitude)
        entry.display_name = (getattr(found, "address", None) or "")[:400] or None
        self.session.flush()
        return self._location(entry.lat, entry.lon, entry.display_name, query)

    @staticmethod
    def _location(
        lat: float | None, lon: float | None, display: str | None, query: AddressQuery
    ) -> Location | None:
        if lat is None or lon is None:
            return None
        return Location(
            lat,
            lon,
            Precision.ADDRESS,
            "nominatim",
            municipality=query.municipality or None,
            postcode=query.postcode or None,
            display_name=display,
        )


class ResilientGeocoder:
    """Asks ``primary``; if it fails, or finds nothing, the offline answer flagged for checking."""

    def __init__(self, primary: Geocoder, fallback: Geocoder) -> None:
        self.primary = primary
        self.fallback = fallback

    def locate(self, query: AddressQuery) -> Location | None:
        """Never raises for a service failure: a registration must not be lost to it."""
        try:
            found = self.primary.locate(query)
        except GeocoderUnavailable:
            found = None
            backup = self.fallback.locate(query)
            return replace(backup, needs_check=True) if backup is not None else None
        if found is not None:
            return found
        return self.fallback.locate(query)


def make_geocoder(session: Session, settings: Settings) -> Geocoder:
    """The geocoder ``settings.geocoder`` names: ``offline`` (default) or ``nominatim``."""
    offline = OfflineGeocoder(session)
    if settings.geocoder == "nominatim" and settings.nominatim_url:
        return ResilientGeocoder(NominatimGeocoder(session, settings), offline)
    return offline
