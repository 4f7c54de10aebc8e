"""Publishing a plan on the coordinators' page sends each driver their route, riders nothing yet."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from matcher.models import OutboxMessage
from matcher.models import PlanStatus
from matcher.models import RouteStatus
from tests.factories import make_coordinator
from tests.factories import make_driver
from tests.factories import make_plan
from tests.factories import make_route
from tests.factories import make_trip
from tests.web.drivers.conftest import NOW
from tests.web.drivers.conftest import log_in

DAY = dt.date(2026, 6, 2)
pytestmark = pytest.mark.usefixtures("frozen", "english")


def test_publish_sends_drivers_their_links_and_the_link_confirms(client, session: Session) -> None:  # type: ignore[no-untyped-def]
    plan = make_plan(session, day=DAY, status=PlanStatus.APPROVED, approved_at=NOW)
    trip = make_trip(session, day=DAY)
    route = make_route(session, plan, [trip], driver=make_driver(session, locale="en"))
    log_in(client, "coordinator", make_coordinator(session).id)

    response = client.post(
        f"/coordinator/plans/{plan.id}/publish", data={"row_version": plan.row_version}
    )

    assert response.status_code == 303
    session.expire_all()
    assert plan.status == PlanStatus.PUBLISHED
    (mail,) = session.scalars(sa.select(OutboxMessage)).all()
    assert mail.recipient == route.driver.email and "Your route on" in mail.subject
    link = re.search(r"https?://[^/\s]+(/driver/respond/[^?\s]+)\?action=confirm", mail.body).group(
        1
    )
    client.post(link, data={"action": "confirm"})
    session.expire_all()
    assert route.status == RouteStatus.CONFIRMED
    recipients = set(session.scalars(sa.select(OutboxMessage.recipient)))
    assert trip.rider.phone in recipients  # told only now, after the driver confirmed
