"""The office closes the registration checks: a flagged location, a possible duplicate."""

from __future__ import annotations

import sqlalchemy as sa

from matcher.models import PlaceSource
from matcher.models import Rider
from tests.web.riders.test_register import form_data
from tests.web.riders.test_register import token_of


def register(app, gazetteer, **over) -> str:  # type: ignore[no-untyped-def]
    """A rider registers through the public form (own client); returns the personal token."""
    client = app.test_client()
    location = client.post("/register/rider", data=form_data(gazetteer, **over)).headers["Location"]
    return token_of(location)


UNKNOWN_PLACE = {
    "destination_place": "",
    "destination_street": "Hafenweg 3",
    "destination_town": "Atlantis",
}
"""A workplace in a town the gazetteer does not know: saved without coordinates, flagged."""


def riders(session) -> list[Rider]:  # type: ignore[no-untyped-def]
    session.expire_all()
    return list(session.scalars(sa.select(Rider).order_by(Rider.id)))


def test_a_typed_street_is_flagged_and_fixed_by_a_point_on_the_map(  # type: ignore[no-untyped-def]
    app, coordinator_client, session, gazetteer
) -> None:
    register(app, gazetteer, **UNKNOWN_PLACE)
    (rider,) = riders(session)
    assert rider.location_to_check
    home = rider.needs[0].destination
    assert home.lat is None

    queue = coordinator_client.get("/coordinator/intake").text
    assert f"/coordinator/riders/{rider.id}/location" in queue
    page = coordinator_client.get(f"/coordinator/riders/{rider.id}/location").text
    assert "Hafenweg 3" in page and "Not on the map yet." in page and 'id="pick-map-' in page
    assert "the villages of the district are drawn as dots" in page  # offline map

    response = coordinator_client.post(
        f"/coordinator/riders/{rider.id}/places/{home.id}/point",
        data={
            f"p{home.id}-lat": "52.9654321",
            f"p{home.id}-lon": "11.1234567",
            f"p{home.id}-seen_lat": "",
            f"p{home.id}-seen_lon": "",
        },
    )

    assert response.status_code == 303
    (rider,) = riders(session)
    fixed = rider.needs[0].destination
    assert (fixed.id, fixed.lat, fixed.lon) == (home.id, 52.965432, 11.123457)
    assert fixed.source == PlaceSource.MAP and fixed.confirmed
    assert not rider.location_to_check
    followed = coordinator_client.get(response.headers["Location"]).text
    assert "The place is saved at 52.96543, 11.12346." in followed
    assert "All places of this rider are checked." in followed
    assert (
        f"/coordinator/riders/{rider.id}/location"
        not in coordinator_client.get("/coordinator/intake").text
    )


def test_a_second_fix_from_an_old_page_is_refused_with_a_reason(  # type: ignore[no-untyped-def]
    app, coordinator_client, session, gazetteer
) -> None:
    register(app, gazetteer, **UNKNOWN_PLACE)
    (rider,) = riders(session)
    home = rider.needs[0].destination
    old = {f"p{home.id}-seen_lat": "", f"p{home.id}-seen_lon": ""}
    url = f"/coordinator/riders/{rider.id}/places/{home.id}/point"
    first = {f"p{home.id}-lat": "52.9", f"p{home.id}-lon": "11.0", **old}
    coordinator_client.post(url, data=first)
    second = {f"p{home.id}-lat": "52.8", f"p{home.id}-lon": "11.2", **old}
    response = coordinator_client.post(url, data=second, follow_redirects=True)
    assert "Someone else fixed this place meanwhile" in response.text
    (rider,) = riders(session)
    assert (rider.needs[0].destination.lat, rider.needs[0].destination.lon) == (52.9, 11.0)

    bad = coordinator_client.post(
        url, data={f"p{home.id}-lat": "abc", f"p{home.id}-lon": "", **old}, follow_redirects=True
    )
    assert "Please try again" in bad.text


def test_choosing_a_listed_place_replaces_the_typed_one(  # type: ignore[no-untyped-def]
    app, coordinator_client, session, gazetteer
) -> None:
    register(app, gazetteer, **UNKNOWN_PLACE)
    (rider,) = riders(session)
    typed, employer = rider.needs[0].destination, gazetteer["employer"]
    response = coordinator_client.post(
        f"/coordinator/riders/{rider.id}/places/{typed.id}/replace",
        data={
            f"g{typed.id}-gazetteer_place": str(employer.id),
            f"g{typed.id}-seen_lat": "",
            f"g{typed.id}-seen_lon": "",
        },
        follow_redirects=True,
    )
    assert "The listed place is used instead" in response.text
    (rider,) = riders(session)
    assert rider.needs[0].destination_id == employer.id
    assert not rider.location_to_check


def test_a_second_registration_with_the_same_phone_is_compared_and_merged(  # type: ignore[no-untyped-def]
    app, coordinator_client, session, gazetteer
) -> None:
    register(app, gazetteer, first_name="Amal")
    second_token = register(app, gazetteer, first_name="Amal", email="amal2@example.org")
    first, second = riders(session)
    assert second.possible_duplicate_of_id == first.id
    first_id, second_id = first.id, second.id

    assert (
        f"/coordinator/riders/{second.id}/duplicate"
        in coordinator_client.get("/coordinator/intake").text
    )
    page = coordinator_client.get(f"/coordinator/riders/{second.id}/duplicate").text
    assert "Registered first" in page and "amal2@example.org" in page

    response = coordinator_client.post(
        f"/coordinator/riders/{second.id}/duplicate/merge",
        data={"earlier_id": str(first.id), "keep": str(first.id)},
        follow_redirects=True,
    )

    assert "The two registrations are merged into one rider." in response.text
    (kept,) = riders(session)
    assert kept.id == first_id and len(kept.needs) == 2
    assert app.test_client().get(f"/me/{second_token}").status_code == 404  # link gone
    again = coordinator_client.post(
        f"/coordinator/riders/{second_id}/duplicate/merge",
        data={"earlier_id": str(first_id), "keep": str(first_id)},
        follow_redirects=True,
    )
    assert again.status_code == 404 or "Please look at it again" in again.text


def test_two_people_sharing_a_phone_are_told_apart(  # type: ignore[no-untyped-def]
    app, coordinator_client, session, gazetteer
) -> None:
    register(app, gazetteer, first_name="Amal")
    register(app, gazetteer, first_name="Samira")
    first, second = riders(session)
    response = coordinator_client.post(
        f"/coordinator/riders/{second.id}/duplicate/dismiss",
        data={"earlier_id": str(first.id)},
        follow_redirects=True,
    )
    assert "Marked as two different people." in response.text
    assert [r.possible_duplicate_of_id for r in riders(session)] == [None, None]
    redirect = coordinator_client.get(f"/coordinator/riders/{second.id}/duplicate")
    assert redirect.status_code == 303


def test_drivers_and_strangers_cannot_fix_or_merge(client, session, gazetteer, app) -> None:  # type: ignore[no-untyped-def]
    register(app, gazetteer, **UNKNOWN_PLACE)
    (rider,) = riders(session)
    for url in (
        f"/coordinator/riders/{rider.id}/places/{rider.home_place_id}/point",
        f"/coordinator/riders/{rider.id}/duplicate/merge",
        f"/coordinator/riders/{rider.id}/duplicate/dismiss",
    ):
        assert client.post(url, data={}).status_code in (302, 401, 403)
    assert client.get(f"/coordinator/riders/{rider.id}/location").status_code in (302, 401)
    assert riders(session)[0].location_to_check


def test_replacing_without_choosing_a_place_says_so(  # type: ignore[no-untyped-def]
    app, coordinator_client, session, gazetteer
) -> None:
    register(app, gazetteer, **UNKNOWN_PLACE)
    (rider,) = riders(session)
    typed = rider.needs[0].destination
    response = coordinator_client.post(
        f"/coordinator/riders/{rider.id}/places/{typed.id}/replace",
        data={f"g{typed.id}-gazetteer_place": "0"},
        follow_redirects=True,
    )
    assert "Please choose a place from the list." in response.text
    assert riders(session)[0].location_to_check
