"""Rules for the text people type, shared by the web forms and the services that take text.

A control character (a NUL byte, an escape, a form feed ...) is nothing a person means to
type, and PostgreSQL refuses a NUL in text outright: such text is refused with
:data:`CONTROL_CHARACTERS`. Multi-line text keeps tab, line feed and carriage return.
"""

from __future__ import annotations

import re

from matcher.errors import N_

CONTROL_CHARACTERS = N_("This contains invisible control characters; please type it again.")
"""The message for text with a control character in it."""

_ANY_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
"""Unicode's control characters (category Cc): C0, DEL and C1."""
_CONTROL_BUT_LINES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
"""The same without tab, line feed and carriage return."""


def has_control_characters(text: str, *, multiline: bool = False) -> bool:
    """Whether ``text`` holds a control character (multi-line: other than tab and line ends)."""
    return (_CONTROL_BUT_LINES if multiline else _ANY_CONTROL).search(text) is not None
