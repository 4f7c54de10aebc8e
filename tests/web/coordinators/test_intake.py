"""The intake page: the queue, accept / ask for a change / decline, refusals, the rider's page."""

from __future__ import annotations

import re

import sqlalchemy as sa

from matcher import clock
from matcher.models import NeedStatus
from matcher.models import OutboxMessage
from matcher.models import RideNeed
from matcher.models import Trip
from tests.web.riders.test_register import form_data
from tests.web.riders.test_register import token_of

TODAY = clock.today()


def _register(app, gazetteer, lang="ar", **over):
    """She registers on her own phone (her own client, her language)."""
    client = app.test_client()
    data = form_data(
        gazetteer, valid_from=TODAY.isoformat(), weekdays=[str(d) for d in range(7)], **over
    )
    location = client.post(f"/register/rider?lang={lang}", data=data).headers["Location"]
    return token_of(location)


def _need(session):
    return session.scalars(sa.select(RideNeed)).one()


def test_the_queue_shows_a_new_need_with_its_actions(app, coordinator_client, session, gazetteer):
    _register(app, gazetteer)
    page = coordinator_client.get("/coordinator/intake")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "New ride request" in html and "Amal" in html and "Pflegezentrum" in html
    need = _need(session)
    assert f'action="/coordinator/intake/needs/{need.id}/accept"' in html
    assert f'name="row_version" value="{need.row_version}"' in html
    nav = coordinator_client.get("/coordinator/").get_data(as_text=True)
    assert re.search(r'href="/coordinator/intake">Intake <span[^>]*>1</span>', nav)


def test_accept_activates_makes_trips_and_redirects(app, coordinator_client, session, gazetteer):
    token = _register(app, gazetteer)
    need = _need(session)
    response = coordinator_client.post(
        f"/coordinator/intake/needs/{need.id}/accept", data={"row_version": need.row_version}
    )
    assert response.status_code == 303 and response.headers["Location"].endswith("/intake")
    session.refresh(need)
    assert need.status == NeedStatus.ACTIVE
    assert session.scalar(sa.select(sa.func.count()).select_from(Trip)) > 0
    page = coordinator_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The ride request is accepted" in page and "Nothing is waiting." in page
    me = app.test_client().get(f"/me/{token}?lang=ar").get_data(as_text=True)
    assert "قبِله المكتب" in me


def test_the_second_coordinator_is_refused_clearly(app, coordinator_client, session, gazetteer):
    _register(app, gazetteer)
    need = _need(session)
    version = need.row_version
    url = f"/coordinator/intake/needs/{need.id}"
    coordinator_client.post(f"{url}/accept", data={"row_version": version})
    second = coordinator_client.post(
        f"{url}/decline",
        data={"row_version": version, "reason": "no_drivers"},
        follow_redirects=True,
    )
    assert "Someone else decided on this ride request meanwhile" in second.get_data(as_text=True)
    session.refresh(need)
    assert need.status == NeedStatus.ACTIVE


def test_decline_shows_the_reason_in_arabic_on_her_page(
    app, coordinator_client, session, gazetteer
):
    token = _register(app, gazetteer)
    need = _need(session)
    coordinator_client.post(
        f"/coordinator/intake/needs/{need.id}/decline",
        data={"row_version": need.row_version, "reason": "outside_area", "note": ""},
    )
    me = app.test_client().get(f"/me/{token}?lang=ar").get_data(as_text=True)
    assert "لا يستطيع المكتب تقديم هذه الرحلات." in me and "الأماكن خارج المنطقة التي نخدمها." in me
    decision = session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.body.contains("الأماكن خارج"))
    ).one()
    assert decision.locale == "ar" and decision.recipient == "amal@example.org"


def test_ask_for_a_change_needs_words_and_reaches_her_page(
    app, coordinator_client, session, gazetteer
):
    token = _register(app, gazetteer)
    need = _need(session)
    url = f"/coordinator/intake/needs/{need.id}/change"
    empty = coordinator_client.post(
        url, data={"row_version": need.row_version, "note": ""}, follow_redirects=True
    )
    assert "Please say what the rider should change." in empty.get_data(as_text=True)
    coordinator_client.post(url, data={"row_version": need.row_version, "note": "Bitte 06:00"})
    me = app.test_client().get(f"/me/{token}?lang=ar").get_data(as_text=True)
    assert "يطلب منك المكتب تعديل هذا الطلب:" in me and "Bitte 06:00" in me


def test_a_driver_cannot_decide(app, driver_client, session, gazetteer):
    _register(app, gazetteer)
    need = _need(session)
    response = driver_client.post(
        f"/coordinator/intake/needs/{need.id}/accept", data={"row_version": need.row_version}
    )
    assert response.status_code == 403
    session.refresh(need)
    assert need.status == NeedStatus.PENDING


def test_decisions_need_the_csrf_token(app, coordinator_client, session, gazetteer):
    _register(app, gazetteer)
    need = _need(session)
    app.config["WTF_CSRF_ENABLED"] = True
    response = coordinator_client.post(
        f"/coordinator/intake/needs/{need.id}/accept", data={"row_version": need.row_version}
    )
    assert response.status_code in (302, 400)
    session.refresh(need)
    assert need.status == NeedStatus.PENDING
