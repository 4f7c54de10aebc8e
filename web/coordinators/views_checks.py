"""The checks a registration may need: a flagged location, a possible duplicate.

Both start from the intake queue or the dashboard's "riders to check"; each
action is a POST with the CSRF token that redirects back (Post/Redirect/Get).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from flask import abort
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response

from matcher.models import Place
from matcher.models import PlaceKind
from matcher.models import Rider
from matcher.people import duplicates
from matcher.people import locations
from matcher.people.locations import Seen
from web.auth import coordinator_required
from web.auth import current_account
from web.coordinators.blueprint import bp
from web.coordinators.changes import commit_or_explain
from web.coordinators.forms_checks import DuplicateDismissForm
from web.coordinators.forms_checks import DuplicateMergeForm
from web.coordinators.forms_checks import GazetteerPlaceForm
from web.coordinators.forms_checks import PlacePointForm
from web.db import get_session
from web.settings import today

PLACE_KIND_LABELS = {
    PlaceKind.VILLAGE: _l("village"),
    PlaceKind.TOWN: _l("town"),
    PlaceKind.EMPLOYER: _l("employer"),
    PlaceKind.COURSE_SITE: _l("course site"),
    PlaceKind.DAYCARE: _l("daycare"),
    PlaceKind.STATION: _l("station"),
    PlaceKind.ADDRESS: _l("address"),
}


def _rider_or_404(rider_id: int) -> Rider:
    rider = get_session().get(Rider, rider_id)
    if rider is None or rider.erased_at is not None:
        abort(404)
    return rider


def _seen(value: str | None) -> float | None:
    try:
        return float(value) if value else None
    except ValueError:
        return None


def _run(action: Callable[[], object], done: str, back: str) -> Response:
    """Run a check's action and go back to ``back``."""
    return commit_or_explain(action, done, redirect(back, 303))


def _expired(back: str) -> Response:
    flash(_("The form has expired or was incomplete. Please try again."), "error")
    return redirect(back, 303)


@bp.get("/riders/<int:rider_id>/location")
@coordinator_required
def check_location(rider_id: int) -> str:
    """The rider's places still to check, each on the map with both ways to fix it."""
    rider = _rider_or_404(rider_id)
    listed = locations.gazetteer_places(get_session())
    items = []
    for item in locations.places_to_check(rider):
        point = PlacePointForm(prefix=f"p{item.place.id}")
        point.lat.data = Decimal(f"{item.place.lat:.6f}") if item.place.lat is not None else None
        point.lon.data = Decimal(f"{item.place.lon:.6f}") if item.place.lon is not None else None
        choose = GazetteerPlaceForm(prefix=f"g{item.place.id}")
        choose.gazetteer_place.choices = [(0, _("— choose —"))] + [
            (p.id, f"{p.name} ({PLACE_KIND_LABELS.get(p.kind, p.kind)})") for p in listed
        ]
        items.append((item, point, choose))
    return render_template(
        "coordinators/check_location.html",
        rider=rider,
        items=items,
        reference=[
            {"lat": p.lat, "lon": p.lon, "name": p.name}
            for p in listed
            if p.kind in (PlaceKind.VILLAGE, PlaceKind.TOWN)
        ],
        tile_url=current_app.config.get("TILE_URL", ""),
        tile_attribution=current_app.config.get("TILE_ATTRIBUTION", ""),
    )


def _place_or_404(place_id: int) -> Place:
    place = get_session().get(Place, place_id)
    if place is None:
        abort(404)
    return place


@bp.post("/riders/<int:rider_id>/places/<int:place_id>/point")
@coordinator_required
def set_place_point(rider_id: int, place_id: int) -> Response:
    """Put a flagged place where the coordinator clicked or typed."""
    _rider_or_404(rider_id)
    _place_or_404(place_id)
    back = url_for(".check_location", rider_id=rider_id)
    form = PlacePointForm(prefix=f"p{place_id}")
    if not form.validate_on_submit() or form.lat.data is None or form.lon.data is None:
        return _expired(back)
    lat, lon = float(form.lat.data), float(form.lon.data)
    seen = Seen(_seen(form.seen_lat.data), _seen(form.seen_lon.data))
    return _run(
        lambda: locations.set_point(
            get_session(),
            rider_id,
            place_id,
            lat=lat,
            lon=lon,
            seen=seen,
            actor_id=current_account().id,
        ),
        _("The place is saved at %(lat).5f, %(lon).5f.", lat=lat, lon=lon),
        back,
    )


@bp.post("/riders/<int:rider_id>/places/<int:place_id>/replace")
@coordinator_required
def replace_place(rider_id: int, place_id: int) -> Response:
    """Use a listed place instead of the typed address."""
    _rider_or_404(rider_id)
    _place_or_404(place_id)
    back = url_for(".check_location", rider_id=rider_id)
    form = GazetteerPlaceForm(prefix=f"g{place_id}")
    form.gazetteer_place.choices = []
    if not form.validate_on_submit():
        return _expired(back)
    seen = Seen(_seen(form.seen_lat.data), _seen(form.seen_lon.data))
    chosen = int(form.gazetteer_place.data or 0)  # 0: nothing chosen, refused with a reason
    return _run(
        lambda: locations.use_gazetteer_place(
            get_session(),
            rider_id,
            place_id,
            chosen,
            seen=seen,
            actor_id=current_account().id,
            today=today(),
        ),
        _("The listed place is used instead; the coming rides go there."),
        back,
    )


@bp.get("/riders/<int:rider_id>/duplicate")
@coordinator_required
def compare_duplicate(rider_id: int) -> str | Response:
    """The flagged rider beside the earlier one they may be."""
    rider = _rider_or_404(rider_id)
    if rider.possible_duplicate_of is None:
        flash(_("This rider is no longer marked as a possible duplicate."), "info")
        return redirect(url_for(".intake_queue"), 303)
    merge = DuplicateMergeForm()
    merge.keep.choices = [(rider.possible_duplicate_of.id, ""), (rider.id, "")]
    merge.earlier_id.data = rider.possible_duplicate_of.id
    merge.keep.data = rider.possible_duplicate_of.id
    dismiss = DuplicateDismissForm()
    dismiss.earlier_id.data = rider.possible_duplicate_of.id
    return render_template(
        "coordinators/duplicate.html",
        flagged=rider,
        earlier=rider.possible_duplicate_of,
        merge_form=merge,
        dismiss_form=dismiss,
    )


@bp.post("/riders/<int:rider_id>/duplicate/merge")
@coordinator_required
def merge_duplicate(rider_id: int) -> Response:
    """One person: keep the chosen rider, move everything to them, remove the other."""
    form = DuplicateMergeForm()
    back = url_for(".intake_queue")
    if not form.validate_on_submit() or form.earlier_id.data is None or form.keep.data is None:
        return _expired(url_for(".compare_duplicate", rider_id=rider_id))
    earlier_id, keep = int(form.earlier_id.data), int(form.keep.data)
    return _run(
        lambda: duplicates.merge(
            get_session(), rider_id, earlier_id, keep_id=keep, actor_id=current_account().id
        ),
        _("The two registrations are merged into one rider."),
        back,
    )


@bp.post("/riders/<int:rider_id>/duplicate/dismiss")
@coordinator_required
def dismiss_duplicate(rider_id: int) -> Response:
    """Two different people: clear the flag."""
    form = DuplicateDismissForm()
    if not form.validate_on_submit() or form.earlier_id.data is None:
        return _expired(url_for(".compare_duplicate", rider_id=rider_id))
    earlier_id = int(form.earlier_id.data)
    return _run(
        lambda: duplicates.dismiss(
            get_session(), rider_id, earlier_id, actor_id=current_account().id
        ),
        _("Marked as two different people."),
        url_for(".intake_queue"),
    )
