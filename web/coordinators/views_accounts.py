"""Office accounts (admins only): invite, change role, deactivate and reactivate, re-invite."""

from __future__ import annotations

from collections.abc import Callable

from flask import flash
from flask import redirect
from flask import render_template
from flask import url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from matcher.errors import MatcherError
from matcher.people import coordinators as accounts
from web.auth import coordinator_required
from web.auth import current_account
from web.coordinators.blueprint import bp
from web.coordinators.forms import ROLE_LABELS
from web.coordinators.forms import AccountEditForm
from web.coordinators.forms import InviteForm
from web.coordinators.forms import RoleForm
from web.db import get_session
from web.errors import translate_domain_error
from web.settings import current_settings


def _page(invite_form: InviteForm | None = None, status: int = 200) -> tuple[str, int]:
    return (
        render_template(
            "coordinators/accounts.html",
            accounts=accounts.list_accounts(get_session()),
            invite_form=invite_form or InviteForm(formdata=None),
            role_form=RoleForm(formdata=None),
            edit_form=AccountEditForm(formdata=None),
            role_labels=ROLE_LABELS,
        ),
        status,
    )


@bp.get("/accounts")
@coordinator_required(admin=True)
def accounts_page() -> tuple[str, int]:
    """Every office account with its role and state, and the invitation form."""
    return _page()


@bp.post("/accounts/invite")
@coordinator_required(admin=True)
def invite() -> Response | tuple[str, int]:
    """Create the account and e-mail the invitee a link to set a password."""
    form = InviteForm()
    if not form.validate_on_submit():
        return _page(form, 422)
    session = get_session()
    try:
        accounts.invite_coordinator(
            session,
            email=form.email.data or "",
            name=form.name.data or "",
            role=form.role.data or "",
            locale=form.locale.data or "",
            admin_id=current_account().id,
            settings=current_settings(),
        )
    except MatcherError as error:
        session.rollback()
        flash(translate_domain_error(error), "error")
        return _page(form, 422)
    session.commit()
    flash(
        _("%(email)s is invited; the invitation is on its way.", email=form.email.data), "success"
    )
    return redirect(url_for(".accounts_page"), 303)


def _row_version(form: AccountEditForm) -> int:
    try:
        return int(form.row_version.data or "")
    except ValueError:
        return -1


def _change(form: AccountEditForm, action: Callable[[int], object], done: str) -> Response:
    """Run one change of an account; commit and say so, or roll back and say why."""
    session = get_session()
    if not form.validate_on_submit():
        flash(_("The form has expired. Please try again."), "error")
        return redirect(url_for(".accounts_page"), 303)
    try:
        action(_row_version(form))
    except MatcherError as error:
        session.rollback()
        flash(translate_domain_error(error), "error")
    else:
        session.commit()
        flash(done, "success")
    return redirect(url_for(".accounts_page"), 303)


@bp.post("/accounts/<int:coordinator_id>/role")
@coordinator_required(admin=True)
def set_role(coordinator_id: int) -> Response:
    """Give the account another role (never the last admin's away)."""
    form = RoleForm()
    return _change(
        form,
        lambda version: accounts.set_role(
            get_session(), coordinator_id, version, form.role.data or "", current_account().id
        ),
        _("The role is changed."),
    )


@bp.post("/accounts/<int:coordinator_id>/deactivate")
@coordinator_required(admin=True)
def deactivate(coordinator_id: int) -> Response:
    """Deactivate: the person is logged out at their next click and cannot log in."""
    return _change(
        AccountEditForm(),
        lambda version: accounts.set_active(
            get_session(), coordinator_id, version, False, current_account().id
        ),
        _("The account is deactivated."),
    )


@bp.post("/accounts/<int:coordinator_id>/reactivate")
@coordinator_required(admin=True)
def reactivate(coordinator_id: int) -> Response:
    """Reactivate: the person can log in again with their password."""
    return _change(
        AccountEditForm(),
        lambda version: accounts.set_active(
            get_session(), coordinator_id, version, True, current_account().id
        ),
        _("The account is active again."),
    )


@bp.post("/accounts/<int:coordinator_id>/reinvite")
@coordinator_required(admin=True)
def reinvite(coordinator_id: int) -> Response:
    """A new invitation link (the previous one stops working)."""
    return _change(
        AccountEditForm(),
        lambda version: accounts.resend_invitation(
            get_session(), coordinator_id, version, current_account().id, current_settings()
        ),
        _("A new invitation is on its way."),
    )
