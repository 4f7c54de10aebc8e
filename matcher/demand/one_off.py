"""One-off rides: a single trip without a recurring need, added by a coordinator."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from matcher.audit import record_action
from matcher.clock import local_instant
from matcher.errors import N_
from matcher.errors import NotFound
from matcher.errors import ValidationError
from matcher.models import NeedPurpose
from matcher.models import Place
from matcher.models import Rider
from matcher.models import Trip
from matcher.models import TripDirection
from matcher.models import TripStatus
from matcher.settings import Settings


def add_one_off_trip(
    session: Session,
    day: dt.date,
    rider_id: int,
    origin_id: int,
    destination_id: int,
    *,
    arrive_by: dt.time | None = None,
    pick_up_after: dt.time | None = None,
    seats: int = 1,
    child_seats: int = 0,
    booster_seats: int = 0,
    flexibility_minutes: int = 15,
    purpose: NeedPurpose = NeedPurpose.OTHER,
    note: str | None = None,
    actor_id: int | None,
    settings: Settings,
) -> Trip:
    """A trip without a need (status requested): plan it with ``where_can_fit`` or a re-run.

    Exactly one of ``arrive_by`` (way there) and ``pick_up_after`` (way back)
    is given; the windows follow the rules of ``trips.generate_trips``.
    """
    if (arrive_by is None) == (pick_up_after is None):
        raise ValidationError(
            N_("Give either an arrival time or a pick-up time."), field="arrive_by"
        )
    if not 0 <= flexibility_minutes <= 180:
        raise ValidationError(N_("The flexibility must be 0 to 180 minutes."), field="flexibility")
    rider = session.get(Rider, rider_id)
    if rider is None or rider.erased_at is not None:
        raise NotFound(N_("This rider does not exist."))
    for place_id in (origin_id, destination_id):
        if session.get(Place, place_id) is None:
            raise NotFound(N_("This place does not exist."))
    flex = dt.timedelta(minutes=flexibility_minutes)
    trip = Trip(
        need_id=None,
        rider_id=rider_id,
        day=day,
        purpose=purpose,
        origin_id=origin_id,
        destination_id=destination_id,
        seats_needed=seats,
        child_seats=child_seats,
        booster_seats=booster_seats,
        note=note,
        status=TripStatus.REQUESTED,
    )
    if arrive_by is not None:
        trip.direction = TripDirection.OUTBOUND
        trip.latest_dropoff = local_instant(day, arrive_by, settings.tz)
        trip.earliest_dropoff = trip.latest_dropoff - flex
    else:
        assert pick_up_after is not None
        trip.direction = TripDirection.RETURN
        trip.earliest_pickup = local_instant(day, pick_up_after, settings.tz)
        trip.latest_pickup = trip.earliest_pickup + flex
    session.add(trip)
    session.flush()
    record_action(
        session, actor_id, "trip.create", "trip", trip.id, day=day.isoformat(), one_off=True
    )
    session.flush()
    return trip
