"""The plan page at scale: one change panel, routes as summary lines, unserved first, a filter.

The page used to carry a drop-down of every driver on every pick-up row and unserved
ride (its size grew with trips x drivers). Now each row has a link with its trip id
(to "Where can this fit?", which plan-changes.js turns into opening the one panel),
and the panel's forms post the same edits as before.
"""

from __future__ import annotations

import datetime as dt
import re

from matcher.plans import lifecycle as plans
from matcher.settings import Settings
from tests.factories import make_trip
from tests.web.coordinators.test_edits import driver_of
from tests.web.coordinators.test_edits import flashed


def plan_page(client, plan, query: str = "") -> str:  # type: ignore[no-untyped-def]
    response = client.get(f"/coordinator/plans/{plan.id}{query}")
    assert response.status_code == 200
    return response.text


def route_names(page: str) -> list[str]:
    """The drivers of the routes the page lists (the map has them all)."""
    return re.findall(r'<span class="swatch" aria-hidden="true"></span>([^<]+)</span>', page)


def test_one_change_panel_whatever_the_rows(coordinator_client, demo_day) -> None:  # type: ignore[no-untyped-def]
    page = plan_page(coordinator_client, demo_day.plan)
    assert page.count("<dialog") == 1 and page.count("<select") == 1
    assert page.count('name="driver_id" id="change-driver"') == 1
    options = re.findall(r'<option value="(\d+)">', page)
    assert sorted(map(int, options)) == sorted(d.id for d in demo_day.drivers)
    assert "js/plan-changes.js" in page
    assert "style=" not in page and "<script>" not in page  # the CSP allows neither


def test_every_ride_links_to_where_it_can_fit(coordinator_client, demo_day) -> None:  # type: ignore[no-untyped-def]
    """Without the script a row's link is the existing "Where can this fit?" page."""
    plan = demo_day.plan
    page = plan_page(coordinator_client, plan)
    linked = re.findall(rf'href="/coordinator/plans/{plan.id}/fit/(\d+)" data-trip="(\d+)"', page)
    assert all(href == trip for href, trip in linked)
    expected = {t.id for t in demo_day.trips} | {demo_day.unserved.id}
    assert {int(trip) for _, trip in linked} == expected
    for trip_id in expected:
        fit = coordinator_client.get(f"/coordinator/plans/{plan.id}/fit/{trip_id}")
        assert fit.status_code == 200


def test_routes_are_summary_lines_with_rides_times_and_km(coordinator_client, demo_day) -> None:  # type: ignore[no-untyped-def]
    page = plan_page(coordinator_client, demo_day.plan)
    summaries = re.findall(r'<summary class="route-summary">(.*?)</summary>', page, re.S)
    assert len(summaries) == 2
    text = " ".join(re.sub(r"<[^>]+>|\s+", " ", s) for s in summaries)
    assert "Jens A." in text and "Maren B." in text and "2 rides" in text
    assert re.search(r"\d\d:\d\d–\d\d:\d\d", text)
    routes = re.findall(r'<details class="route [^>]*>', page)
    assert len(routes) == 2 and not any(tag.endswith(" open>") for tag in routes)  # collapsed


def test_unserved_rides_come_before_the_routes(coordinator_client, demo_day) -> None:  # type: ignore[no-untyped-def]
    page = plan_page(coordinator_client, demo_day.plan)
    assert page.index("Ahmad") < page.index('class="route route-colour')
    assert page.index('id="plan-filter"') < page.index("Ahmad")


def test_filter_by_driver_or_rider_name_without_script(coordinator_client, demo_day) -> None:  # type: ignore[no-untyped-def]
    plan = demo_day.plan
    by_rider = plan_page(coordinator_client, plan, "?q=fATima")
    assert route_names(by_rider) == ["Jens A."]
    assert "Ahmad" not in by_rider
    assert 'value="fATima"' in by_rider and "Show all" in by_rider
    assert '<details class="route route-colour-0" id="route-' in by_rider
    assert re.search(r'<details class="route [^>]* open>', by_rider)  # a match is shown open
    by_driver = plan_page(coordinator_client, plan, "?q=maren")
    assert route_names(by_driver) == ["Maren B."] and "↑ Fatima" not in by_driver
    unserved = plan_page(coordinator_client, plan, "?q=ahm")
    assert "Ahmad" in unserved and route_names(unserved) == []
    nobody = plan_page(coordinator_client, plan, "?q=zzz")
    assert "No driver or rider of this plan has this name." in nobody
    assert 'id="plan-filter-empty" hidden' not in nobody
    assert 'id="plan-filter-empty" hidden' in plan_page(coordinator_client, plan)


def test_the_panels_forms_move_lock_and_unassign(coordinator_client, session, demo_day) -> None:  # type: ignore[no-untyped-def]
    """The panel posts what the per-row menus posted: the edits still work from it."""
    plan = demo_day.plan
    page = plan_page(coordinator_client, plan)
    panel = page.split('id="change-panel"')[1]
    actions = re.findall(r'<form method="post" action="([^"]+)"', panel)
    edits = ("move", "lock-trip", "unassign")
    assert actions == [f"/coordinator/plans/{plan.id}/{edit}" for edit in edits]
    token = re.search(r'name="csrf_token" value="([^"]*)"', panel)
    data = {"row_version": plan.row_version, "csrf_token": token.group(1) if token else ""}
    fatima, uwe = demo_day.trips[0], demo_day.drivers[2]
    moved = coordinator_client.post(
        actions[0], data={**data, "trip_id": fatima.id, "driver_id": uwe.id}
    )
    assert "The ride was moved." in flashed(coordinator_client, moved)
    assert driver_of(session, plan.id, fatima.id) == uwe.id


def test_a_superseded_plan_has_no_panel(coordinator_client, session, demo_day) -> None:  # type: ignore[no-untyped-def]
    demo_day.plan.status = "superseded"
    session.flush()
    page = plan_page(coordinator_client, demo_day.plan)
    assert "<dialog" not in page and "change-open" not in page


def test_the_panels_driver_list_ranks_who_can_take_the_ride(coordinator_client, demo_day) -> None:  # type: ignore[no-untyped-def]
    """The JSON the panel asks for: who can take it (cheapest first), then who not and why."""
    plan, fatima = demo_day.plan, demo_day.trips[0]
    jens, maren, uwe = demo_day.drivers
    response = coordinator_client.get(
        f"/coordinator/plans/{plan.id}/fit/{fatima.id}/drivers",
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 200
    drivers = response.get_json()["drivers"]
    assert jens.id not in {d["id"] for d in drivers}  # Fatima's driver is no choice
    assert {d["id"] for d in drivers} == {maren.id, uwe.id}
    fits = [d["fits"] for d in drivers]
    assert fits == sorted(fits, reverse=True)  # those who can first
    for driver in drivers:
        assert driver["name"] in ("Maren B.", "Uwe C.")
        assert driver["detail"].endswith(" driving") or not driver["fits"]


def test_the_driver_list_gives_reasons_in_the_readers_language(
    coordinator_client, session, demo_day
) -> None:  # type: ignore[no-untyped-def]
    plan, fatima = demo_day.plan, demo_day.trips[0]
    plan = plans.lock_trip(
        session,
        plan.id,
        fatima.id,
        True,
        expected_row_version=plan.row_version,
        actor_id=None,
        settings=Settings(),
    )
    session.flush()
    url = f"/coordinator/plans/{plan.id}/fit/{fatima.id}/drivers"
    english = coordinator_client.get(url).get_json()["drivers"]
    assert {d["detail"] for d in english} == {"This ride is locked to its driver; unlock it first."}
    german = coordinator_client.get(url, headers={"Accept-Language": "de"}).get_json()["drivers"]
    assert all(not d["fits"] and "gebunden" in d["detail"] for d in german), german


def test_the_driver_list_of_a_ride_of_another_day_is_a_404(
    coordinator_client, session, demo_day
) -> None:  # type: ignore[no-untyped-def]
    other = make_trip(session, day=demo_day.plan.day + dt.timedelta(days=1))
    url = f"/coordinator/plans/{demo_day.plan.id}/fit/{other.id}/drivers"
    assert coordinator_client.get(url).status_code == 404
