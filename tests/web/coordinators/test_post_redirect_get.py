"""Post/Redirect/Get after every state-changing action of the office and the drivers (issue 12).

A successful POST answers ``303 See Other`` to the page to show, with a flash message
saying what happened, so reloading that page sends nothing again. A refusal answers the
same way with its reason; a form that failed validation may come back as a page (4xx).
Never a page with 200 (a reload would send the POST again) and never a 302.

The walk reads the office's pages as a browser does, sends every POST form on them
once with what the page holds (a hidden row version, the chosen options, the texts as
shown), and checks each answer. Which of the blueprint's POST endpoints it reached is
compared with the URL map, so a new action cannot slip past. Then the main actions are
sent with valid data and must succeed with a 303 and a success message.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from werkzeug.datastructures import MultiDict

from matcher.models import NeedStatus
from matcher.models import PlaceKind
from matcher.models import PlanStatus
from tests.factories import make_availability_exception
from tests.factories import make_coordinator
from tests.factories import make_driver
from tests.factories import make_need
from tests.factories import make_partner
from tests.factories import make_partner_staff
from tests.factories import make_place
from tests.factories import make_rider
from tests.factories import make_run
from tests.web.coordinators.conftest import DAY
from tests.web.html_forms import _Reader

# Reached from no office page by a logged-in coordinator (anonymous pages, or the
# logout that would end the walk): each has a test of its own that checks the 303.
NOT_WALKED = {
    "coordinators.login",
    "coordinators.forgot_password",
    "coordinators.set_password",
    "coordinators.logout",
}


def post_forms(html: str) -> list[tuple[str, MultiDict]]:  # type: ignore[type-arg]
    """Every POST form of a page: its action and what a browser would send."""
    reader = _Reader(None)
    reader.feed(html)
    out = []
    for form in reader.forms:
        pairs = [(k, v) for k, vs in form.data().items() for v in vs]
        out.append((form.action, MultiDict(pairs)))
    return out


def flashes(client) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    with client.session_transaction() as flask_session:
        return list(flask_session.pop("_flashes", []))


@dataclass
class Office:
    """A small district with something for every action, and the pages that show it."""

    pages: list[str]
    ids: dict[str, int]


def office(session, demo_day) -> Office:  # type: ignore[no-untyped-def]
    plan = demo_day.plan
    rider = demo_day.trips[0].rider
    pending = make_need(session, rider=make_rider(session), status=NeedStatus.PENDING)
    need = make_need(session, rider=rider)
    unvetted = make_driver(session, first_name="Neu", vetted=False)
    partner = make_partner(session)
    staff = make_partner_staff(session, partner=partner)
    place = make_place(session, kind=PlaceKind.EMPLOYER, name="Sägewerk", key="saegewerk")
    colleague = make_coordinator(session, name="Kai Kollege")
    away = make_availability_exception(session, demo_day.drivers[0])
    run = make_run(session, day=DAY)
    session.flush()
    pages = [
        "/coordinator/",
        f"/coordinator/days/{DAY.isoformat()}",
        f"/coordinator/plans/{plan.id}",
        f"/coordinator/plans/{plan.id}/one-off",
        f"/coordinator/plans/{plan.id}/fit/{demo_day.unserved.id}",
        "/coordinator/intake",
        f"/coordinator/riders/{rider.id}",
        f"/coordinator/riders/{rider.id}/needs/{need.id}/edit",
        f"/coordinator/riders/{pending.rider_id}",
        f"/coordinator/drivers/{unvetted.id}",
        f"/coordinator/drivers/{demo_day.drivers[0].id}",
        "/coordinator/accounts",
        "/coordinator/partners",
        f"/coordinator/partners/{partner.id}",
        "/coordinator/places",
        "/coordinator/places/new",
        f"/coordinator/places/{place.id}",
        "/coordinator/checks",
    ]
    ids = {
        "plan_id": plan.id,
        "trip_id": demo_day.unserved.id,
        "rider_id": rider.id,
        "need_id": need.id,
        "driver_id": demo_day.drivers[0].id,
        "exception_id": away.id,
        "partner_id": partner.id,
        "staff_id": staff.id,
        "place_id": place.id,
        "coordinator_id": colleague.id,
        "run_id": run.id,
    }
    return Office(pages, ids)


def answer_is_prg(client, endpoint: str, response) -> None:  # type: ignore[no-untyped-def]
    """A 303 with a message, or a 4xx page; never 200 (a reload re-sends) nor 302."""
    if response.status_code == 303:
        assert flashes(client), f"{endpoint}: a 303 without a message"
    else:
        assert response.status_code >= 400, f"{endpoint}: {response.status_code}"


def test_every_office_post_answers_see_other_with_a_message(  # type: ignore[no-untyped-def]
    app, admin_client, session, demo_day, queue
) -> None:
    client = admin_client
    district = office(session, demo_day)
    reached: set[str] = set()
    adapter = app.url_map.bind("localhost")
    # 1. Every form the pages offer, sent as a browser sends it.
    for page in district.pages:
        shown = client.get(page)
        if shown.status_code != 200:
            continue
        for action, data in post_forms(shown.text):
            target = action or page
            path = target.split("?")[0].split("#")[0]
            endpoint, _ = adapter.match(path, method="POST")
            if endpoint in reached or endpoint in NOT_WALKED:
                continue
            reached.add(endpoint)
            flashes(client)
            answer_is_prg(client, endpoint, client.post(target, data=data))
    by_form = len(reached)
    # 2. Every other POST rule of the office in the URL map, on existing rows, sent empty.
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        endpoint = rule.endpoint
        if "POST" not in (rule.methods or ()) or not endpoint.startswith("coordinators."):
            continue
        if endpoint in reached or endpoint in NOT_WALKED:
            continue
        values = {name: district.ids.get(name, DAY) for name in rule.arguments}
        url = adapter.build(endpoint, values)
        flashes(client)
        answer_is_prg(client, endpoint, client.post(url, data={}))
        reached.add(endpoint)
    assert by_form >= 30, by_form  # most are reached through their page's form


def plan_edit(plan) -> dict[str, object]:  # type: ignore[no-untyped-def]
    return {"row_version": plan.row_version}


def test_the_main_actions_succeed_with_see_other(admin_client, session, demo_day, queue) -> None:  # type: ignore[no-untyped-def]
    client, plan = admin_client, demo_day.plan
    fatima, uwe = demo_day.trips[0], demo_day.drivers[2]
    partner = make_partner(session)
    pending = make_need(session, rider=make_rider(session), status=NeedStatus.PENDING)
    session.flush()
    steps = [
        (f"/coordinator/plans/{plan.id}/move", {"trip_id": fatima.id, "driver_id": uwe.id}),
        (f"/coordinator/intake/needs/{pending.id}/accept", {"row_version": pending.row_version}),
        (
            "/coordinator/partners",
            {
                "name": "Jobcenter Lüchow",
                "kind": "job_centre",
                "email": "jobcenter@example.org",
                "locale": "de",
            },
        ),
        (
            "/coordinator/accounts/invite",
            {"email": "neu@example.org", "name": "Neu", "role": "coordinator", "locale": "de"},
        ),
        (
            f"/coordinator/partners/{partner.id}/staff",
            {"email": "berta@example.org", "name": "Berta", "locale": "de"},
        ),
    ]
    for url, data in steps:
        flashes(client)
        if url.endswith("/move"):
            data = {**data, **plan_edit(plan)}
        response = client.post(url, data=data)
        assert response.status_code == 303, (url, response.text[:300])
        assert [c for c, _ in flashes(client)] == ["success"], url
    # Approve, publish, and the page after publishing can be reloaded.
    session.refresh(plan)
    new = plan
    approve = client.post(f"/coordinator/plans/{new.id}/approve", data=plan_edit(new))
    assert approve.status_code == 303
    session.refresh(new)
    publish = client.post(f"/coordinator/plans/{new.id}/publish", data=plan_edit(new))
    assert publish.status_code == 303
    assert publish.headers["Location"] == f"/coordinator/plans/{new.id}/published"
    for _ in range(2):
        assert client.get(publish.headers["Location"]).status_code == 200
    session.expire_all()
    assert new.status == PlanStatus.PUBLISHED


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/driver/calendar", {"action": "issue"}),
        ("/driver/calendar", {"action": "revoke"}),
        ("/driver/logout", {}),
    ],
)
def test_driver_actions_answer_see_other(client, session, url, data) -> None:  # type: ignore[no-untyped-def]
    from tests.web.coordinators.conftest import log_in

    log_in(client, "driver", make_driver(session).id)
    response = client.post(url, data=data)
    assert response.status_code == 303 and flashes(client)


def test_the_calendar_address_is_shown_once_after_the_redirect(client, session) -> None:  # type: ignore[no-untyped-def]
    from tests.web.coordinators.conftest import log_in

    log_in(client, "driver", make_driver(session).id)
    client.post("/driver/calendar", data={"action": "issue"})
    first = client.get("/driver/calendar").text
    assert "/driver/calendar/" in first and ".ics" in first
    again = client.get("/driver/calendar").text  # a reload: no new address, none shown
    assert ".ics" not in again
