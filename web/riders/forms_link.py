"""The form of the public "send me my link again" page."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import DataRequired
from wtforms.validators import Length

from matcher.people.personal_links import MAX_CONTACT_LENGTH
from web.forms import FlaskForm
from web.riders.forms import TOO_LONG


class LinkRequestForm(FlaskForm):
    """The phone number or e-mail address the rider registered with."""

    contact = StringField(
        _l("Your phone number or e-mail address"),
        validators=[
            DataRequired(message=_l("Please enter your phone number or e-mail address.")),
            Length(max=MAX_CONTACT_LENGTH, message=TOO_LONG),
        ],
    )
