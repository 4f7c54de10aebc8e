"""Coordinator login and logout, forgotten passwords, and setting a password from a link."""

from __future__ import annotations

from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from matcher.errors import ValidationError
from matcher.models import CoordinatorTokenPurpose
from matcher.people import coordinators as accounts
from web.auth import coordinator_required
from web.auth import current_account
from web.auth import log_in_coordinator
from web.auth import log_out
from web.coordinators.blueprint import bp
from web.coordinators.forms import ButtonForm
from web.coordinators.forms import ForgotPasswordForm
from web.coordinators.forms import LoginForm
from web.coordinators.forms import SetPasswordForm
from web.db import get_session
from web.errors import translate_domain_error
from web.rate_limits import COORDINATOR_LOGIN
from web.rate_limits import COORDINATOR_PASSWORD_LINK
from web.rate_limits import PASSWORD_RESET_PER_ADDRESS
from web.rate_limits import PASSWORD_RESET_PER_EMAIL
from web.rate_limits import limited
from web.redirects import local_target
from web.settings import current_settings


@bp.route("/login", methods=["GET", "POST"])
@limited(COORDINATOR_LOGIN)
def login() -> Response | str | tuple[str, int]:
    """E-mail and password; a wrong pair says so without telling which part was wrong."""
    if current_account().is_coordinator:
        return redirect(url_for(".dashboard"))
    form = LoginForm()
    if form.validate_on_submit():
        session = get_session()
        coordinator = accounts.authenticate_coordinator(
            session, form.email.data or "", form.password.data or ""
        )
        if coordinator is not None:
            session.commit()
            log_in_coordinator(coordinator)
            return redirect(
                local_target(request.args.get("next"), bp.url_prefix or "/")
                or url_for(".dashboard")
            )
        flash(_("E-mail address or password is wrong."), "error")
        return render_template("coordinators/login.html", form=form), 401
    return render_template("coordinators/login.html", form=form)


@bp.post("/logout")
@coordinator_required(viewer_may_post=True)
def logout() -> Response:
    """End the session."""
    if ButtonForm().validate_on_submit():
        log_out()
        flash(_("You are logged out."), "success")
    return redirect(url_for(".login"))


@bp.route("/password/forgot", methods=["GET", "POST"])
@limited(PASSWORD_RESET_PER_ADDRESS, PASSWORD_RESET_PER_EMAIL)
def forgot_password() -> Response | str | tuple[str, int]:
    """Ask for a reset link; the answer is the same whether the address has an account or not."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        session = get_session()
        accounts.request_password_reset(session, form.email.data or "", current_settings())
        session.commit()
        return render_template("coordinators/password_sent.html")
    status = 422 if form.is_submitted() else 200
    return render_template("coordinators/password_forgot.html", form=form), status


@bp.route("/password/<token>", methods=["GET", "POST"])
@limited(COORDINATOR_PASSWORD_LINK)
def set_password(token: str) -> Response | str | tuple[str, int]:
    """Set a password through an invitation or reset link; the link then stops working."""
    session = get_session()
    found = accounts.link_account(session, token)
    if found is None:
        return render_template("coordinators/password_link_invalid.html"), 404
    coordinator, purpose = found
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            done = accounts.set_password_with_link(session, token, form.password.data or "")
        except ValidationError as error:
            session.rollback()
            form.password.errors = [translate_domain_error(error)]
        else:
            if done is None:
                session.rollback()
                return render_template("coordinators/password_link_invalid.html"), 404
            session.commit()
            log_in_coordinator(done)
            flash(_("Your password is set. Welcome to the office."), "success")
            return redirect(url_for(".dashboard"))
    return render_template(
        "coordinators/password_set.html",
        form=form,
        coordinator=coordinator,
        invitation=purpose == CoordinatorTokenPurpose.INVITE,
    ), (422 if form.is_submitted() else 200)
