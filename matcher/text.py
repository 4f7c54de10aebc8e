"""Rules for the text people type, shared by the web forms and the services that take text.

An e-mail address someone types is checked by the email-validator library
(:func:`normalise_email`: syntax only, no DNS look-up), which refuses quoted local
parts, display names, IP literals and reserved domains such as ``.invalid``.

A control character (a NUL byte, an escape, a form feed ...) is nothing a person means to
type, and PostgreSQL refuses a NUL in text outright: such text is refused with
:data:`CONTROL_CHARACTERS`. Multi-line text keeps tab, line feed and carriage return.
"""

from __future__ import annotations

import re

from email_validator import EmailNotValidError
from email_validator import validate_email

from matcher.errors import N_
from matcher.errors import ValidationError

CONTROL_CHARACTERS = N_("This contains invisible control characters; please type it again.")
"""The message for text with a control character in it."""

_ANY_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
"""Unicode's control characters (category Cc): C0, DEL and C1."""
_CONTROL_BUT_LINES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
"""The same without tab, line feed and carriage return."""


def has_control_characters(text: str, *, multiline: bool = False) -> bool:
    """Whether ``text`` holds a control character (multi-line: other than tab and line ends)."""
    return (_CONTROL_BUT_LINES if multiline else _ANY_CONTROL).search(text) is not None


NOT_AN_EMAIL = N_("Please give a valid e-mail address.")
"""The message for a typed e-mail address the library refuses."""


def normalise_email(text: str, *, field: str = "email") -> str:
    """A typed e-mail address as stored (normalised, lower case), checked without DNS.

    Raises ``ValidationError`` on ``field`` for anything but a plain deliverable-looking
    address: ``x"<script>@b.de``, ``Name <a@b.de>``, ``a@b`` and ``a@example.invalid``
    are all refused.
    """
    try:
        address = validate_email(text.strip(), check_deliverability=False)
    except EmailNotValidError:
        raise ValidationError(NOT_AN_EMAIL, field=field) from None
    return address.normalized.lower()
