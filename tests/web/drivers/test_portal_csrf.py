"""Answering a route needs the CSRF token, from the portal and from a message link."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy.orm import Session

from matcher.models import RouteStatus
from matcher.plans.route_tokens import issue_route_token
from matcher.settings import Settings
from tests.factories import make_published_route
from tests.web.drivers.conftest import log_in

DAY = dt.date(2026, 6, 2)
pytestmark = pytest.mark.usefixtures("frozen", "english")


@pytest.fixture()
def app_config(app_config: dict[str, object]) -> dict[str, object]:
    return {**app_config, "WTF_CSRF_ENABLED": True}


def csrf_token(page: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert match, page
    return match.group(1)


def test_portal_answer_needs_the_csrf_token(client, session: Session) -> None:  # type: ignore[no-untyped-def]
    route = make_published_route(session, day=DAY)
    log_in(client, "driver", route.driver_id)
    url = f"/driver/routes/{route.id}/answer"
    assert client.post(url, data={"action": "confirm"}).status_code == 400
    token = csrf_token(client.get("/driver/").get_data(as_text=True))
    assert client.post(url, data={"action": "confirm", "csrf_token": token}).status_code == 303
    session.expire_all()
    assert route.status == RouteStatus.CONFIRMED


def test_message_link_post_needs_the_csrf_token(client, session: Session) -> None:  # type: ignore[no-untyped-def]
    route = make_published_route(session, day=DAY)
    token = issue_route_token(route, Settings())
    session.flush()
    url = f"/driver/respond/{token}"
    assert client.post(url, data={"action": "confirm"}).status_code == 400
    session.expire_all()
    assert route.status == RouteStatus.AWAITING
    csrf = csrf_token(client.get(url).get_data(as_text=True))
    assert client.post(url, data={"action": "confirm", "csrf_token": csrf}).status_code == 303
    session.expire_all()
    assert route.status == RouteStatus.CONFIRMED
