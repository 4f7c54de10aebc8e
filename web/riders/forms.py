"""The rider's forms: registration, editing a need, and the bare action buttons.

Every limit here (lengths, ranges) is checked on the server; the browser's
``maxlength``/``min``/``max`` attributes are only a convenience. Messages are
our own translatable strings, so each error shows in the rider's language next
to its field, and a failed submission comes back with everything typed kept.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField
from wtforms import DateField
from wtforms import Field
from wtforms import FieldList
from wtforms import FormField
from wtforms import HiddenField
from wtforms import IntegerField
from wtforms import RadioField
from wtforms import SelectField
from wtforms import SelectMultipleField
from wtforms import StringField
from wtforms import TelField
from wtforms import TextAreaField
from wtforms import TimeField
from wtforms import ValidationError
from wtforms import widgets
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired
from wtforms.validators import InputRequired
from wtforms.validators import Length
from wtforms.validators import NumberRange
from wtforms.validators import Optional

from matcher.errors import ValidationError as DomainValidationError
from matcher.models import MAX_SEATS
from matcher.models import MobilityNeed
from matcher.models import NeedPurpose
from matcher.models import ScheduleKind
from matcher.models.common import EMAIL
from matcher.models.common import check_child_seats
from matcher.people.phones import normalise_phone
from web.errors import translate_domain_error
from web.forms import EmailAddress
from web.forms import FlaskForm
from web.forms import Form
from web.forms import submission_held
from web.settings import today

EMAIL_PATTERN = EMAIL.pattern
NOT_AN_EMAIL = _l("This does not look like an e-mail address.")
MAX_DATES = 60
ROTATION_WEEKS = 3
"""Weeks the form offers for a rotating pattern; the rider says how many her cycle has."""
ROTATION_LENGTH_CHOICES = [
    SelectChoice("2", _l("2 weeks")),
    SelectChoice("3", _l("3 weeks")),
]

REQUIRED = _l("Please fill in this field.")
TOO_LONG = _l("This is too long (at most %(max)d characters).")
NOT_A_TIME = _l("Please give a time such as 07:30.")
NOT_A_DATE = _l("Please give a date.")

PURPOSE_CHOICES = [
    SelectChoice(NeedPurpose.JOB.value, _l("Job")),
    SelectChoice(NeedPurpose.INTERNSHIP.value, _l("Internship")),
    SelectChoice(NeedPurpose.SHIFT_WORK.value, _l("Shift work")),
    SelectChoice(NeedPurpose.COURSE.value, _l("Course or school")),
    SelectChoice(NeedPurpose.OTHER.value, _l("Other")),
]
PURPOSE_ICONS = {
    "job": "🏭",
    "internship": "🧰",
    "shift_work": "🌗",
    "course": "📚",
    "other": "📍",
}
SCHEDULE_CHOICES = [
    SelectChoice(ScheduleKind.WEEKLY.value, _l("The same days every week")),
    SelectChoice(
        ScheduleKind.ROTATING.value, _l("Shifts that change every week (early week / late week)")
    ),
    SelectChoice(ScheduleKind.DATES.value, _l("Only on some dates")),
]
WEEKDAY_CHOICES = [
    SelectChoice(0, _l("Monday")),
    SelectChoice(1, _l("Tuesday")),
    SelectChoice(2, _l("Wednesday")),
    SelectChoice(3, _l("Thursday")),
    SelectChoice(4, _l("Friday")),
    SelectChoice(5, _l("Saturday")),
    SelectChoice(6, _l("Sunday")),
]
MOBILITY_CHOICES = [
    SelectChoice(MobilityNeed.WALKING_AID.value, _l("I use a walking aid")),
    SelectChoice(
        MobilityNeed.FOLDING_WHEELCHAIR.value,
        _l("I use a folding wheelchair (it goes in the boot)"),
    ),
]
# Each language named in itself, so people find their own.
SPOKEN_LANGUAGES = [
    SelectChoice("de", "Deutsch"),
    SelectChoice("en", "English"),
    SelectChoice("ar", "العربية"),
    SelectChoice("fa", "فارسی"),
    SelectChoice("prs", "دری"),
    SelectChoice("ps", "پښتو"),
    SelectChoice("ku", "Kurdî"),
    SelectChoice("ti", "ትግርኛ"),
    SelectChoice("so", "Soomaali"),
    SelectChoice("uk", "Українська"),
    SelectChoice("ru", "Русский"),
    SelectChoice("tr", "Türkçe"),
    SelectChoice("ro", "Română"),
    SelectChoice("fr", "Français"),
]


class MultiCheckboxField(SelectMultipleField):
    """Several checkboxes in a list; more usable on a phone than a multiple select."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def optional_int(value: Any) -> int | None:
    """A submitted or stored choice as an int; empty means None (the "— choose —" entry)."""
    if value in ("", None):
        return None
    return int(value)


class OptionalInt(SelectField):
    """A select of ids whose empty choice means None.

    The field's ``coerce`` is the same conversion as its form data, so the
    option that matches the data (submitted, or stored on a GET) is the one
    marked selected when the page is shown again.
    """

    data: int | None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("coerce", optional_int)
        super().__init__(*args, **kwargs)

    def process_formdata(self, valuelist: list[Any]) -> None:
        """The submitted value as an int; empty means None."""
        try:
            self.data = optional_int(valuelist[0]) if valuelist else None
        except ValueError:
            self.data = None
            raise ValueError(_l("Please choose from the list.")) from None

    def pre_validate(self, form: Any) -> None:
        """None is always allowed; any other value must be one of the choices."""
        if self.data is not None and self.data not in {
            optional_int(c.value) for c in (self.choices or [])
        }:
            raise ValidationError(_l("Please choose from the list."))


def parse_dates(text: str) -> list[dt.date]:
    """``3.12.2026, 10.12.2026`` or ISO dates, separated by commas, spaces or lines."""
    days = []
    for part in re.split(r"[,;\s]+", text.strip()):
        if not part:
            continue
        for fmt in ("%d.%m.%Y", "%d.%m.%y", "%Y-%m-%d", "%d/%m/%Y"):
            try:
                days.append(dt.datetime.strptime(part, fmt).date())
                break
            except ValueError:
                continue
        else:
            raise ValueError(part)
    return days


def _add_error(field: Field, message: Any) -> bool:
    """Add ``message`` unless the field already has an error; False either way."""
    if not field.errors:
        field.errors = [message]
    return False


class RotationWeekForm(Form):
    """One week of a rotating shift; sub-form without its own CSRF token."""

    off = BooleanField(_l("No work this week"))
    arrive_by = TimeField(_l("Arrive by"), validators=[Optional()], format=["%H:%M", "%H:%M:%S"])
    pick_up_after = TimeField(
        _l("Pick up after"), validators=[Optional()], format=["%H:%M", "%H:%M:%S"]
    )


class NeedForm(FlaskForm):
    """Where to, why and when: the part a rider can later edit."""

    destination_place = OptionalInt(
        _l("Where do you need to go?"), choices=[], validate_choice=False
    )
    destination_street = StringField(
        _l("Street and number"), validators=[Optional(), Length(max=120, message=TOO_LONG)]
    )
    destination_town = StringField(
        _l("Town or village"), validators=[Length(max=80, message=TOO_LONG)]
    )
    purpose = RadioField(
        _l("What is the ride for?"),
        choices=PURPOSE_CHOICES,
        validators=[InputRequired(message=_l("Please choose what the ride is for."))],
    )
    schedule_kind = RadioField(
        _l("Which days?"),
        choices=SCHEDULE_CHOICES,
        default=ScheduleKind.WEEKLY.value,
        validators=[InputRequired(message=REQUIRED)],
    )
    weekdays = MultiCheckboxField(_l("Weekdays"), choices=WEEKDAY_CHOICES, coerce=int)
    arrive_by = TimeField(_l("Arrive by"), validators=[Optional()], format=["%H:%M", "%H:%M:%S"])
    pick_up_after = TimeField(
        _l("Pick up for the way back after (optional)"),
        validators=[Optional()],
        format=["%H:%M", "%H:%M:%S"],
    )
    rotation_length = RadioField(
        _l("After how many weeks do your shifts start again?"),
        choices=ROTATION_LENGTH_CHOICES,
        default="2",
        validators=[Optional()],
    )
    rotation = FieldList(
        FormField(RotationWeekForm), min_entries=ROTATION_WEEKS, max_entries=ROTATION_WEEKS
    )
    dates = TextAreaField(_l("Dates"), validators=[Length(max=1000, message=TOO_LONG)])
    valid_from = DateField(_l("Starting on"), validators=[Optional()], format="%Y-%m-%d")
    valid_until = DateField(_l("Until (optional)"), validators=[Optional()], format="%Y-%m-%d")
    seats_needed = IntegerField(
        _l("How many people travel, including you?"),
        default=1,
        validators=[
            InputRequired(message=REQUIRED),
            NumberRange(1, MAX_SEATS, message=_l("Between 1 and %(max)s people.")),
        ],
    )
    child_seats = IntegerField(
        _l("Children who need a child seat"),
        default=0,
        validators=[Optional(), NumberRange(0, MAX_SEATS, message=_l("Between 0 and %(max)s."))],
    )
    booster_seats = IntegerField(
        _l("Children who need a booster seat"),
        default=0,
        validators=[Optional(), NumberRange(0, MAX_SEATS, message=_l("Between 0 and %(max)s."))],
    )
    via_place = OptionalInt(_l("Stop on the way (optional)"), choices=[], validate_choice=False)
    confirm_doubts = BooleanField(_l("Yes, this is right"))
    doubts_seen = HiddenField()
    """The codes of the doubts the page showed; the tick confirms only those."""

    parsed_dates: list[dt.date]
    field_order: tuple[str, ...] = (
        "purpose",
        "destination_place",
        "destination_street",
        "destination_town",
        "via_place",
        "schedule_kind",
        "weekdays",
        "arrive_by",
        "pick_up_after",
        "rotation_length",
        "rotation",
        "dates",
        "valid_from",
        "valid_until",
        "seats_needed",
        "child_seats",
        "booster_seats",
    )
    """Page order, for the error summary."""

    def validate(self, extra_validators: Any = None) -> bool:
        """Field validators, then the rules that make an empty optional field required."""
        if submission_held():
            return False  # a language switch: no field is marked
        valid = super().validate(extra_validators)
        kind = self.schedule_kind.data
        if kind != ScheduleKind.DATES.value and self.valid_from.data is None:
            valid = _add_error(self.valid_from, NOT_A_DATE) and valid
        if kind in (ScheduleKind.WEEKLY.value, ScheduleKind.DATES.value) and (
            self.arrive_by.data is None and self.pick_up_after.data is None
        ):
            message = _l("Please give the time you must arrive, or when to pick you up, or both.")
            valid = _add_error(self.arrive_by, message) and valid
        return valid

    def validate_destination_place(self, field: Field) -> None:
        """A destination from the list, or a typed address."""
        if field.data is None and not (self.destination_street.data or "").strip():
            raise ValidationError(_l("Please choose where you need to go, or type the address."))

    def validate_destination_town(self, field: Field) -> None:
        """A typed address needs its town."""
        typed = self.destination_place.data is None and self.destination_street.data
        if typed and not (field.data or "").strip():
            raise ValidationError(_l("Please give the town or village."))

    def validate_weekdays(self, field: Field) -> None:
        """Weekly and rotating needs need at least one weekday."""
        if self.schedule_kind.data != ScheduleKind.DATES.value and not field.data:
            raise ValidationError(_l("Please choose at least one day."))

    def validate_rotation(self, field: Field) -> None:
        """Each week has a time or is off; at least one week is worked."""
        if self.schedule_kind.data != ScheduleKind.ROTATING.value:
            return
        missing = False
        for entry in field.entries[: self.rotation_weeks()]:
            week = entry.form
            if (
                not week.off.data
                and week.arrive_by.data is None
                and week.pick_up_after.data is None
            ):
                if not week.arrive_by.errors:
                    week.arrive_by.errors = [_l("Give a time, or tick 'No work this week'.")]
                missing = True
        if missing:
            raise ValidationError(_l("Please give the times of each week, or mark it as off."))

    def rotation_weeks(self) -> int:
        """How many weeks the rotating pattern has (the weeks after them are not used).

        A form sent without the choice (an older page) uses every week but trailing
        weeks off, as the form did before it asked.
        """
        if self.rotation_length.raw_data == []:
            weeks = list(self.rotation.entries)
            while len(weeks) > 1 and weeks[-1].form.off.data:
                weeks.pop()
            return len(weeks)
        try:
            return max(1, min(ROTATION_WEEKS, int(self.rotation_length.data or ROTATION_WEEKS)))
        except ValueError:
            return ROTATION_WEEKS

    def validate_dates(self, field: Field) -> None:
        """A list of real dates, not in the past, not too many."""
        self.parsed_dates = []
        if self.schedule_kind.data != ScheduleKind.DATES.value:
            return
        try:
            days = parse_dates(field.data or "")
        except ValueError as error:
            raise ValidationError(
                _l("'%(text)s' is not a date. Please write dates like 24.12.2026.", text=str(error))
            ) from None
        if not days:
            raise ValidationError(_l("Please give at least one date."))
        if len(set(days)) > MAX_DATES:
            raise ValidationError(_l("At most %(count)s dates, please.", count=MAX_DATES))
        if min(days) < today():
            raise ValidationError(_l("Please give only dates from today on."))
        self.parsed_dates = sorted(set(days))

    def validate_valid_until(self, field: Field) -> None:
        """The end is not before the start."""
        if field.data and self.valid_from.data and field.data < self.valid_from.data:
            raise ValidationError(_l("The end date must not be before the start date."))

    def validate_child_seats(self, field: Field) -> None:
        """Children with seats are counted among the people travelling."""
        try:
            check_child_seats(self.seats_needed.data, field.data, self.booster_seats.data)
        except DomainValidationError as error:
            raise ValidationError(translate_domain_error(error)) from None


class RiderForm(NeedForm):
    """The full registration: the need plus who the rider is and where they live."""

    first_name = StringField(
        _l("First name"),
        validators=[DataRequired(message=REQUIRED), Length(max=80, message=TOO_LONG)],
    )
    phone = TelField(
        _l("Phone number"),
        validators=[DataRequired(message=REQUIRED), Length(max=40, message=TOO_LONG)],
    )
    email = StringField(
        _l("E-mail address (optional)"),
        validators=[
            Optional(),
            Length(max=254, message=TOO_LONG),
            EmailAddress(message=NOT_AN_EMAIL),
        ],
    )
    home_street = StringField(
        _l("Street"),
        validators=[DataRequired(message=REQUIRED), Length(max=120, message=TOO_LONG)],
    )
    home_number = StringField(
        _l("House number"), validators=[Optional(), Length(max=12, message=TOO_LONG)]
    )
    home_village = OptionalInt(_l("Village or town"), choices=[], validate_choice=False)
    home_lat = HiddenField()
    home_lon = HiddenField()
    mobility_needs = MultiCheckboxField(_l("Help I need"), choices=MOBILITY_CHOICES)
    mobility_note = TextAreaField(
        _l("Anything else the driver should know? (optional)"),
        validators=[Optional(), Length(max=500, message=TOO_LONG)],
    )
    languages = MultiCheckboxField(_l("Languages I speak"), choices=SPOKEN_LANGUAGES)
    consent = BooleanField(
        _l("I agree that Mitfahrnetz stores and uses my information to plan my rides."),
        validators=[DataRequired(message=_l("Please agree, otherwise we cannot plan rides."))],
    )

    normalised_phone: str = ""
    field_order = (
        "first_name",
        "phone",
        "email",
        "languages",
        "home_village",
        "home_street",
        "home_number",
        *NeedForm.field_order,
        "mobility_needs",
        "mobility_note",
        "consent",
    )
    """Page order, for the error summary."""

    def validate_phone(self, field: Field) -> None:
        """Normalise to E.164 now, so the error shows next to the field."""
        try:
            self.normalised_phone = normalise_phone(field.data or "")
        except DomainValidationError as error:
            raise ValidationError(translate_domain_error(error)) from None

    def validate_home_village(self, field: Field) -> None:
        """The village from the list (or a point on the map)."""
        if field.data is None and not (self.home_lat.data and self.home_lon.data):
            raise ValidationError(_l("Please choose your village or town."))

    def map_point(self) -> tuple[float | None, float | None]:
        """The point set on the map, if any and well-formed."""
        try:
            return float(self.home_lat.data), float(self.home_lon.data)
        except (TypeError, ValueError):
            return None, None


class ButtonForm(FlaskForm):
    """A bare button (cancel a need, delete my data): only the CSRF token."""


class PauseForm(FlaskForm):
    """Pause one day of a need."""

    day = DateField(validators=[InputRequired(message=NOT_A_DATE)], format="%Y-%m-%d")
