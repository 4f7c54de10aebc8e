"""Driver login (magic link or password), logout, and editing availability and exceptions.

A magic link opens a page with a button; only pressing it (POST) uses the
link up. E-mail scanners that fetch links would otherwise burn single-use
links before the driver clicks. Asking for a link answers the same whether
the address is known or not.
"""

from __future__ import annotations

from flask import abort
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from matcher.errors import ValidationError as DomainValidationError
from matcher.people import registration
from web.auth import current_account
from web.auth import driver_required
from web.auth import log_in_driver
from web.auth import log_out
from web.db import get_session
from web.drivers.blueprint import bp
from web.drivers.forms import AvailabilityForm
from web.drivers.forms import ButtonForm
from web.drivers.forms import ExceptionForm
from web.drivers.forms import LinkLoginForm
from web.drivers.forms import PasswordLoginForm
from web.drivers.forms import window_rows
from web.errors import translate_domain_error
from web.rate_limits import DRIVER_LOGIN
from web.rate_limits import limited
from web.redirects import local_target
from web.settings import current_settings

HOME_ENDPOINTS = ("drivers.schedule", "drivers.home", "drivers.portal", "drivers.availability")


def _after_login() -> str:
    """Where a driver lands: a safe local ``next`` or the portal's start page."""
    target = local_target(request.args.get("next"))
    if target is not None:
        return target
    for endpoint in HOME_ENDPOINTS:
        if endpoint in current_app.view_functions:
            return url_for(endpoint)
    return url_for("drivers.availability")


@bp.route("/login", methods=["GET", "POST"])
@limited(DRIVER_LOGIN)
def login() -> str | Response | tuple[str, int]:
    """Log in by a link sent by e-mail, or by password."""
    link_form = LinkLoginForm(prefix="link")
    password_form = PasswordLoginForm(prefix="pw")
    session = get_session()
    if request.method == "POST" and "link-email" in request.form and link_form.validate():
        registration.issue_login_link(session, link_form.email.data, current_settings())
        session.commit()
        return render_template("drivers/login_sent.html")
    if request.method == "POST" and "pw-email" in request.form and password_form.validate():
        driver = registration.authenticate_driver(
            session, password_form.email.data, password_form.password.data
        )
        if driver is not None:
            session.commit()
            log_in_driver(driver)
            return redirect(_after_login(), 303)
        password_form.password.errors = [_("E-mail address or password is wrong.")]
    status = 422 if request.method == "POST" else 200
    return render_template(
        "drivers/login.html", link_form=link_form, password_form=password_form
    ), status


@bp.route("/login/<token>", methods=["GET", "POST"])
def magic(token: str) -> str | Response | tuple[str, int]:
    """A login link: GET shows a button, POST uses the link up and logs in."""
    form = ButtonForm()
    if form.validate_on_submit():
        session = get_session()
        driver = registration.redeem_login_link(session, token)
        session.commit()
        if driver is None:
            return render_template("drivers/link_invalid.html"), 410
        log_in_driver(driver)
        return redirect(_after_login(), 303)
    return render_template("drivers/magic.html", form=form, token=token)


@bp.post("/logout")
def logout() -> Response:
    """End the session."""
    if not ButtonForm().validate_on_submit():
        abort(400)
    log_out()
    flash(_("You are logged out."), "success")
    return redirect(url_for("drivers.login"), 303)


@bp.route("/availability", methods=["GET", "POST"])
@driver_required
def availability() -> str | Response | tuple[str, int]:
    """Weekly times and dated exceptions; the next planning run reads them."""
    session = get_session()
    driver_id = current_account().id  # type: ignore[union-attr]
    driver = registration.driver_by_id(session, driver_id)
    form = AvailabilityForm()
    exception_form = ExceptionForm(prefix="exc")
    if request.method == "GET":
        for entry, row in zip(form.windows.entries, window_rows(driver.windows), strict=False):
            entry.form.weekdays.data = row["weekdays"]
            entry.form.start.data = row["start"]
            entry.form.end.data = row["end"]
        form.max_driving_minutes_per_day.data = driver.max_driving_minutes_per_day
    elif "exc-first_day" not in request.form and form.validate_on_submit():
        try:
            registration.set_availability(
                session, driver.id, form.window_inputs(), form.max_driving_minutes_per_day.data
            )
        except DomainValidationError as error:
            session.rollback()
            form.windows.errors = [*form.windows.errors, translate_domain_error(error)]
        else:
            session.commit()
            flash(_("Saved. The next plan uses your new times."), "success")
            return redirect(url_for("drivers.availability"), 303)
    elif "exc-first_day" in request.form and exception_form.validate_on_submit():
        registration.add_exception(session, driver.id, exception_form.exception_input())
        session.commit()
        flash(_("Saved. The next plan uses your new times."), "success")
        return redirect(url_for("drivers.availability"), 303)
    status = 422 if request.method == "POST" else 200
    return render_template(
        "drivers/availability.html",
        form=form,
        exception_form=exception_form,
        driver=driver,
        exceptions=sorted(driver.exceptions, key=lambda e: e.first_day),
        button=ButtonForm(),
    ), status


@bp.post("/availability/exceptions/<int:exception_id>/delete")
@driver_required
def delete_exception(exception_id: int) -> Response:
    """Remove one of the driver's own exceptions."""
    if not ButtonForm().validate_on_submit():
        abort(400)
    session = get_session()
    registration.remove_exception(session, current_account().id, exception_id)  # type: ignore[union-attr]
    session.commit()
    flash(_("Removed."), "success")
    return redirect(url_for("drivers.availability"), 303)
