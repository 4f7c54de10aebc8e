"""Volunteer drivers register themselves at ``/register/driver`` (endpoint ``drivers.register``).

The drivers' blueprint lives under ``/driver``; this one page sits beside the
riders' ``/register/rider``, so it is added to the app directly when the
blueprint is registered, keeping its ``drivers.`` endpoint name.
"""

from __future__ import annotations

from flask import flash
from flask import redirect
from flask import render_template
from flask import url_for
from flask.blueprints import BlueprintSetupState
from flask_babel import gettext as _
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from matcher.errors import ValidationError as DomainValidationError
from matcher.models import PlaceKind
from matcher.people import registration
from web.db import get_session
from web.drivers.blueprint import bp
from web.drivers.forms import DriverForm
from web.i18n import current_language
from web.rate_limits import REGISTRATION
from web.rate_limits import limited
from web.riders.choices import attach_error
from web.riders.choices import gazetteer
from web.settings import current_settings


@limited(*REGISTRATION)
def register() -> str | Response | tuple[str, int]:
    """The registration form; afterwards a page that says what happens next."""
    session = get_session()
    form = DriverForm()
    villages = gazetteer(session, (PlaceKind.VILLAGE, PlaceKind.TOWN))
    form.home_village.choices = [SelectChoice("", _("— choose —"))] + [
        SelectChoice(p.id, p.name) for p in villages
    ]
    if form.validate_on_submit():
        data = registration.DriverRegistration(
            first_name=form.first_name.data.strip(),
            last_name=form.last_name.data.strip(),
            phone=form.normalised_phone or form.phone.data,
            email=form.email.data,
            home=registration.AddressInput(
                street=form.home_street.data or "",
                house_number=form.home_number.data or "",
                village_place_id=form.home_village.data,
            ),
            seats=form.seats.data,
            child_seats=form.child_seats.data or 0,
            consent=bool(form.consent.data),
            windows=form.window_inputs(),
            exceptions=form.holiday_inputs(),
            car_description=form.car_description.data or None,
            languages=tuple(form.languages.data or ()),
            max_driving_minutes_per_day=form.max_driving_minutes_per_day.data,
            locale=current_language(),
            password=form.password.data or None,
        )
        try:
            done = registration.register_driver(session, data, current_settings())
        except DomainValidationError as error:
            session.rollback()
            attach_error(form, error)  # type: ignore[arg-type]
        else:
            session.commit()
            if done.location_to_check:
                flash(
                    _("We could not find your address on the map; the office will check it."),
                    "warning",
                )
            return redirect(url_for("drivers.registered"), 303)
    status = 422 if form.is_submitted() else 200
    return render_template("drivers/register.html", form=form), status


@bp.get("/registered")
def registered() -> str:
    """What happens next: the office calls, then the driver can log in."""
    return render_template("drivers/registered.html")


def _mount(state: BlueprintSetupState) -> None:
    state.app.add_url_rule(
        "/register/driver", endpoint="drivers.register", view_func=register, methods=["GET", "POST"]
    )


bp.record_once(_mount)
