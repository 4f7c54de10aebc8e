"""Forms of the office's partner pages: a partner organisation, a staff invitation."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import EmailField
from wtforms import SelectField
from wtforms import StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired
from wtforms.validators import Length

from matcher.models import PartnerKind
from web.coordinators.forms import AccountEditForm
from web.forms import EmailAddress
from web.forms import FlaskForm
from web.i18n import LANGUAGE_NAMES

PARTNER_KIND_LABELS = {
    PartnerKind.COUNSELLING_CENTRE: _l("Counselling centre"),
    PartnerKind.JOB_CENTRE: _l("Job centre"),
    PartnerKind.EMPLOYMENT_AGENCY: _l("Employment agency"),
    PartnerKind.COURSE_PROVIDER: _l("Adult-education centre or course provider"),
    PartnerKind.EMPLOYER: _l("Employer"),
    PartnerKind.VOLUNTEER_GROUP: _l("Volunteer group"),
}


def _languages() -> list[SelectChoice]:
    return [SelectChoice(code, name) for code, name in LANGUAGE_NAMES.items()]


class PartnerForm(FlaskForm):
    """A partner organisation: name, kind, contact address and the language of its messages."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    kind = SelectField(
        _l("Kind"),
        choices=[SelectChoice(k.value, label) for k, label in PARTNER_KIND_LABELS.items()],
    )
    email = EmailField(
        _l("Contact e-mail address"),
        validators=[DataRequired(), Length(max=254), EmailAddress()],
    )
    locale = SelectField(_l("Language of its messages"), default="de")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.locale.choices = _languages()


class PartnerEditForm(PartnerForm, AccountEditForm):
    """A change of a partner: its fields and the row version the page showed."""


class StaffInviteForm(FlaskForm):
    """Invite a partner's staff member: name, e-mail and the language of the invitation."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    email = EmailField(
        _l("E-mail address"), validators=[DataRequired(), Length(max=254), EmailAddress()]
    )
    locale = SelectField(_l("Language of the invitation"), default="de")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.locale.choices = _languages()
