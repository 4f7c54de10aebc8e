"""Offline geocoding, the Nominatim adapter's cache, and falling back when it fails (no network)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from geopy.exc import GeocoderTimedOut
from geopy.exc import GeocoderUnavailable as GeopyUnavailable

from matcher.geo.geocoding import NEGATIVE_CACHE_TTL
from matcher.geo.geocoding import AddressQuery
from matcher.geo.geocoding import GeocoderUnavailable
from matcher.geo.geocoding import NominatimGeocoder
from matcher.geo.geocoding import OfflineGeocoder
from matcher.geo.geocoding import Precision
from matcher.geo.geocoding import ResilientGeocoder
from matcher.geo.geocoding import make_geocoder
from matcher.geo.geocoding import normalise_street
from matcher.models import GeocodeCacheEntry
from matcher.models import GeocodeStatus
from matcher.models import NeedPurpose
from matcher.models import PlaceKind
from matcher.people import registration as reg
from matcher.settings import Settings
from tests.factories import make_gazetteer_place
from tests.factories import make_place

NOMINATIM = Settings(
    geocoder="nominatim", nominatim_url="http://127.0.0.1:9/", nominatim_user_agent="t"
)
NOW = dt.datetime(2026, 11, 24, 12, tzinfo=dt.UTC)


class FakeGeopy:
    """Stands in for geopy's ``Nominatim.geocode``: answers from a dict, or raises."""

    def __init__(self, answers=None, error=None):
        self.answers = answers or {}
        self.error = error
        self.calls = []

    def __call__(self, query, **kwargs):
        self.calls.append((query, kwargs))
        if self.error is not None:
            raise self.error
        hit = self.answers.get(query)
        return (
            None
            if hit is None
            else SimpleNamespace(latitude=hit[0], longitude=hit[1], address=query)
        )


@pytest.fixture()
def luechow(session):
    return make_gazetteer_place(
        session,
        kind=PlaceKind.TOWN,
        name="Lüchow (Wendland)",
        municipality="Lüchow (Wendland)",
        postcode="29439",
        lat=52.967,
        lon=11.150,
    )


def test_normalise_street():
    assert normalise_street("Haupt-Str.") == normalise_street("hauptstraße") == "hauptstrasse"


def test_offline_village_by_name_and_by_id(session, luechow):
    geo = OfflineGeocoder(session)
    found = geo.locate(AddressQuery("Drawehner Str.", "5", municipality="luechow"))
    assert found.precision == Precision.VILLAGE and (found.lat, found.lon) == (52.967, 11.150)
    assert geo.locate(AddressQuery("X", "1", village_place_id=luechow.id)).source == "gazetteer"
    assert geo.locate(AddressQuery("X", "1", municipality="Nowhere")) is None


def test_offline_prefers_a_confirmed_address(session, luechow):
    make_place(
        session,
        kind=PlaceKind.ADDRESS,
        name="Drawehner Straße 5, Lüchow",
        street="Drawehner Straße 5",
        municipality="Lüchow (Wendland)",
        lat=52.9701,
        lon=11.1555,
        confirmed=True,
    )
    found = OfflineGeocoder(session).locate(
        AddressQuery("drawehner str.", "5", village_place_id=luechow.id)
    )
    assert found.precision == Precision.ADDRESS and found.lat == 52.9701


def test_nominatim_caches_hits_and_misses(session, luechow):
    query = AddressQuery("Drawehner Straße", "5", "Lüchow (Wendland)", "29439")
    fake = FakeGeopy({"Drawehner Straße 5, 29439 Lüchow (Wendland), Deutschland": (52.97, 11.155)})
    geo = NominatimGeocoder(session, NOMINATIM, geocode=fake, now=lambda: NOW)
    assert geo.locate(query).lat == 52.97
    assert geo.locate(query).lat == 52.97
    assert len(fake.calls) == 1
    assert fake.calls[0][1]["timeout"] > 0 and fake.calls[0][1]["country_codes"] == "de"

    missing = AddressQuery("Gibtsnicht", "1", "Lüchow (Wendland)")
    assert geo.locate(missing) is None and geo.locate(missing) is None
    assert len(fake.calls) == 2
    entry = session.scalars(
        sa.select(GeocodeCacheEntry).where(GeocodeCacheEntry.status == GeocodeStatus.NOT_FOUND)
    ).one()
    later = NominatimGeocoder(
        session,
        NOMINATIM,
        geocode=fake,
        now=lambda: NOW + NEGATIVE_CACHE_TTL + dt.timedelta(seconds=1),
    )
    assert later.locate(missing) is None
    assert len(fake.calls) == 3  # the stale miss was asked again
    assert entry.fetched_at > NOW


@pytest.mark.parametrize("error", [GeocoderTimedOut("slow"), GeopyUnavailable("down")])
def test_failing_nominatim_falls_back_and_flags(session, luechow, error):
    fake = FakeGeopy(error=error)
    primary = NominatimGeocoder(session, NOMINATIM, geocode=fake)
    with pytest.raises(GeocoderUnavailable):
        primary.locate(AddressQuery("A", "1", "Lüchow"))
    resilient = ResilientGeocoder(primary, OfflineGeocoder(session))
    found = resilient.locate(
        AddressQuery("A", "1", village_place_id=luechow.id, municipality="Lüchow (Wendland)")
    )
    assert found.needs_check and found.precision == Precision.VILLAGE
    assert session.scalars(sa.select(GeocodeCacheEntry)).first() is None  # failures not cached


def test_make_geocoder_by_settings(session):
    assert isinstance(make_geocoder(session, Settings()), OfflineGeocoder)
    assert isinstance(make_geocoder(session, NOMINATIM), ResilientGeocoder)


def test_registration_survives_a_dead_geocoder(session, luechow, monkeypatch):
    from matcher.geo import geocoding

    monkeypatch.setattr(
        geocoding, "_shared_nominatim", lambda *a: FakeGeopy(error=GeocoderTimedOut())
    )
    employer = make_gazetteer_place(session, kind=PlaceKind.EMPLOYER, name="Werk")
    done = reg.register_rider(
        session,
        reg.RiderRegistration(
            first_name="Omid",
            phone="0151 11112222",
            home=reg.AddressInput("Am Markt", "2", village_place_id=luechow.id),
            need=reg.NeedInput(
                NeedPurpose.JOB,
                dt.date(2026, 12, 1),
                destination_place_id=employer.id,
                weekdays=frozenset({0}),
                arrive_by=dt.time(8),
            ),
            consent=True,
        ),
        NOMINATIM,
    )
    assert done.location_to_check
    assert done.rider.home_place.lat == luechow.lat
