"""Shape plans for the pages: per-driver timelines, map data, unserved reasons, local times.

Models stay free of presentation; these helpers turn them into plain rows the
templates loop over, with times in the district's time zone and texts translated.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_babel.speaklater import LazyString

from matcher.models import ActorType
from matcher.models import DayPlan
from matcher.models import NeedPurpose
from matcher.models import NeedStatus
from matcher.models import PlanningRunStatus
from matcher.models import PlanStatus
from matcher.models import Route
from matcher.models import StopKind
from matcher.models import Trip
from matcher.models import TripDirection
from matcher.models import TripStatus
from matcher.planning import reasons
from matcher.plans.insertions import MoveChoice
from matcher.queries.plan_page import StopLine
from matcher.queries.rider_page import TripState
from web.errors import translate_domain_error
from web.settings import current_settings
from web.settings import today

PLAN_STATUS_LABELS = {
    PlanStatus.DRAFT: _l("Draft"),
    PlanStatus.APPROVED: _l("Approved"),
    PlanStatus.PUBLISHED: _l("Published"),
    PlanStatus.SUPERSEDED: _l("Superseded"),
}
RUN_STATUS_LABELS: dict[str, LazyString] = {  # StrEnum keys: a run's status string finds its label
    PlanningRunStatus.QUEUED: _l("Waiting to start"),
    PlanningRunStatus.RUNNING: _l("Running"),
    PlanningRunStatus.SUCCEEDED: _l("Finished"),
    PlanningRunStatus.FAILED: _l("Failed"),
    PlanningRunStatus.CANCELLED: _l("Stopped"),
    "preparing": _l("Preparing the rides and travel times"),
    "searching": _l("Looking for a first plan"),
    "improving": _l("Improving the plan"),
}
TRIP_STATUS_LABELS = {
    TripStatus.REQUESTED: _l("Requested"),
    TripStatus.PLANNED: _l("Planned"),
    TripStatus.UNSERVED: _l("Unserved"),
    TripStatus.CANCELLED: _l("Cancelled"),
}
PURPOSE_LABELS = {
    NeedPurpose.JOB: _l("Work"),
    NeedPurpose.SHIFT_WORK: _l("Shift work"),
    NeedPurpose.INTERNSHIP: _l("Internship"),
    NeedPurpose.COURSE: _l("Course"),
    NeedPurpose.OTHER: _l("Other"),
}
NEED_STATUS_LABELS = {
    NeedStatus.PENDING: _l("Waiting for the office"),
    NeedStatus.ACTIVE: _l("Active"),
    NeedStatus.PAUSED: _l("Paused"),
    NeedStatus.CANCELLED: _l("Cancelled"),
}
TRIP_STATE_LABELS = {
    TripState.PLANNED: _l("Planned"),
    TripState.DRAFT: _l("In a draft plan"),
    TripState.UNSERVED: _l("Unserved"),
    TripState.REQUESTED: _l("Not planned yet"),
    TripState.CANCELLED: _l("Cancelled"),
    TripState.PAUSED: _l("Paused"),
}
DIRECTION_LABELS = {TripDirection.OUTBOUND: _l("there"), TripDirection.RETURN: _l("back")}


def local_time(instant: dt.datetime | None) -> str:
    """``07:45`` in the district's time zone, or an empty string."""
    if instant is None:
        return ""
    return instant.astimezone(current_settings().tz).strftime("%H:%M")


def local_datetime(instant: dt.datetime | None) -> str:
    """``2026-06-02 07:45`` in the district's time zone, or an empty string."""
    if instant is None:
        return ""
    return instant.astimezone(current_settings().tz).strftime("%Y-%m-%d %H:%M")


def minutes(seconds: float | None) -> str:
    """Whole minutes, or an empty string."""
    return "" if seconds is None else f"{round(seconds / 60):d}"


@dataclass(frozen=True, slots=True)
class StopRow:
    """One line of a driver's timeline (``seats_word``: "seat"/"seats" for the load)."""

    time: str
    place: str
    kind: StopKind
    getting_in: str
    getting_out: str
    load: int
    trip_id: int | None
    locked: bool
    lat: float | None = None
    lon: float | None = None
    seats_word: str = ""


@dataclass
class RouteView:
    """A driver's day in a plan: timeline rows, the rides and the riders' names on it."""

    route: Route
    colour: int
    rows: list[StopRow] = field(default_factory=list)
    rides: int = 0
    rider_names: list[str] = field(default_factory=list)

    @property
    def driver(self) -> Any:
        """The route's driver (templates read ``view.driver``)."""
        return self.route.driver

    @property
    def start(self) -> str:
        """When the driver sets off (local time), for the route's summary line."""
        return local_time(self.route.start_at) or (self.rows[0].time if self.rows else "")

    @property
    def end(self) -> str:
        """When the driver is back (local time)."""
        return local_time(self.route.end_at) or (self.rows[-1].time if self.rows else "")

    @property
    def km(self) -> float | None:
        """The route's length in km (one decimal), if known."""
        if self.route.distance_m is None:
            return None
        return round(self.route.distance_m / 1000, 1)

    @property
    def names(self) -> str:
        """The driver's and the riders' names in lower case: what the page's filter looks in."""
        return " ".join([self.driver.display_name, *self.rider_names]).lower()


def route_views(plan: DayPlan, lines: dict[int, list[StopLine]]) -> list[RouteView]:
    """Timelines of the plan's routes (``lines``: their stops, by route id), by driver name."""
    tz = current_settings().tz
    erased = _("(erased)")
    seats_words: dict[int, str] = {}
    views = []
    ordered = sorted(plan.routes, key=lambda r: (r.driver.display_name.casefold(), r.id))
    for index, route in enumerate(ordered):
        view = RouteView(route=route, colour=index % 8)
        for line in lines.get(route.id, []):
            if line.load not in seats_words:
                seats_words[line.load] = ngettext("seat", "seats", line.load)
            who = _rider_label(line, erased)
            if line.kind == StopKind.PICKUP and line.trip_id is not None:
                view.rides += 1
                if line.rider_name:
                    view.rider_names.append(line.rider_name)
            view.rows.append(_stop_row(line, tz, who, seats_words[line.load]))
        views.append(view)
    return views


def _rider_label(line: StopLine, erased: str) -> str:
    """The rider's first name with the seats if more than one ("" for a stop without a ride)."""
    if line.rider_name is None:
        return ""
    name = line.rider_name or erased
    if line.seats_needed > 1:
        return _("%(name)s (+%(extra)d)", name=name, extra=line.seats_needed - 1)
    return name


def trip_names(trip: Trip) -> str:
    """The rider's name in lower case, what the page's filter looks in for an unserved trip."""
    return (trip.rider.first_name or "").lower() if trip.rider else ""


def filter_plan(
    views: list[RouteView], unplanned: list[Trip], query: str
) -> tuple[list[RouteView], list[Trip]]:
    """The routes and unserved trips whose driver or rider names contain ``query``.

    The page's script filters the same way in the browser (on the same lower-cased
    names); this is the answer to ``?q=`` without it. An empty query keeps everything.
    """
    needle = query.strip().lower()
    if not needle:
        return views, unplanned
    return (
        [view for view in views if needle in view.names],
        [trip for trip in unplanned if needle in trip_names(trip)],
    )


def _stop_row(line: StopLine, tz: dt.tzinfo, who: str, seats_word: str) -> StopRow:
    when = line.service_start_at or line.arrival_at or line.departure_at
    if line.kind == StopKind.START:
        when = line.departure_at or when
    return StopRow(
        time=when.astimezone(tz).strftime("%H:%M") if when is not None else "",
        place=line.place_name,
        kind=line.kind,
        getting_in=who if line.kind == StopKind.PICKUP else "",
        getting_out=who if line.kind == StopKind.DROPOFF else "",
        load=line.load,
        trip_id=line.trip_id,
        locked=line.locked,
        lat=line.lat,
        lon=line.lon,
        seats_word=seats_word,
    )


STOP_KIND_LABELS = {
    StopKind.START: _l("Start"),
    StopKind.PICKUP: _l("Pick-up"),
    StopKind.VIA: _l("Stop on the way"),
    StopKind.DROPOFF: _l("Drop-off"),
    StopKind.END: _l("End"),
}


def map_data(views: list[RouteView]) -> dict[str, Any]:
    """Routes as lines of [lat, lon] points with labelled stops, for plan-map.js."""
    routes = []
    for view in views:
        points, stops = [], []
        for row in view.rows:
            if row.lat is None or row.lon is None:
                continue
            points.append([row.lat, row.lon])
            who = row.getting_in or row.getting_out
            label = " · ".join(p for p in (row.time, row.place, who) if p)
            stops.append({"lat": row.lat, "lon": row.lon, "label": label})
        routes.append(
            {
                "driver": view.driver.display_name,
                "colour": view.colour,
                "points": points,
                "stops": stops,
            }
        )
    return {"routes": routes}


def trip_window(trip: Trip) -> str:
    """The trip's wish in words: "arrive by 08:00" or "pick up after 16:00"."""
    if trip.direction == TripDirection.OUTBOUND and trip.latest_dropoff is not None:
        return _("arrive by %(time)s", time=local_time(trip.latest_dropoff))
    if trip.earliest_pickup is not None:
        return _("pick up after %(time)s", time=local_time(trip.earliest_pickup))
    return _("arrive by %(time)s", time=local_time(trip.latest_dropoff))


def ride_label(trip: Trip | None) -> str:
    """``Karwitz → Elbtal GmbH, arrive by 05:50`` for tables that list rides."""
    if trip is None:
        return ""
    return f"{trip.origin.name} → {trip.destination.name}, {trip_window(trip)}"


def unserved_reason(trip: Trip) -> str:
    """Why the trip is not in the plan, in the reader's language."""
    if not trip.unserved_reason:
        return _("Not planned yet.")
    return reason_text(trip.unserved_reason, trip.unserved_details)


def reason_text(code: str, details: dict[str, Any] | None) -> str:
    """An unserved reason code with its details as a sentence in the reader's language."""
    template, params = reasons.describe_unserved(code, details)
    try:
        return _(template).format(**params)
    except (KeyError, IndexError, ValueError):
        return template


def move_choice(choice: MoveChoice) -> dict[str, Any]:
    """A driver of the "Move to driver" list as the change panel reads it.

    ``detail`` is the extra driving (``+6 min driving``) for a driver who can take
    the ride, else the reason a move there is refused, in the reader's language.
    """
    if choice.refusal is not None:
        detail = translate_domain_error(choice.refusal)
    else:
        detail = f"{signed_minutes(choice.extra_drive_minutes or 0.0)} {_('driving')}"
    return {
        "id": choice.driver_id,
        "name": choice.driver_name,
        "fits": choice.feasible,
        "detail": detail,
    }


def hours_minutes(seconds: float | None) -> str:
    """``2 h 05 min`` (or ``35 min``) for a duration."""
    if seconds is None:
        return ""
    total = round(seconds / 60)
    hours, mins = divmod(total, 60)
    if hours:
        return _("%(h)d h %(m)02d min", h=hours, m=mins)
    return _("%(m)d min", m=mins)


def signed_minutes(value: float) -> str:
    """``+12 min`` / ``−5 min``: how far a pick-up moved."""
    rounded = round(value)
    if rounded > 0:
        return _("+%(m)d min", m=rounded)
    if rounded < 0:
        return _("−%(m)d min", m=-rounded)
    return _("less than a minute")


def join_names(ids: list[int], names: dict[int, str]) -> str:
    """The names of ``ids`` (in order, unknown ones skipped), comma-separated."""
    return ", ".join(names[i] for i in ids if names.get(i))


def run_message(status: Any) -> str:
    """The translated message of a failed or stopped run, with its follow-up sentences."""
    if not status.message:
        return ""
    params = dict(status.message_params)
    if getattr(status, "reason", None):
        try:
            params["error"] = _(status.reason).format(**status.reason_params)
        except (KeyError, IndexError, ValueError):
            params["error"] = _(status.reason)
    try:
        text = _(status.message).format(**params)
    except (KeyError, IndexError, ValueError):
        text = str(status.message)
    return " ".join([text, *(_(sentence) for sentence in status.followups)])


ACTOR_LABELS = {
    ActorType.SYSTEM: _l("System"),
    ActorType.COORDINATOR: _l("Coordinator"),
    ActorType.DRIVER: _l("Driver"),
    ActorType.RIDER: _l("Rider"),
    ActorType.PARTNER: _l("Partner staff"),
}


def template_helpers() -> dict[str, Any]:
    """Everything the coordinators' templates use besides their own variables."""
    return {
        "plan_status_labels": PLAN_STATUS_LABELS,
        "run_status_labels": RUN_STATUS_LABELS,
        "trip_status_labels": TRIP_STATUS_LABELS,
        "stop_kind_labels": STOP_KIND_LABELS,
        "actor_labels": ACTOR_LABELS,
        "purpose_labels": PURPOSE_LABELS,
        "need_status_labels": NEED_STATUS_LABELS,
        "trip_state_labels": TRIP_STATE_LABELS,
        "direction_labels": DIRECTION_LABELS,
        "reason_text": reason_text,
        "local_time": local_time,
        "local_datetime": local_datetime,
        "minutes": minutes,
        "hours_minutes": hours_minutes,
        "signed_minutes": signed_minutes,
        "join_names": join_names,
        "trip_window": trip_window,
        "ride_label": ride_label,
        "unserved_reason": unserved_reason,
        "trip_names": trip_names,
        "run_message": run_message,
        "today": today,
    }
