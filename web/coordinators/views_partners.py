"""Network partners in the office: create and change organisations, invite and manage staff.

Coordinators (not viewers) do this; every change is audited by the service.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from matcher.errors import MatcherError
from matcher.errors import NotFound
from matcher.partners import organisations
from matcher.partners import staff
from matcher.partners.organisations import PartnerInput
from web.auth import coordinator_required
from web.auth import current_account
from web.coordinators.blueprint import bp
from web.coordinators.changes import commit_or_explain
from web.coordinators.forms import AccountEditForm
from web.coordinators.forms_partners import PARTNER_KIND_LABELS
from web.coordinators.forms_partners import PartnerEditForm
from web.coordinators.forms_partners import PartnerForm
from web.coordinators.forms_partners import StaffInviteForm
from web.db import get_session
from web.errors import translate_domain_error
from web.i18n import LANGUAGE_NAMES
from web.settings import current_settings


def _input(form: PartnerForm) -> PartnerInput:
    return PartnerInput(
        name=form.name.data or "",
        kind=form.kind.data or "",
        email=form.email.data or "",
        locale=form.locale.data or "",
    )


def _list_page(form: PartnerForm | None = None, status: int = 200) -> tuple[str, int]:
    return render_template(
        "coordinators/partners.html",
        partners=organisations.list_partners(get_session()),
        form=form or PartnerForm(formdata=None),
        kind_labels=PARTNER_KIND_LABELS,
    ), status


@bp.get("/partners")
@coordinator_required
def partners() -> tuple[str, int]:
    """Every partner organisation, and the form for a new one."""
    return _list_page()


@bp.post("/partners")
@coordinator_required
def create_partner() -> Response | tuple[str, int]:
    """A new partner organisation; then its page, to invite its staff."""
    form = PartnerForm()
    if not form.validate_on_submit():
        return _list_page(form, 422)
    session = get_session()
    try:
        partner = organisations.create_partner(session, _input(form), current_account().id)
    except MatcherError as error:
        session.rollback()
        flash(translate_domain_error(error), "error")
        return _list_page(form, 422)
    session.commit()
    flash(_("%(name)s is a partner now. Invite its staff below.", name=partner.name), "success")
    return redirect(url_for(".partner", partner_id=partner.id), 303)


def _partner_page(
    partner_id: int,
    edit_form: PartnerEditForm | None = None,
    invite_form: StaffInviteForm | None = None,
    status: int = 200,
) -> tuple[str, int]:
    session = get_session()
    try:
        partner = organisations.get_partner(session, partner_id)
    except NotFound:
        abort(404)
    if edit_form is None:
        edit_form = PartnerEditForm(formdata=None, obj=partner)
        edit_form.kind.data = partner.kind.value
        edit_form.row_version.data = str(partner.row_version)
    return render_template(
        "coordinators/partner.html",
        partner=partner,
        edit_form=edit_form,
        invite_form=invite_form or StaffInviteForm(formdata=None),
        kind_labels=PARTNER_KIND_LABELS,
        language_names=LANGUAGE_NAMES,
    ), status


@bp.get("/partners/<int:partner_id>")
@coordinator_required
def partner(partner_id: int) -> tuple[str, int]:
    """One partner: its details, its staff and their invitations."""
    return _partner_page(partner_id)


def _version(form: AccountEditForm) -> int:
    try:
        return int(form.row_version.data or "")
    except ValueError:
        return -1


def _back(partner_id: int) -> Response:
    return redirect(url_for(".partner", partner_id=partner_id), 303)


@bp.post("/partners/<int:partner_id>")
@coordinator_required
def update_partner(partner_id: int) -> Response | tuple[str, int]:
    """Change the partner's name, kind, contact address or language."""
    form = PartnerEditForm()
    if not form.validate_on_submit():
        return _partner_page(partner_id, edit_form=form, status=422)
    session = get_session()
    try:
        organisations.update_partner(
            session, partner_id, _version(form), _input(form), current_account().id
        )
    except NotFound:
        abort(404)
    except MatcherError as error:
        session.rollback()
        flash(translate_domain_error(error), "error")
        return _partner_page(partner_id, edit_form=form, status=422)
    session.commit()
    flash(_("The partner is saved."), "success")
    return _back(partner_id)


def _change(partner_id: int, action: Callable[[int], object], done: str) -> Response:
    form = AccountEditForm()
    if not form.validate_on_submit():
        flash(_("The form has expired. Please try again."), "error")
        return _back(partner_id)
    return commit_or_explain(
        lambda: action(_version(form)), done, _back(partner_id), missing_is_404=True
    )


@bp.post("/partners/<int:partner_id>/deactivate")
@coordinator_required
def deactivate_partner(partner_id: int) -> Response:
    """Deactivate the partner: its staff are logged out at their next click."""
    return _change(
        partner_id,
        lambda v: organisations.set_partner_active(
            get_session(), partner_id, v, False, current_account().id
        ),
        _("The partner is deactivated. Its staff cannot log in any more."),
    )


@bp.post("/partners/<int:partner_id>/reactivate")
@coordinator_required
def reactivate_partner(partner_id: int) -> Response:
    """Reactivate the partner."""
    return _change(
        partner_id,
        lambda v: organisations.set_partner_active(
            get_session(), partner_id, v, True, current_account().id
        ),
        _("The partner is active again."),
    )


@bp.post("/partners/<int:partner_id>/staff")
@coordinator_required
def invite_partner_staff(partner_id: int) -> Response | tuple[str, int]:
    """Create a staff account and e-mail the invitee a link to set a password."""
    form = StaffInviteForm()
    if not form.validate_on_submit():
        return _partner_page(partner_id, invite_form=form, status=422)
    session = get_session()
    try:
        staff.invite_staff(
            session,
            partner_id=partner_id,
            email=form.email.data or "",
            name=form.name.data or "",
            locale=form.locale.data or "",
            coordinator_id=current_account().id,
            settings=current_settings(),
        )
    except NotFound:
        abort(404)
    except MatcherError as error:
        session.rollback()
        flash(translate_domain_error(error), "error")
        return _partner_page(partner_id, invite_form=form, status=422)
    session.commit()
    flash(
        _("%(email)s is invited; the invitation is on its way.", email=form.email.data), "success"
    )
    return _back(partner_id)


@bp.post("/partners/<int:partner_id>/staff/<int:staff_id>/reinvite")
@coordinator_required
def reinvite_partner_staff(partner_id: int, staff_id: int) -> Response:
    """A new invitation link (the previous one stops working)."""
    return _change(
        partner_id,
        lambda v: staff.resend_invitation(
            get_session(), partner_id, staff_id, v, current_account().id, current_settings()
        ),
        _("A new invitation is on its way."),
    )


@bp.post("/partners/<int:partner_id>/staff/<int:staff_id>/deactivate")
@coordinator_required
def deactivate_partner_staff(partner_id: int, staff_id: int) -> Response:
    """Deactivate a staff account: the person is logged out at their next click."""
    return _change(
        partner_id,
        lambda v: staff.set_staff_active(
            get_session(), partner_id, staff_id, v, False, current_account().id
        ),
        _("The account is deactivated."),
    )


@bp.post("/partners/<int:partner_id>/staff/<int:staff_id>/reactivate")
@coordinator_required
def reactivate_partner_staff(partner_id: int, staff_id: int) -> Response:
    """Reactivate a staff account."""
    return _change(
        partner_id,
        lambda v: staff.set_staff_active(
            get_session(), partner_id, staff_id, v, True, current_account().id
        ),
        _("The account is active again."),
    )
