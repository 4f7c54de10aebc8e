"""An address typed again is its place again; erasing one of its people leaves it to the others."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from matcher.models import Driver
from matcher.models import Place
from matcher.models import Rider
from matcher.models import Stop
from matcher.models import StopKind
from matcher.models import Trip
from matcher.people import erasure
from matcher.people import locations
from matcher.people import registration as reg
from tests.factories import make_plan
from tests.factories import make_route
from tests.factories import make_trip
from tests.matcher.people.test_drivers import driver_registration
from tests.matcher.people.test_registration import SETTINGS
from tests.matcher.people.test_registration import registration

NOW = dt.datetime(2026, 6, 1, 8, 0, tzinfo=dt.UTC)


def place_count(session) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(Place))


def register(session, places, phone: str, **over) -> reg.RiderRegistered:
    return reg.register_rider(
        session, registration(places, phone=phone, email=None, **over), SETTINGS
    )


def test_the_same_address_registered_again_is_the_same_place(session, places):
    first = register(session, places, "0151 11111111")
    before = place_count(session)
    again = register(session, places, "0151 22222222", first_name="Omid")
    assert again.rider.home_place_id == first.rider.home_place_id
    assert place_count(session) == before
    assert again.location_to_check == first.location_to_check
    other_number = register(
        session,
        places,
        "0151 33333333",
        home=reg.AddressInput("Lange Straße", "7", village_place_id=places["village"].id),
    )
    assert other_number.rider.home_place_id != first.rider.home_place_id
    tapped = register(  # a point on the map is the registrant's own: a place of its own
        session,
        places,
        "0151 44444444",
        home=reg.AddressInput(
            "Lange Straße", "5", village_place_id=places["village"].id, lat=52.94, lon=11.08
        ),
    )
    assert tapped.rider.home_place_id != first.rider.home_place_id
    assert place_count(session) == before + 2


def test_an_address_the_office_fixed_serves_the_next_registration(session, places):
    atlantis = reg.AddressInput("Am Deich", "1", municipality="Atlantis")
    first = register(session, places, "0151 11111111", home=atlantis)
    again = register(session, places, "0151 22222222", home=atlantis)
    home = first.rider.home_place
    assert again.rider.home_place_id == home.id
    assert first.location_to_check and again.location_to_check and home.lat is None
    locations.set_point(
        session,
        first.rider.id,
        home.id,
        lat=52.95,
        lon=11.1,
        seen=locations.Seen(None, None),
        actor_id=None,
    )
    third = register(session, places, "0151 33333333", home=atlantis)
    assert third.rider.home_place_id == home.id and home.confirmed
    assert not third.location_to_check and not third.rider.location_to_check


def test_erasing_one_rider_of_a_shared_address_leaves_it_to_the_other(session, places):
    amal = register(session, places, "0151 11111111").rider
    omid = register(session, places, "0151 22222222", first_name="Omid").rider
    shared = amal.home_place
    street, lat = shared.street, shared.lat
    plan = make_plan(session, day=dt.date(2026, 6, 2))
    trips = {r.id: make_trip(session, rider=r, origin=shared, day=plan.day) for r in (amal, omid)}
    make_route(session, plan, list(trips.values()))
    amal_id, omid_id, shared_id = amal.id, omid.id, shared.id

    reg.erase_rider(session, amal_id)
    session.expire_all()

    omid, amal = session.get(Rider, omid_id), session.get(Rider, amal_id)
    kept = session.get(Place, shared_id)
    assert (kept.street, kept.lat) == (street, lat)
    assert omid.home_place_id == shared_id and omid.needs[0].origin_id == shared_id
    copy = amal.home_place
    assert copy.id != shared_id
    assert (copy.street, copy.lat, copy.confirmed, copy.municipality) == (
        None,
        None,
        False,
        "Clenze",
    )
    assert copy.name == "Clenze"
    assert amal.needs[0].origin_id == copy.id
    assert session.get(Trip, trips[amal_id].id).origin_id == copy.id
    assert session.get(Trip, trips[omid_id].id).origin_id == shared_id
    pickups = {
        s.trip_id: s.place_id
        for s in session.scalars(sa.select(Stop).where(Stop.kind == StopKind.PICKUP))
    }
    assert pickups == {trips[amal_id].id: copy.id, trips[omid_id].id: shared_id}

    reg.erase_rider(session, omid_id)  # the last one: blanked where it is, no second copy
    session.expire_all()
    assert session.get(Rider, omid_id).home_place_id == shared_id
    assert session.get(Place, shared_id).street is None
    assert session.get(Place, shared_id).lat is None


def test_erasing_a_driver_who_shares_a_home_with_a_rider(session, places):
    rider = register(session, places, "0151 11111111").rider
    home = rider.home_place
    driver = reg.register_driver(
        session,
        driver_registration(
            places["village"].id,
            home=reg.AddressInput("Lange Straße", "5", village_place_id=places["village"].id),
        ),
        SETTINGS,
    ).driver
    assert driver.home_place_id == home.id
    route = make_route(session, make_plan(session, day=dt.date(2026, 6, 2)), [], driver=driver)
    assert {s.place_id for s in route.stops} == {home.id}
    driver_id, route_id, home_id, street = driver.id, route.id, home.id, home.street

    erasure.erase_driver(session, driver, NOW)
    session.expire_all()

    assert session.get(Driver, driver_id).home_place_id is None
    kept = session.get(Place, home_id)
    assert kept.street == street and kept.lat is not None
    assert session.get(Rider, rider.id).home_place_id == home_id
    stop_places = set(session.scalars(sa.select(Stop.place_id).where(Stop.route_id == route_id)))
    (copy_id,) = stop_places
    copy = session.get(Place, copy_id)
    assert copy_id != home_id and copy.street is None and copy.lat is None
