"""Drivers in the office: the list, a driver's page, vetting, availability on their behalf.

Availability uses the driver portal's own forms (``web.drivers.forms``) and services
(``matcher.people.drivers`` through ``matcher.people.driver_office``), so the office and
the driver are held to one set of rules.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from babel.dates import get_day_names
from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response
from wtforms import RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from matcher.errors import MatcherError
from matcher.models import ActorType
from matcher.models import AuditEntry
from matcher.models import Driver
from matcher.models import DriverVetting
from matcher.models import ExceptionKind
from matcher.people import driver_office
from matcher.people.phones import display_phone
from matcher.queries import overview
from matcher.queries.driver_list import DriverFilter
from matcher.queries.driver_list import list_drivers
from matcher.queries.driver_page import month_figures
from matcher.queries.driver_page import next_routes
from matcher.queries.driver_page import routes_needing_attention
from web.auth import coordinator_required
from web.auth import current_account
from web.coordinators.blueprint import bp
from web.coordinators.changes import commit_or_explain
from web.coordinators.forms import VETTING_LABELS
from web.coordinators.forms import VETTING_REASON_LABELS
from web.coordinators.forms import DriverDecisionForm
from web.coordinators.forms import DriverEditForm
from web.coordinators.forms import DriverSearchForm
from web.coordinators.forms import RejectDriverForm
from web.coordinators.forms import SuspendDriverForm
from web.db import get_session
from web.drivers.forms import AvailabilityForm
from web.drivers.forms import ExceptionForm
from web.drivers.forms import window_rows
from web.errors import translate_domain_error
from web.i18n import LANGUAGE_NAMES
from web.riders.forms import SPOKEN_LANGUAGES
from web.settings import current_settings
from web.settings import today
from web.statements import render_statement


class OfficeExceptionForm(ExceptionForm):
    """The portal's exception form, its choices worded for the office."""

    kind = RadioField(
        _l("What changes?"),
        choices=[
            SelectChoice(ExceptionKind.UNAVAILABLE.value, _l("The driver is away")),
            SelectChoice(ExceptionKind.EXTRA.value, _l("The driver can drive at an extra time")),
        ],
        default=ExceptionKind.UNAVAILABLE.value,
        validators=[InputRequired()],
    )


@bp.get("/drivers")
@coordinator_required
def drivers() -> str:
    """Search drivers by name, phone, e-mail, municipality and vetting state; 25 a page."""
    form = DriverSearchForm(request.args)
    form.validate()
    vetting = form.vetting.data or ""
    flt = DriverFilter(
        text=(form.q.data or "")[:100],
        municipality=(form.municipality.data or "")[:80],
        vetting=DriverVetting(vetting) if vetting in DriverVetting._value2member_map_ else None,
    )
    page = request.args.get("page", "1")
    result = list_drivers(get_session(), flt, int(page) if page.isdigit() else 1)
    query = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template(
        "coordinators/drivers.html",
        form=form,
        result=result,
        query=query,
        phone=display_phone,
        vetting_labels=VETTING_LABELS,
    )


def _load(driver_id: int) -> Driver:
    driver = get_session().get(Driver, driver_id)
    if driver is None or driver.erased_at is not None:
        abort(404)
    return driver


def render_driver(
    driver_id: int,
    *,
    availability: AvailabilityForm | None = None,
    exception_form: OfficeExceptionForm | None = None,
    status: int = 200,
) -> tuple[str, int]:
    """The driver's page (also after a refused edit, with the form's errors)."""
    session = get_session()
    driver = _load(driver_id)
    day = today()
    if availability is None:
        availability = AvailabilityForm(formdata=None)
        for entry, row in zip(
            availability.windows.entries, window_rows(driver.windows), strict=False
        ):
            entry.form.weekdays.data = row["weekdays"]
            entry.form.start.data = row["start"]
            entry.form.end.data = row["end"]
        availability.max_driving_minutes_per_day.data = driver.max_driving_minutes_per_day
    audit = list(
        session.scalars(
            sa.select(AuditEntry)
            .where(AuditEntry.entity_type == "driver", AuditEntry.entity_id == driver.id)
            .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
            .limit(30)
        )
    )
    coordinator_ids = [
        e.actor_id for e in audit if e.actor_type == ActorType.COORDINATOR and e.actor_id
    ]
    return (
        render_template(
            "coordinators/driver.html",
            driver=driver,
            phone=display_phone,
            routes=next_routes(session, driver.id, day),
            month=month_figures(session, driver.id, day),
            attention=routes_needing_attention(session, day, driver_id=driver.id),
            availability=availability,
            exception_form=exception_form or OfficeExceptionForm(prefix="exc", formdata=None),
            exceptions=sorted(
                (e for e in driver.exceptions if e.last_day >= day), key=lambda e: e.first_day
            ),
            windows=window_rows(driver.windows),
            decision_form=DriverDecisionForm(formdata=None),
            reject_form=RejectDriverForm(formdata=None),
            suspend_form=SuspendDriverForm(formdata=None),
            vetting_labels=VETTING_LABELS,
            reason_labels=VETTING_REASON_LABELS,
            language_names=LANGUAGE_NAMES,
            spoken_names={c.value: c.label for c in SPOKEN_LANGUAGES},
            day_names=get_day_names("abbreviated", locale=get_locale()),
            audit=audit,
            coordinators=overview.coordinator_names(session, coordinator_ids),
            today=day,
        ),
        status,
    )


@bp.get("/drivers/<int:driver_id>")
@coordinator_required
def driver(driver_id: int) -> tuple[str, int]:
    """A driver: contact, car, vetting, availability, next routes and answers, this month."""
    return render_driver(driver_id)


def _row_version(form: DriverDecisionForm | DriverEditForm) -> int:
    try:
        return int(form.row_version.data or "")
    except ValueError:
        return -1


def _act(driver_id: int, action: Callable[[], object], done: str) -> Response:
    """Run one change on the driver's page (a vanished driver is a 404)."""
    back = redirect(url_for(".driver", driver_id=driver_id), 303)
    return commit_or_explain(action, done, back, missing_is_404=True)


def _expired(driver_id: int) -> Response:
    flash(_("The form has expired. Please try again."), "error")
    return redirect(url_for(".driver", driver_id=driver_id), 303)


def _decide(driver_id: int, action: str, form: DriverDecisionForm, done: str) -> Response:
    if not form.validate_on_submit():
        return _expired(driver_id)
    reason = getattr(form, "reason", None)
    return _act(
        driver_id,
        lambda: driver_office.decide(
            get_session(),
            driver_id,
            _row_version(form),
            action,
            current_account().id,
            current_settings(),
            reason=reason.data if reason is not None else None,
            note=form.note.data,
        ),
        done,
    )


@bp.post("/drivers/<int:driver_id>/approve")
@coordinator_required
def approve_driver(driver_id: int) -> Response:
    """Approve a new (or once rejected) driver: planned from the next run; they are told."""
    return _decide(
        driver_id,
        "approve",
        DriverDecisionForm(),
        _("The driver is approved and can be planned; they are told."),
    )


@bp.post("/drivers/<int:driver_id>/reject")
@coordinator_required
def reject_driver(driver_id: int) -> Response:
    """Reject a new driver with a reason; they are told in their language."""
    return _decide(
        driver_id, "reject", RejectDriverForm(), _("The driver is rejected; they are told why.")
    )


@bp.post("/drivers/<int:driver_id>/suspend")
@coordinator_required
def suspend_driver(driver_id: int) -> Response:
    """Suspend a driver: left out of planning from the next run; their routes are flagged."""
    return _decide(
        driver_id,
        "suspend",
        SuspendDriverForm(),
        _("Suspended: left out of the next runs; their published routes are flagged."),
    )


@bp.post("/drivers/<int:driver_id>/reinstate")
@coordinator_required
def reinstate_driver(driver_id: int) -> Response:
    """Lift a suspension: planned again from the next run."""
    return _decide(
        driver_id,
        "reinstate",
        DriverDecisionForm(),
        _("The suspension is lifted; the driver is planned again from the next run."),
    )


@bp.post("/drivers/<int:driver_id>/availability")
@coordinator_required
def driver_availability(driver_id: int) -> Response | tuple[str, int]:
    """Replace the weekly windows on the driver's behalf (the portal's form and rules)."""
    version = DriverEditForm()
    form = AvailabilityForm()
    if not version.validate_on_submit():
        return _expired(driver_id)
    if not form.validate():
        return render_driver(driver_id, availability=form, status=422)
    session = get_session()
    try:
        driver_office.set_availability(
            session,
            driver_id,
            _row_version(version),
            form.window_inputs(),
            form.max_driving_minutes_per_day.data,
            current_account().id,
        )
    except MatcherError as error:
        session.rollback()
        flash(translate_domain_error(error), "error")
        return render_driver(driver_id, availability=form, status=409)
    session.commit()
    flash(_("Saved. The next plan uses the new times."), "success")
    return redirect(url_for(".driver", driver_id=driver_id), 303)


@bp.post("/drivers/<int:driver_id>/exceptions")
@coordinator_required
def add_driver_exception(driver_id: int) -> Response | tuple[str, int]:
    """Add a dated exception (away, or an extra time) on the driver's behalf."""
    version = DriverEditForm()
    form = OfficeExceptionForm(prefix="exc")
    if not version.validate_on_submit():
        return _expired(driver_id)
    if not form.validate():
        return render_driver(driver_id, exception_form=form, status=422)
    return _act(
        driver_id,
        lambda: driver_office.add_exception(
            get_session(),
            driver_id,
            _row_version(version),
            form.exception_input(),
            current_account().id,
        ),
        _("Saved. The next plan uses the new times."),
    )


@bp.post("/drivers/<int:driver_id>/exceptions/<int:exception_id>/delete")
@coordinator_required
def remove_driver_exception(driver_id: int, exception_id: int) -> Response:
    """Remove one of the driver's exceptions on their behalf."""
    version = DriverEditForm()
    if not version.validate_on_submit():
        return _expired(driver_id)
    return _act(
        driver_id,
        lambda: driver_office.remove_exception(
            get_session(), driver_id, _row_version(version), exception_id, current_account().id
        ),
        _("Removed."),
    )


@bp.get("/drivers/<int:driver_id>/statement")
@coordinator_required
def driver_statement_page(driver_id: int) -> tuple[str, int]:
    """A driver's monthly statement of rides, hours and kilometres, printable."""
    driver = get_session().get(Driver, driver_id)
    if driver is None:
        abort(404)
    return render_statement(
        driver_id,
        driver.display_name,
        request.args.get("month"),
        layout="coordinators/_layout.html",
        back_url=url_for(".driver", driver_id=driver_id),
        back_label=_("Back to the driver"),
    )
