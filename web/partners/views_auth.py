"""Partner staff login and logout, forgotten passwords, and setting a password from a link."""

from __future__ import annotations

from flask import flash
from flask import redirect
from flask import url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from matcher.partners import staff
from web.account_pages import AccountArea
from web.account_pages import Page
from web.account_pages import forgot_password_page
from web.account_pages import login_page
from web.account_pages import set_password_page
from web.auth import current_account
from web.auth import log_in_partner
from web.auth import log_out
from web.auth import partner_required
from web.coordinators.forms import ButtonForm
from web.partners.blueprint import bp
from web.rate_limits import PARTNER_LOGIN
from web.rate_limits import PARTNER_PASSWORD_LINK
from web.rate_limits import PASSWORD_RESET_PER_ADDRESS
from web.rate_limits import PASSWORD_RESET_PER_EMAIL
from web.rate_limits import limited

PARTNERS = AccountArea(
    name="partners",
    prefix=bp.url_prefix or "/",
    authenticate=staff.authenticate_staff,
    log_in=log_in_partner,
    request_reset=staff.request_password_reset,
    link_account=staff.link_account,
    set_password=staff.set_password_with_link,
    welcome=lambda: _("Your password is set. Welcome to Mitfahrnetz."),
)


@bp.route("/login", methods=["GET", "POST"])
@limited(PARTNER_LOGIN)
def login() -> Page:
    """E-mail and password; a wrong pair says so without telling which part was wrong."""
    if current_account().is_partner:
        return redirect(url_for(".dashboard"), 303)
    return login_page(PARTNERS)


@bp.post("/logout")
@partner_required
def logout() -> Response:
    """End the session, and every copy of it."""
    if ButtonForm().validate_on_submit():
        log_out()
        flash(_("You are logged out."), "success")
    return redirect(url_for(".login"), 303)


@bp.route("/password/forgot", methods=["GET", "POST"])
@limited(PASSWORD_RESET_PER_ADDRESS, PASSWORD_RESET_PER_EMAIL)
def forgot_password() -> Page:
    """Ask for a reset link; the answer is the same whether the address has an account or not."""
    return forgot_password_page(PARTNERS)


@bp.route("/password/<token>", methods=["GET", "POST"])
@limited(PARTNER_PASSWORD_LINK)
def set_password(token: str) -> Page:
    """Set a password through an invitation or reset link; the link then stops working."""
    return set_password_page(PARTNERS, token)
