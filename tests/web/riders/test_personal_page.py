"""The personal page behind the link: access control, rides, pause, cancel, edit, erasure."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from matcher import clock
from matcher.models import NeedStatus
from matcher.models import PlanStatus
from matcher.models import Rider
from matcher.models import TripStatus
from matcher.people import registration as reg
from matcher.settings import Settings
from tests.factories import make_driver
from tests.factories import make_plan
from tests.factories import make_route
from tests.factories import make_trip
from tests.web.riders.test_register import form_data
from tests.web.riders.test_register import token_of

TODAY = clock.today()  # the district's day, as the pages see it
TOMORROW = TODAY + dt.timedelta(days=1)


@pytest.fixture()
def registered(client, gazetteer):
    """Two riders registered through the form: (token, rider id) each."""
    out = []
    for name, phone in (("Amal", "0151 23456789"), ("Omid", "0160 98765432")):
        data = form_data(
            gazetteer,
            first_name=name,
            phone=phone,
            valid_from=TODAY.isoformat(),
            weekdays=[str(d) for d in range(7)],
        )
        location = client.post("/register/rider", data=data).headers["Location"]
        out.append(token_of(location))
    return out


def rider_of(session, token):
    return reg.find_rider_by_token(session, token)


def test_bad_tokens_are_plain_404(client, registered):
    for token in ("nope", "x" * 200, registered[0][:-1], registered[0] + "A"):
        response = client.get(f"/me/{token}")
        assert response.status_code == 404
        assert "Amal" not in response.get_data(as_text=True)


def test_one_token_never_shows_another_riders_data(client, session, registered):
    amal, omid = registered
    page = client.get(f"/me/{amal}")
    html = page.get_data(as_text=True)
    assert "Amal" in html and "Omid" not in html
    assert page.headers["Cache-Control"] == "no-store"
    omid_need = rider_of(session, omid).needs[0].id
    assert client.get(f"/me/{amal}/needs/{omid_need}/edit").status_code == 404
    assert client.post(f"/me/{amal}/needs/{omid_need}/cancel").status_code == 404
    assert (
        client.post(
            f"/me/{amal}/needs/{omid_need}/pause", data={"day": TOMORROW.isoformat()}
        ).status_code
        == 404
    )
    assert rider_of(session, omid).needs[0].status == NeedStatus.PENDING


def test_published_ride_is_shown(client, session, registered):
    rider = rider_of(session, registered[0])
    need = rider.needs[0]
    trip = make_trip(
        session,
        rider=rider,
        need=need,
        day=TOMORROW,
        origin=need.origin,
        destination=need.destination,
    )
    plan = make_plan(session, day=TOMORROW)
    driver = make_driver(
        session, first_name="Heike", car_description="blauer VW Golf", phone="+4915112345678"
    )
    make_route(session, plan, [trip], driver=driver)
    assert "Heike" not in client.get(f"/me/{registered[0]}").get_data(as_text=True)  # draft
    now = dt.datetime.now(dt.UTC)
    plan.status, plan.approved_at, plan.published_at = PlanStatus.PUBLISHED, now, now
    session.flush()
    html = client.get(f"/me/{registered[0]}").get_data(as_text=True)
    assert "Heike" in html and "blauer VW Golf" in html and "tel:+4915112345678" in html
    assert "06:20" in html or "07:20" in html  # pick-up 20 minutes after the route starts
    assert "Heike" not in client.get(f"/me/{registered[1]}").get_data(as_text=True)


def test_pause_cancel_and_edit(client, session, gazetteer, registered):
    token = registered[0]
    rider = rider_of(session, token)
    need = rider.needs[0]
    trip = make_trip(
        session,
        rider=rider,
        need=need,
        day=TOMORROW,
        origin=need.origin,
        destination=need.destination,
    )
    html = client.get(f"/me/{token}").get_data(as_text=True)
    assert f'value="{TOMORROW.isoformat()}"' in html
    paused = client.post(f"/me/{token}/needs/{need.id}/pause", data={"day": TOMORROW.isoformat()})
    assert paused.status_code == 303
    session.expire_all()  # the app wrote through its own session
    assert [p.day for p in need.paused_dates] == [TOMORROW]
    assert trip.status == TripStatus.CANCELLED

    again = client.post(f"/me/{token}/needs/{need.id}/pause", data={"day": "2000-01-03"})
    assert again.status_code == 303  # a day in the past: told, nothing changes
    assert "past" in client.get(f"/me/{token}").get_data(as_text=True)

    edit = client.get(f"/me/{token}/needs/{need.id}/edit")
    assert edit.status_code == 200 and 'value="05:45"' in edit.get_data(as_text=True)
    data = form_data(gazetteer, arrive_by="07:00")
    bad = client.post(f"/me/{token}/needs/{need.id}/edit", data={**data, "seats_needed": "0"})
    assert bad.status_code == 422 and 'id="seats_needed-error"' in bad.get_data(as_text=True)
    ok = client.post(f"/me/{token}/needs/{need.id}/edit", data=data)
    assert ok.status_code == 303
    session.expire_all()
    assert need.arrive_by == dt.time(7) and need.status == NeedStatus.PENDING

    assert client.post(f"/me/{token}/needs/{need.id}/cancel").status_code == 303
    session.expire_all()
    assert need.status == NeedStatus.CANCELLED


def test_erasure(client, session, registered):
    token = registered[0]
    rider_id = rider_of(session, token).id
    confirm = client.get(f"/me/{token}/delete")
    assert confirm.status_code == 200 and "cannot be undone" in confirm.get_data(as_text=True)
    done = client.post(f"/me/{token}/delete")
    assert done.status_code == 303 and done.headers["Location"].endswith("/deleted")
    assert client.get(f"/me/{token}").status_code == 404
    session.expire_all()
    rider = session.get(Rider, rider_id)
    assert rider.erased_at is not None and rider.first_name is None and rider.phone is None
    assert session.scalars(sa.select(Rider).where(Rider.erased_at.is_(None))).one()  # the other
    assert reg.find_rider_by_token(session, registered[1]) is not None
    assert Settings  # statistics stay: the row and its need remain
    assert rider.needs and rider.needs[0].purpose.value == "shift_work"


def test_a_ride_the_published_plan_leaves_without_driver_is_shown_as_such(
    client, session, registered
):
    rider = rider_of(session, registered[0])
    need = rider.needs[0]
    trip = make_trip(
        session,
        rider=rider,
        need=need,
        day=TOMORROW,
        origin=need.origin,
        destination=need.destination,
        status=TripStatus.UNSERVED,
        unserved_reason="no_vehicle_in_time",
        latest_dropoff=clock.local_instant(TOMORROW, dt.time(8, 0)),
    )
    plan = make_plan(session, day=TOMORROW)
    make_route(session, plan, [], driver=make_driver(session))
    assert "No driver found yet" not in client.get(f"/me/{registered[0]}").get_data(as_text=True)

    now = dt.datetime.now(dt.UTC)
    plan.status, plan.approved_at, plan.published_at = PlanStatus.PUBLISHED, now, now
    session.flush()
    html = client.get(f"/me/{registered[0]}").get_data(as_text=True)
    assert "No driver found yet for this ride. The office knows and will call you." in html
    assert "arrive by 08:00" in html and trip.destination.name in html
    other = client.get(f"/me/{registered[1]}").get_data(as_text=True)
    assert "No driver found yet" not in other
