"""Forms of the coordination office; every one carries the CSRF token (Flask-WTF).

Edit forms carry the plan's ``row_version`` as the page showed it, so the
service can tell when someone else changed the plan in the meantime.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField
from wtforms import EmailField
from wtforms import HiddenField
from wtforms import IntegerField
from wtforms import SelectField
from wtforms import StringField
from wtforms import TimeField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired
from wtforms.validators import InputRequired
from wtforms.validators import Length
from wtforms.validators import NumberRange
from wtforms.validators import Optional

from matcher.models import REJECT_REASONS
from matcher.models import SUSPEND_REASONS
from matcher.models import CoordinatorRole
from matcher.models import DeclineReason
from matcher.models import DriverVetting
from matcher.models import NeedPurpose
from matcher.models import NeedStatus
from matcher.models import VettingReason
from matcher.people.driver_office import VETTING_REASON_TEXTS
from web.forms import EmailAddress
from web.forms import FlaskForm
from web.i18n import LANGUAGE_NAMES


class ButtonForm(FlaskForm):
    """A bare button (logout, vet a driver, cancel a run): only the CSRF token."""


class PlanEditForm(FlaskForm):
    """Any edit of a plan: the row version the page showed."""

    row_version = IntegerField(validators=[InputRequired(), NumberRange(min=1)])


class TripEditForm(PlanEditForm):
    """Unassign a trip."""

    trip_id = IntegerField(validators=[InputRequired()])


class MoveTripForm(TripEditForm):
    """Move a trip to a driver."""

    driver_id = IntegerField(_l("Move to driver"), validators=[InputRequired()])


class LockTripForm(TripEditForm):
    """Lock or unlock a trip to its driver."""

    locked = BooleanField()


class LockRouteForm(PlanEditForm):
    """Lock or unlock a whole route."""

    driver_id = IntegerField(validators=[InputRequired()])
    locked = BooleanField()


class InsertionForm(PlanEditForm):
    """Apply one option of "Where can this fit?"."""

    vehicle_id = HiddenField(validators=[DataRequired(), Length(max=40)])
    pickup_position = IntegerField(validators=[InputRequired(), NumberRange(min=0)])
    dropoff_position = IntegerField(validators=[InputRequired(), NumberRange(min=0)])


PURPOSE_CHOICES = [
    SelectChoice(NeedPurpose.JOB.value, _l("Work")),
    SelectChoice(NeedPurpose.SHIFT_WORK.value, _l("Shift work")),
    SelectChoice(NeedPurpose.INTERNSHIP.value, _l("Internship")),
    SelectChoice(NeedPurpose.COURSE.value, _l("Course")),
    SelectChoice(NeedPurpose.OTHER.value, _l("Other")),
]


def choices(pairs: list[tuple[int, str]]) -> list[SelectChoice]:
    """Select options from (id, label) pairs."""
    return [SelectChoice(str(value), label) for value, label in pairs]


class OneOffTripForm(FlaskForm):
    """A single ride that is not part of a standing need."""

    rider_id = SelectField(_l("Rider"), coerce=int, validators=[InputRequired()])
    origin_id = SelectField(_l("From"), coerce=int, validators=[InputRequired()])
    destination_id = SelectField(_l("To"), coerce=int, validators=[InputRequired()])
    arrive_by = TimeField(_l("Arrive by"), validators=[Optional()])
    pick_up_after = TimeField(_l("Pick up after"), validators=[Optional()])
    seats = IntegerField(_l("Seats"), default=1, validators=[InputRequired(), NumberRange(1, 8)])
    flexibility_minutes = IntegerField(
        _l("Flexibility (minutes)"), default=15, validators=[InputRequired(), NumberRange(0, 180)]
    )
    purpose = SelectField(_l("Purpose"), choices=PURPOSE_CHOICES, default=NeedPurpose.OTHER.value)
    note = StringField(_l("Note for the driver"), validators=[Optional(), Length(max=500)])

    def validate(self, extra_validators=None) -> bool:  # type: ignore[no-untyped-def]
        """At least one of the two times."""
        if not super().validate(extra_validators):
            return False
        if self.arrive_by.data is None and self.pick_up_after.data is None:
            self.arrive_by.errors.append(_l("Give an arrival time or a pick-up time."))
            return False
        return True


DECLINE_REASON_LABELS = {
    DeclineReason.OUTSIDE_AREA: _l("Outside our area"),
    DeclineReason.NOT_ELIGIBLE: _l("Not a ride our drivers can offer"),
    DeclineReason.NO_DRIVERS: _l("No drivers for these times"),
    DeclineReason.DUPLICATE: _l("Asked twice"),
    DeclineReason.OTHER: _l("Other (write it below)"),
}


class NeedDecisionForm(FlaskForm):
    """Accept a need: the row version the page showed, so a second decision is refused."""

    row_version = HiddenField(validators=[InputRequired()])


class RequestChangeForm(NeedDecisionForm):
    """Ask the rider for a change: the words they will read."""

    note = StringField(_l("What should the rider change?"), validators=[Length(max=2000)])


class DeclineForm(NeedDecisionForm):
    """Decline a need: a reason from the list and optional words for the rider."""

    reason = SelectField(
        _l("Reason"),
        choices=[SelectChoice(r.value, label) for r, label in DECLINE_REASON_LABELS.items()],
        validate_choice=False,  # the service refuses an unknown reason in the user's language
    )
    note = StringField(_l("Words for the rider"), validators=[Length(max=2000)])


NEED_STATUS_CHOICES = [
    SelectChoice("", _l("Any status")),
    SelectChoice(NeedStatus.PENDING.value, _l("Waiting for the office")),
    SelectChoice(NeedStatus.ACTIVE.value, _l("Active")),
    SelectChoice(NeedStatus.PAUSED.value, _l("Paused")),
    SelectChoice(NeedStatus.CANCELLED.value, _l("Cancelled")),
]
PURPOSE_FILTER_CHOICES = [
    SelectChoice("", _l("Any purpose")),
    SelectChoice(NeedPurpose.JOB.value, _l("Work")),
    SelectChoice(NeedPurpose.SHIFT_WORK.value, _l("Shift work")),
    SelectChoice(NeedPurpose.INTERNSHIP.value, _l("Internship")),
    SelectChoice(NeedPurpose.COURSE.value, _l("Course")),
    SelectChoice(NeedPurpose.OTHER.value, _l("Other")),
]


class RiderSearchForm(FlaskForm):
    """The rider list's search, read from the query string (a GET form: no CSRF token)."""

    class Meta:
        """A search changes nothing, and its links must work when shared."""

        csrf = False

    q = StringField(_l("Name, phone or e-mail"), validators=[Optional(), Length(max=100)])
    municipality = StringField(_l("Municipality"), validators=[Optional(), Length(max=80)])
    status = SelectField(_l("Need status"), choices=NEED_STATUS_CHOICES, validators=[Optional()])
    purpose = SelectField(_l("Purpose"), choices=PURPOSE_FILTER_CHOICES, validators=[Optional()])


ROLE_LABELS = {
    CoordinatorRole.ADMIN: _l("Admin (accounts and settings)"),
    CoordinatorRole.COORDINATOR: _l("Coordinator"),
    CoordinatorRole.VIEWER: _l("Viewer (read only)"),
}


def role_choices() -> list[SelectChoice]:
    """The three roles, in the reader's language."""
    return [SelectChoice(role.value, label) for role, label in ROLE_LABELS.items()]


class InviteForm(FlaskForm):
    """Invite a coordinator: name, e-mail, role and the language of the invitation."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    email = EmailField(
        _l("E-mail address"), validators=[DataRequired(), Length(max=254), EmailAddress()]
    )
    role = SelectField(_l("Role"), choices=role_choices, default=CoordinatorRole.COORDINATOR.value)
    locale = SelectField(_l("Language of the invitation"), default="de")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.locale.choices = [SelectChoice(code, name) for code, name in LANGUAGE_NAMES.items()]


class AccountEditForm(FlaskForm):
    """Any change of an account: the row version the page showed."""

    row_version = HiddenField(validators=[InputRequired()])


class RoleForm(AccountEditForm):
    """Give an account another role."""

    role = SelectField(_l("Role"), choices=role_choices)


VETTING_LABELS = {
    DriverVetting.PENDING: _l("Waiting for vetting"),
    DriverVetting.APPROVED: _l("Approved"),
    DriverVetting.REJECTED: _l("Rejected"),
    DriverVetting.SUSPENDED: _l("Suspended"),
}
VETTING_REASON_LABELS = {reason: _l(text) for reason, text in VETTING_REASON_TEXTS.items()}


class DriverSearchForm(FlaskForm):
    """The driver list's search, read from the query string (a GET form: no CSRF token)."""

    class Meta:
        """A search changes nothing, and its links must work when shared."""

        csrf = False

    q = StringField(_l("Name, phone or e-mail"), validators=[Optional(), Length(max=100)])
    municipality = StringField(_l("Municipality"), validators=[Optional(), Length(max=80)])
    vetting = SelectField(
        _l("Vetting"),
        choices=[SelectChoice("", _l("Any state"))]
        + [SelectChoice(state.value, label) for state, label in VETTING_LABELS.items()],
        validators=[Optional()],
    )


class DriverDecisionForm(FlaskForm):
    """Approve or reinstate a driver: the row version the page showed, optional words."""

    row_version = HiddenField(validators=[InputRequired()])
    note = StringField(_l("Words for the driver (optional)"), validators=[Length(max=2000)])


def _reason_choices(reasons: tuple[VettingReason, ...]) -> list[SelectChoice]:
    return [SelectChoice(r.value, VETTING_REASON_LABELS[r]) for r in reasons]


class RejectDriverForm(DriverDecisionForm):
    """Reject a new driver: a reason from the list and optional words."""

    reason = SelectField(
        _l("Reason"),
        choices=lambda: _reason_choices(REJECT_REASONS),
        validate_choice=False,  # the service refuses an unknown reason in the user's language
    )


class SuspendDriverForm(DriverDecisionForm):
    """Suspend a driver: a reason from the list and optional words."""

    reason = SelectField(
        _l("Reason"),
        choices=lambda: _reason_choices(SUSPEND_REASONS),
        validate_choice=False,
    )


class DriverEditForm(FlaskForm):
    """Any edit on a driver's behalf: the row version the page showed."""

    row_version = HiddenField(validators=[InputRequired()])
