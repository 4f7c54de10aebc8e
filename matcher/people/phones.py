"""Phone numbers as people type them ("0151 1234 5678", "+49 (151) ...") to E.164.

Numbers are compared in E.164 form, which is how a second registration with
the same phone is found whatever spacing was typed.
"""

from __future__ import annotations

import phonenumbers

from matcher.errors import N_
from matcher.errors import ValidationError

DEFAULT_REGION = "DE"
MAX_INPUT_LENGTH = 40


def normalise_phone(raw: str, region: str = DEFAULT_REGION) -> str:
    """The number in E.164 (``+4915112345678``); ``ValidationError`` on field ``phone`` if invalid.

    A number without a country prefix is read as a number of ``region``.
    """
    text = (raw or "").strip()
    if not text:
        raise ValidationError(N_("Please enter your phone number."), field="phone")
    if len(text) > MAX_INPUT_LENGTH:
        raise ValidationError(N_("This phone number is too long."), field="phone")
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        raise ValidationError(
            N_("This is not a phone number we can call, e.g. 0151 12345678 or +49 151 12345678."),
            field="phone",
        ) from None
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(
            N_("This is not a phone number we can call, e.g. 0151 12345678 or +49 151 12345678."),
            field="phone",
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def display_phone(e164: str | None) -> str:
    """A stored number for people: national format for German numbers, international otherwise."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    fmt = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if number.country_code == 49
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, fmt)
