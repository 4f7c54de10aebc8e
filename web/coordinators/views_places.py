"""Places in the office: the gazetteer's list, a place's page, its edit, merging two.

Employers, course sites, daycares, stations, villages and towns: what riders
choose in the registration form and the planner drives to. A refused save
shows the form again with every entry kept and the reason at the field; a
colleague's change in the meantime is refused (409) the same way.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from babel.dates import get_day_names
from flask import abort
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from matcher.errors import MatcherError
from matcher.errors import NotFound
from matcher.errors import ValidationError
from matcher.models import ActorType
from matcher.models import AuditEntry
from matcher.models import Place
from matcher.models import PlaceKind
from matcher.models import PlaceSource
from matcher.people import place_office
from matcher.people.place_office import SavedPlace
from matcher.queries import overview
from matcher.queries.place_list import PlaceFilter
from matcher.queries.place_list import list_places
from matcher.queries.place_list import place_usage
from web.auth import coordinator_required
from web.auth import current_account
from web.coordinators.blueprint import bp
from web.coordinators.forms_places import HOURS_KIND_VALUES
from web.coordinators.forms_places import KIND_LABELS
from web.coordinators.forms_places import MergeChoiceForm
from web.coordinators.forms_places import MergeForm
from web.coordinators.forms_places import PlaceEditForm
from web.coordinators.forms_places import PlaceForm
from web.coordinators.forms_places import PlaceSearchForm
from web.db import get_session
from web.errors import translate_domain_error
from web.settings import current_settings
from web.settings import today

SOURCE_LABELS = {
    PlaceSource.GAZETTEER: _l("from the district's list"),
    PlaceSource.GEOCODER: _l("found from the address"),
    PlaceSource.MANUAL: _l("typed in"),
    PlaceSource.MAP: _l("set on the map"),
}

ACTION_LABELS = {
    "place_added": _l("added"),
    "place_edited": _l("changed"),
    "places_merged": _l("another place merged into it"),
    "location_fixed": _l("point set on the map"),
}


@bp.get("/places")
@coordinator_required
def places() -> str:
    """Search the places by name or address, filter by kind; 25 a page."""
    form = PlaceSearchForm(request.args)
    form.validate()
    kind = form.kind.data or ""
    flt = PlaceFilter(
        text=(form.q.data or "")[:100],
        kind=PlaceKind(kind) if kind in KIND_LABELS else None,
    )
    page = request.args.get("page", "1")
    result = list_places(get_session(), flt, int(page) if page.isdigit() else 1)
    query = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template(
        "coordinators/places.html",
        form=form,
        result=result,
        query=query,
        kind_labels=KIND_LABELS,
    )


def _listed(place_id: int) -> Place:
    try:
        return place_office.listed_place(get_session(), place_id)
    except NotFound:
        abort(404)


def map_context() -> dict[str, Any]:
    """What the pick map needs: the villages as dots, the optional tile server."""
    villages = get_session().scalars(
        sa.select(Place)
        .where(
            Place.key.is_not(None),
            Place.lat.is_not(None),
            Place.kind.in_((PlaceKind.VILLAGE, PlaceKind.TOWN)),
        )
        .order_by(Place.name)
    )
    return {
        "reference": [{"lat": p.lat, "lon": p.lon, "name": p.name} for p in villages],
        "tile_url": current_app.config.get("TILE_URL", ""),
        "tile_attribution": current_app.config.get("TILE_ATTRIBUTION", ""),
        "hours_kinds": HOURS_KIND_VALUES,
        "day_names": get_day_names("abbreviated", locale=get_locale()),
    }


def edit_form_for(place: Place) -> PlaceEditForm:
    """The edit form filled from the stored place."""
    form = PlaceEditForm(formdata=None)
    form.kind.data = place.kind.value
    form.name.data = place.name
    form.street.data = place.street or ""
    form.postcode.data = place.postcode or ""
    form.municipality.data = place.municipality or ""
    form.lat.data = f"{place.lat:.6f}" if place.lat is not None else ""
    form.lon.data = f"{place.lon:.6f}" if place.lon is not None else ""
    form.fill_hours(place_office.hours_inputs(place))
    return form


def render_place(
    place: Place,
    form: PlaceEditForm | None = None,
    status: int = 200,
    *,
    version: int | str | None = None,
) -> tuple[str, int]:
    """The place's page (also after a refused save, with the typed entries and the errors).

    ``version`` is the row version the form carries on: the one the coordinator saw after
    a refused entry, the stored one after a colleague's change (they have now seen it).
    """
    session = get_session()
    audit = list(
        session.scalars(
            sa.select(AuditEntry)
            .where(AuditEntry.entity_type == "place", AuditEntry.entity_id == place.id)
            .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
            .limit(20)
        )
    )
    coordinator_ids = [
        e.actor_id for e in audit if e.actor_type == ActorType.COORDINATOR and e.actor_id
    ]
    return (
        render_template(
            "coordinators/place.html",
            place=place,
            form=form or edit_form_for(place),
            version=place.row_version if version is None else version,
            usage=place_usage(session, place.id, today()),
            kind_labels=KIND_LABELS,
            source_labels=SOURCE_LABELS,
            action_labels=ACTION_LABELS,
            audit=audit,
            coordinators=overview.coordinator_names(session, coordinator_ids),
            **map_context(),
        ),
        status,
    )


@bp.get("/places/<int:place_id>")
@coordinator_required
def place(place_id: int) -> tuple[str, int]:
    """A place: kind, address, point, opening hours, what uses it; the edit form."""
    return render_place(_listed(place_id))


def show_field_error(form: PlaceForm, error: ValidationError) -> None:
    """Put a refusal of the service at its field (or at the top of the form)."""
    message = translate_domain_error(error)
    target = form[error.field] if error.field and error.field in form else None
    if target is None:
        form.form_errors.append(message)
    else:
        target.errors = [*target.errors, message]


def saved_message(saved: SavedPlace) -> tuple[str, str]:
    """What the office is told after a save (and how urgently)."""
    if saved.approximate:
        return (
            _(
                "Saved. The point is only approximate (the centre of the town): "
                "please click the exact spot on the map."
            ),
            "info",
        )
    return _("Saved."), "success"


@bp.post("/places/<int:place_id>")
@coordinator_required
def edit_place(place_id: int) -> Response | tuple[str, int]:
    """Save the edit form; a stale page is refused and the entries stay in the form."""
    found = _listed(place_id)
    form = PlaceEditForm()
    if not form.validate_on_submit():
        return render_place(found, form, 422, version=form.row_version.data or "")
    session = get_session()
    try:
        version = int(form.row_version.data or "")
    except ValueError:
        version = -1
    try:
        saved = place_office.edit_place(
            session,
            current_settings(),
            place_id,
            version,
            form.place_input(),
            actor_id=current_account().id,
        )
    except ValidationError as error:
        session.rollback()
        show_field_error(form, error)
        return render_place(_listed(place_id), form, 422, version=version)
    except MatcherError as error:
        session.rollback()
        flash(translate_domain_error(error), "error")
        return render_place(_listed(place_id), form, 409)
    session.commit()
    flash(*saved_message(saved))
    return redirect(url_for(".place", place_id=place_id), 303)


def render_new(form: PlaceForm, status: int = 200) -> tuple[str, int]:
    """The add form (also after a refused save, with the typed entries and the errors)."""
    return render_template("coordinators/place_new.html", form=form, **map_context()), status


@bp.get("/places/new")
@coordinator_required
def new_place() -> tuple[str, int]:
    """An empty place form; the kind is preset from the list's filter."""
    form = PlaceForm(formdata=None)
    if request.args.get("kind") in KIND_LABELS:
        form.kind.data = request.args["kind"]
    return render_new(form)


@bp.post("/places/new")
@coordinator_required
def add_place() -> Response | tuple[str, int]:
    """Add the place, located from the map point or the address, and show its page."""
    form = PlaceForm()
    if not form.validate_on_submit():
        return render_new(form, 422)
    session = get_session()
    try:
        saved = place_office.add_place(
            session, current_settings(), form.place_input(), actor_id=current_account().id
        )
    except ValidationError as error:
        session.rollback()
        show_field_error(form, error)
        return render_new(form, 422)
    session.commit()
    flash(*saved_message(saved))
    return redirect(url_for(".place", place_id=saved.place.id), 303)


def merge_choices(place: Place) -> list[SelectChoice]:
    """The other listed places, grouped by kind, the place's own kind first."""
    others = get_session().scalars(
        sa.select(Place)
        .where(Place.key.is_not(None), Place.kind.in_(KIND_LABELS), Place.id != place.id)
        .order_by(Place.name, Place.id)
    )
    order = [place.kind, *(k for k in KIND_LABELS if k != place.kind)]
    found = sorted(others, key=lambda p: order.index(p.kind))
    return [SelectChoice(0, _("— choose —"))] + [
        SelectChoice(
            p.id,
            f"{p.name} · {p.municipality}"
            if p.municipality and p.municipality != p.name
            else p.name,
            optgroup=str(KIND_LABELS[p.kind]),
        )
        for p in found
    ]


@bp.get("/places/<int:place_id>/merge")
@coordinator_required
def compare_places(place_id: int) -> tuple[str, int]:
    """Choose the place this one is the same as; both side by side, with what uses them."""
    session = get_session()
    found = _listed(place_id)
    chooser = MergeChoiceForm(request.args)
    chooser.other.choices = merge_choices(found)
    other = None
    if chooser.other.data:
        try:
            other = place_office.listed_place(session, int(chooser.other.data))
        except NotFound:
            other = None
    if other is not None and other.id == found.id:
        other = None
    form = MergeForm(formdata=None)
    if other is not None:
        form.other_id.data = other.id
        form.keep.choices = [(found.id, ""), (other.id, "")]
        form.keep.data = found.id
    day = today()
    return (
        render_template(
            "coordinators/place_merge.html",
            place=found,
            other=other,
            chooser=chooser,
            form=form,
            usage=place_usage(session, found.id, day),
            other_usage=place_usage(session, other.id, day) if other is not None else None,
            kind_labels=KIND_LABELS,
            day_names=get_day_names("abbreviated", locale=get_locale()),
        ),
        200,
    )


def _version(text: str | None) -> int:
    try:
        return int(text or "")
    except ValueError:
        return -1


@bp.post("/places/<int:place_id>/merge")
@coordinator_required
def merge_places(place_id: int) -> Response:
    """Merge the two places into the one chosen to keep; the other is removed."""
    form = MergeForm()
    form.keep.choices = []
    if not form.validate_on_submit() or form.other_id.data is None or form.keep.data is None:
        flash(_("The form has expired or was incomplete. Please try again."), "error")
        return redirect(url_for(".compare_places", place_id=place_id), 303)
    other_id, keep = int(form.other_id.data), int(form.keep.data)
    back = url_for(".compare_places", place_id=place_id, other=other_id)
    if keep not in (place_id, other_id):
        flash(_("Please choose which place to keep."), "error")
        return redirect(back, 303)
    versions = {
        place_id: _version(form.row_version.data),
        other_id: _version(form.other_row_version.data),
    }
    remove = other_id if keep == place_id else place_id
    session = get_session()
    try:
        merged = place_office.merge_places(
            session,
            keep,
            versions[keep],
            remove,
            versions[remove],
            actor_id=current_account().id,
        )
    except MatcherError as error:
        session.rollback()
        flash(translate_domain_error(error), "error")
        if session.get(Place, place_id) is None or session.get(Place, other_id) is None:
            return redirect(url_for(".places"), 303)
        return redirect(back, 303)
    session.commit()
    flash(
        _(
            "Merged: %(removed)s is removed; its ride requests, rides and homes "
            "now use this place.",
            removed=merged.removed_name,
        ),
        "success",
    )
    return redirect(url_for(".place", place_id=merged.kept.id), 303)
