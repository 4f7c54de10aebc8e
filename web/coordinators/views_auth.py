"""Coordinator login and logout."""

from __future__ import annotations

from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_login import logout_user
from werkzeug.wrappers import Response

from matcher.people import coordinators as accounts
from web.auth import coordinator_required
from web.auth import current_account
from web.auth import log_in_coordinator
from web.coordinators.blueprint import bp
from web.coordinators.forms import ButtonForm
from web.coordinators.forms import LoginForm
from web.db import get_session
from web.redirects import local_target
from web.security import limiter


def login_rate_limit() -> str:
    """Attempts allowed per address (config ``RATELIMIT_COORDINATOR_LOGIN``)."""
    return str(current_app.config.get("RATELIMIT_COORDINATOR_LOGIN", "10 per minute;50 per hour"))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(login_rate_limit, methods=["POST"])
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
@coordinator_required
def logout() -> Response:
    """End the session."""
    if ButtonForm().validate_on_submit():
        logout_user()
        flash(_("You are logged out."), "success")
    return redirect(url_for(".login"))
