"""The base classes every form of the service is built on, and the rules they add to each field.

Every form in ``web/`` subclasses :class:`FlaskForm` (a page's form, with CSRF) or
:class:`Form` (a part of one, inside ``FormField``); an architecture test keeps it so.
Their ``Meta.bind_field`` gives every field, whatever its form, the rules below
before the field's own validators:

- no control characters (:mod:`matcher.text`): a multi-line field
  (``TextAreaField``) keeps tab, line feed and carriage return.

:class:`EmailAddress` is the check for a typed e-mail address that will be stored.

A request whose submission is held (:func:`hold_submission`: a rate limit refused it)
validates no form, so its view shows the page with what was sent and stores nothing.

A ``FieldList`` of bare fields would bind its entries without ``Meta``: put rows in a
``FormField`` of a :class:`Form`, as every list here does.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import flask_wtf
import wtforms
from flask import g
from flask import has_request_context
from flask_babel import gettext
from wtforms import Field
from wtforms import FieldList
from wtforms import FormField
from wtforms import TextAreaField
from wtforms.meta import DefaultMeta
from wtforms.validators import StopValidation
from wtforms.validators import ValidationError

from matcher.errors import ValidationError as DomainValidationError
from matcher.text import CONTROL_CHARACTERS
from matcher.text import has_control_characters
from matcher.text import normalise_email


class NoControlCharacters:
    """Refuses a field whose submitted text holds a control character, with one clear message.

    Both what was sent (``raw_data``, so a number field with a NUL says so, not "not a
    number") and the field's value are checked; the error stops the field's other rules.
    """

    def __init__(self, *, multiline: bool) -> None:
        self.multiline = multiline

    def __call__(self, form: wtforms.Form, field: Field) -> None:
        """Raise ``StopValidation`` with the translated message if a control character was sent."""
        if any(has_control_characters(text, multiline=self.multiline) for text in _texts(field)):
            raise StopValidation(gettext(CONTROL_CHARACTERS))


def _texts(field: Field) -> Iterator[str]:
    for value in [*(field.raw_data or ()), field.data]:
        if isinstance(value, str):
            yield value
        elif isinstance(value, list | tuple):
            yield from (item for item in value if isinstance(item, str))


class EmailAddress:
    """An e-mail address that will be stored: checked by :func:`matcher.text.normalise_email`.

    An empty field passes (put ``DataRequired`` or ``Optional`` in front). Login forms
    do not use it: they only look an address up.
    """

    def __init__(self, message: Any = None) -> None:
        self.message = message

    def __call__(self, form: wtforms.Form, field: Field) -> None:
        """Raise ``ValidationError`` (the given message, else the domain's) if refused."""
        if not field.data:
            return
        try:
            normalise_email(field.data)
        except DomainValidationError as error:
            raise ValidationError(str(self.message or gettext(error.template))) from None


class RulesMeta(DefaultMeta):
    """Binds every field with the service's rules in front of its own validators."""

    def bind_field(self, form: Any, unbound_field: Any, options: dict[str, Any]) -> Field:
        """Bind as WTForms does, then prepend the rules (a ``FormField``'s own form has them)."""
        field = super().bind_field(form, unbound_field, options)
        if not isinstance(field, FormField | FieldList):
            rule = NoControlCharacters(multiline=isinstance(field, TextAreaField))
            field.validators = [rule, *field.validators]
        return field


class Form(wtforms.Form):
    """A part of a form (rows inside ``FormField``/``FieldList``), with the service's rules."""

    Meta = RulesMeta


class FlaskForm(flask_wtf.FlaskForm):
    """A page's form (Flask-WTF: CSRF, request data), with the service's rules."""

    Meta = RulesMeta

    def validate(self, extra_validators: Any = None) -> bool:
        """As WTForms does, but never valid in a request whose submission is held."""
        if submission_held():
            return False
        return bool(super().validate(extra_validators))


def hold_submission() -> None:
    """Let no form of this request validate: its view re-renders what was sent, storing nothing."""
    g.submission_held = True


def submission_held() -> bool:
    """Whether :func:`hold_submission` was called in this request."""
    return has_request_context() and bool(g.get("submission_held"))
