"""The office's Places pages: list, add, a place's page, edit; refusals keep what was typed."""

from __future__ import annotations

import sqlalchemy as sa

from matcher.models import Place
from matcher.models import PlaceKind
from matcher.models import PlaceSource
from tests.factories import make_gazetteer_place
from tests.factories import make_need
from tests.factories import make_place

NEW_DAYCARE = {
    "kind": "daycare",
    "name": "Kita Regenbogen",
    "street": "Schulstraße 4",
    "postcode": "29439",
    "municipality": "Lüchow (Wendland)",
    "lat": "52,96612",  # a comma works as the decimal mark
    "lon": "11.15311",
    "hours-0-weekdays": ["0", "1", "2", "3", "4"],
    "hours-0-opens": "07:00",
    "hours-0-closes": "16:30",
}


def edit_data(place: Place, **over: object) -> dict[str, object]:
    data: dict[str, object] = {
        "row_version": str(place.row_version),
        "kind": place.kind.value,
        "name": place.name,
        "street": place.street or "",
        "postcode": place.postcode or "",
        "municipality": place.municipality or "",
        "lat": f"{place.lat:.6f}",
        "lon": f"{place.lon:.6f}",
    }
    data.update(over)
    return data


def test_the_nav_links_the_list_with_search_and_kind_filter(coordinator_client, gazetteer) -> None:  # type: ignore[no-untyped-def]
    page = coordinator_client.get("/coordinator/places")
    assert page.status_code == 200
    assert 'href="/coordinator/places"' in page.text  # the nav
    assert "Kita Sonnenschein" in page.text and "Pflegezentrum am Drawehn" in page.text
    assert "5 places" in page.text
    found = coordinator_client.get("/coordinator/places?q=sonnen&kind=daycare").text
    assert "Kita Sonnenschein" in found and "Pflegezentrum" not in found
    assert "1 place" in found
    none = coordinator_client.get("/coordinator/places?q=zzz").text
    assert "No place matches this search." in none


def test_the_list_pages_and_keeps_the_search(coordinator_client, session) -> None:  # type: ignore[no-untyped-def]
    for n in range(27):
        make_gazetteer_place(session, kind=PlaceKind.STATION, name=f"Haltestelle {n:02d}")
    first = coordinator_client.get("/coordinator/places?kind=station").text
    assert "Page 1 of 2" in first and "Haltestelle 24" in first and "Haltestelle 25" not in first
    assert "/coordinator/places?page=2&amp;kind=station" in first
    second = coordinator_client.get("/coordinator/places?kind=station&page=2").text
    assert "Haltestelle 26" in second
    assert coordinator_client.get("/coordinator/places?page=x").status_code == 200


def test_a_daycare_is_added_with_its_opening_hours(coordinator_client, session) -> None:  # type: ignore[no-untyped-def]
    form = coordinator_client.get("/coordinator/places/new?kind=daycare").text
    assert 'id="pick-map"' in form and '<option selected value="daycare">' in form

    response = coordinator_client.post("/coordinator/places/new", data=NEW_DAYCARE)

    assert response.status_code == 303
    place = session.scalars(sa.select(Place).where(Place.name == "Kita Regenbogen")).one()
    assert response.headers["Location"] == f"/coordinator/places/{place.id}"
    assert (place.lat, place.lon, place.source) == (52.96612, 11.15311, PlaceSource.MAP)
    page = coordinator_client.get(response.headers["Location"]).text
    assert "Saved." in page
    assert "Mon 07:00–16:30" in page and "Fri 07:00–16:30" in page


def test_a_bad_entry_is_shown_at_its_field_and_nothing_typed_is_lost(  # type: ignore[no-untyped-def]
    coordinator_client, session
) -> None:
    data = {
        **NEW_DAYCARE,
        "lat": "zweiundfünfzig",
        "hours-0-closes": "06:00",
        "hours-1-opens": "7 Uhr",
    }
    response = coordinator_client.post("/coordinator/places/new", data=data)

    assert response.status_code == 422
    text = response.text
    assert "Please give a number such as 52.96712." in text
    assert "The end must be after the start (on the same day)." in text
    assert "Please give a time such as 07:30." in text
    assert 'value="Kita Regenbogen"' in text and 'value="Schulstraße 4"' in text
    assert 'value="zweiundfünfzig"' in text and 'value="7 Uhr"' in text
    assert session.scalar(sa.select(sa.func.count()).where(Place.name == "Kita Regenbogen")) == 0


def test_a_refusal_of_the_service_is_shown_in_the_readers_language(coordinator_client) -> None:  # type: ignore[no-untyped-def]
    coordinator_client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "de"
    data = {**NEW_DAYCARE, "kind": "employer", "lat": "", "lon": "", "municipality": "Atlantis"}
    response = coordinator_client.post("/coordinator/places/new", data=data)
    assert response.status_code == 422
    assert "Öffnungszeiten" in response.text  # employers have none: the hours rows are refused
    assert 'value="Atlantis"' in response.text


def test_an_address_nobody_finds_asks_for_the_map(coordinator_client) -> None:  # type: ignore[no-untyped-def]
    data = {"kind": "employer", "name": "Werk Atlantis", "municipality": "Atlantis"}
    response = coordinator_client.post("/coordinator/places/new", data=data)
    assert response.status_code == 422
    assert "This address was not found. Please click the spot on the map." in response.text


def test_a_place_page_shows_what_uses_it_and_saves_an_edit(  # type: ignore[no-untyped-def]
    coordinator_client, session, gazetteer
) -> None:
    employer = gazetteer["employer"]
    make_need(session, destination=employer)
    page = coordinator_client.get(f"/coordinator/places/{employer.id}").text
    assert "1 ride request" in page and "Change the place" in page

    response = coordinator_client.post(
        f"/coordinator/places/{employer.id}",
        data=edit_data(employer, name="Pflegezentrum am Drawehn (Haus B)", lat="52.95", lon="11.1"),
    )

    assert response.status_code == 303
    session.expire_all()
    place = session.get(Place, employer.id)
    assert place.name == "Pflegezentrum am Drawehn (Haus B)"
    assert (place.lat, place.lon, place.source, place.confirmed) == (52.95, 11.1, "map", True)
    followed = coordinator_client.get(response.headers["Location"]).text
    assert "Saved." in followed and "changed" in followed  # the audit trail


def test_two_coordinators_saving_the_same_place_one_is_refused(  # type: ignore[no-untyped-def]
    coordinator_client, session, gazetteer
) -> None:
    daycare = gazetteer["daycare"]
    seen = edit_data(daycare)
    first = coordinator_client.post(
        f"/coordinator/places/{daycare.id}", data={**seen, "name": "Kita Sonnenschein I"}
    )
    assert first.status_code == 303

    second = coordinator_client.post(
        f"/coordinator/places/{daycare.id}", data={**seen, "name": "Kita Sonnenschein II"}
    )

    assert second.status_code == 409
    assert "Someone else changed this place meanwhile, so nothing was saved." in second.text
    assert 'value="Kita Sonnenschein II"' in second.text  # the entry stays in the form
    session.expire_all()
    assert session.get(Place, daycare.id).name == "Kita Sonnenschein I"


def test_typed_addresses_and_unknown_ids_have_no_page(coordinator_client, session) -> None:  # type: ignore[no-untyped-def]
    typed = make_place(session, kind=PlaceKind.ADDRESS, name="Hafenweg 3")
    assert coordinator_client.get(f"/coordinator/places/{typed.id}").status_code == 404
    assert coordinator_client.get("/coordinator/places/999999").status_code == 404


def test_a_viewer_sees_the_places_but_cannot_change_them(viewer_client, session, gazetteer) -> None:  # type: ignore[no-untyped-def]
    daycare = gazetteer["daycare"]
    listing = viewer_client.get("/coordinator/places").text
    assert "Kita Sonnenschein" in listing and "Add a place" not in listing
    page = viewer_client.get(f"/coordinator/places/{daycare.id}").text
    assert "Kita Sonnenschein" in page and "Change the place" not in page
    refused = viewer_client.post(
        f"/coordinator/places/{daycare.id}", data=edit_data(daycare, name="X")
    )
    assert refused.status_code == 403
    assert viewer_client.post("/coordinator/places/new", data=NEW_DAYCARE).status_code == 403
    session.expire_all()
    assert session.get(Place, daycare.id).name == "Kita Sonnenschein"


def test_two_entries_for_one_place_are_compared_and_merged(  # type: ignore[no-untyped-def]
    coordinator_client, session, gazetteer
) -> None:
    kept = gazetteer["daycare"]
    twice = make_gazetteer_place(session, kind=PlaceKind.DAYCARE, name="Kita Sonnenschein II")
    need = make_need(session, via=twice)
    twice_id = twice.id
    chooser = coordinator_client.get(f"/coordinator/places/{kept.id}/merge").text
    assert "Kita Sonnenschein II" in chooser and "Merge the two places" not in chooser
    page = coordinator_client.get(f"/coordinator/places/{kept.id}/merge?other={twice.id}").text
    assert "Keep Kita Sonnenschein II" in page and "1 ride request" in page
    data = {
        "other_id": str(twice.id),
        "row_version": str(kept.row_version),
        "other_row_version": str(twice.row_version),
        "keep": str(kept.id),
    }

    response = coordinator_client.post(f"/coordinator/places/{kept.id}/merge", data=data)

    assert response.status_code == 303
    assert response.headers["Location"] == f"/coordinator/places/{kept.id}"
    followed = coordinator_client.get(response.headers["Location"]).text
    assert "Merged: Kita Sonnenschein II is removed" in followed
    assert "another place merged into it" in followed  # the audit trail
    session.expire_all()
    assert session.get(Place, twice_id) is None
    assert session.get(type(need), need.id).via_id == kept.id
    again = coordinator_client.post(
        f"/coordinator/places/{kept.id}/merge", data=data, follow_redirects=True
    )
    assert "One of the two places was changed or merged meanwhile" in again.text


def test_the_other_place_can_be_the_one_kept(coordinator_client, session, gazetteer) -> None:  # type: ignore[no-untyped-def]
    first = gazetteer["course"]
    second = make_gazetteer_place(session, kind=PlaceKind.COURSE_SITE, name="KVHS Lüchow, Haus 2")
    first_id = first.id
    response = coordinator_client.post(
        f"/coordinator/places/{first.id}/merge",
        data={
            "other_id": str(second.id),
            "row_version": str(first.row_version),
            "other_row_version": str(second.row_version),
            "keep": str(second.id),
        },
    )
    assert response.headers["Location"] == f"/coordinator/places/{second.id}"
    session.expire_all()
    assert session.get(Place, first_id) is None
    bad = coordinator_client.post(
        f"/coordinator/places/{second.id}/merge",
        data={"other_id": "x", "row_version": "1", "other_row_version": "1", "keep": "1"},
        follow_redirects=True,
    )
    assert "Please try again" in bad.text


def test_a_viewer_may_compare_but_not_merge(viewer_client, session, gazetteer) -> None:  # type: ignore[no-untyped-def]
    kept, other = gazetteer["daycare"], gazetteer["employer"]
    page = viewer_client.get(f"/coordinator/places/{kept.id}/merge?other={other.id}")
    assert page.status_code == 200
    refused = viewer_client.post(
        f"/coordinator/places/{kept.id}/merge",
        data={
            "other_id": str(other.id),
            "row_version": str(kept.row_version),
            "other_row_version": str(other.row_version),
            "keep": str(kept.id),
        },
    )
    assert refused.status_code == 403
    session.expire_all()
    assert session.get(Place, other.id) is not None


def test_control_characters_are_refused_at_their_field(coordinator_client, session) -> None:  # type: ignore[no-untyped-def]
    data = {**NEW_DAYCARE, "name": "Kita\x00Regenbogen", "hours-0-opens": "07:00\x0c"}
    response = coordinator_client.post("/coordinator/places/new", data=data)

    assert response.status_code == 422
    assert response.text.count("This contains invisible control characters") >= 2
    assert 'id="name-error"' in response.text and 'value="Schulstraße 4"' in response.text
    assert session.scalar(sa.select(sa.func.count()).select_from(Place)) == 0
