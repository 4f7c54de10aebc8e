"""The password pages every account kind with a password shares: login, forgotten password, set.

Office accounts and partner staff log in the same way and set their passwords
through the same kind of link (``matcher.people.password_links``); what differs
is said by an :class:`AccountArea`: the blueprint, its services and where a login
lands. The templates are ``accounts/*.html`` inside the area's layout; each view
keeps its own route and rate limits.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response
from wtforms import EmailField
from wtforms import PasswordField
from wtforms.validators import DataRequired
from wtforms.validators import EqualTo
from wtforms.validators import Length

from matcher.errors import ValidationError
from matcher.models import CoordinatorTokenPurpose
from matcher.settings import Settings
from web.db import get_session
from web.errors import translate_domain_error
from web.forms import FlaskForm
from web.redirects import local_target
from web.settings import current_settings

Page = Response | str | tuple[str, int]


class LoginForm(FlaskForm):
    """E-mail and password."""

    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


class ForgotPasswordForm(FlaskForm):
    """The e-mail address to send a reset link to."""

    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Length(max=254)])


class SetPasswordForm(FlaskForm):
    """A new password, typed twice."""

    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=200)])
    confirm = PasswordField(
        _l("The same password again"),
        validators=[DataRequired(), EqualTo("password", message=_l("The two passwords differ."))],
    )


@dataclass(frozen=True)
class AccountArea:
    """One kind of password account: its blueprint and the services behind its pages."""

    name: str
    """The blueprint, also the folder of its layout (``coordinators``, ``partners``)."""
    prefix: str
    """Where a login may send the browser afterwards (``next=``)."""
    authenticate: Callable[[Session, str, str], Any | None]
    log_in: Callable[[Any], None]
    request_reset: Callable[[Session, str, Settings], object]
    link_account: Callable[[Session, str], tuple[Any, CoordinatorTokenPurpose] | None]
    set_password: Callable[[Session, str, str], Any | None]
    welcome: Callable[[], str]
    """The message after a password is set, in the reader's language."""

    def url(self, view: str, **values: Any) -> str:
        """A URL of this area's blueprint."""
        return url_for(f"{self.name}.{view}", **values)


def _render(area: AccountArea, template: str, **context: Any) -> str:
    return render_template(f"accounts/{template}", area=area.name, **context)


def login_page(area: AccountArea) -> Page:
    """E-mail and password; a wrong pair says so without telling which part was wrong."""
    form = LoginForm()
    if form.validate_on_submit():
        session = get_session()
        account = area.authenticate(session, form.email.data or "", form.password.data or "")
        if account is not None:
            session.commit()
            area.log_in(account)
            return redirect(
                local_target(request.args.get("next"), area.prefix) or area.url("dashboard"), 303
            )
        flash(_("E-mail address or password is wrong."), "error")
        return _render(area, "login.html", form=form), 401
    return _render(area, "login.html", form=form)


def forgot_password_page(area: AccountArea) -> Page:
    """Ask for a reset link; the answer is the same whether the address has an account or not."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        session = get_session()
        area.request_reset(session, form.email.data or "", current_settings())
        session.commit()
        return _render(area, "password_sent.html")
    status = 422 if form.is_submitted() else 200
    return _render(area, "password_forgot.html", form=form), status


def set_password_page(area: AccountArea, token: str) -> Page:
    """Set a password through an invitation or reset link; the link then stops working."""
    session = get_session()
    found = area.link_account(session, token)
    if found is None:
        return _render(area, "password_link_invalid.html"), 404
    account, purpose = found
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            done = area.set_password(session, token, form.password.data or "")
        except ValidationError as error:
            session.rollback()
            form.password.errors = [translate_domain_error(error)]
        else:
            if done is None:
                session.rollback()
                return _render(area, "password_link_invalid.html"), 404
            session.commit()
            area.log_in(done)
            flash(area.welcome(), "success")
            return redirect(area.url("dashboard"), 303)
    return _render(
        area,
        "password_set.html",
        form=form,
        account=account,
        invitation=purpose == CoordinatorTokenPurpose.INVITE,
    ), (422 if form.is_submitted() else 200)
