"""Typed e-mail addresses are checked by email-validator, without DNS; control characters."""

from __future__ import annotations

import socket

import pytest

from matcher.errors import ValidationError
from matcher.text import has_control_characters
from matcher.text import normalise_email


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Heike@Example.ORG", "heike@example.org"),
        ("  amal@example.org ", "amal@example.org"),
        ("müller@bücher.de", "müller@bücher.de"),
        ("a.b+c@sub.example.org", "a.b+c@sub.example.org"),
    ],
)
def test_a_plain_address_is_normalised(typed: str, stored: str) -> None:
    assert normalise_email(typed) == stored


@pytest.mark.parametrize(
    "typed",
    [
        'x"<script>@b.de',
        '"quoted"@b.de',
        "Amal <amal@example.org>",
        "a@b",
        "a..b@example.org",
        "a@[192.0.2.1]",
        "a@example.invalid",  # reserved for addresses that never receive mail
        "a@localhost",
        "",
    ],
)
def test_anything_else_is_refused_at_its_field(typed: str) -> None:
    with pytest.raises(ValidationError) as refused:
        normalise_email(typed, field="contact")
    assert refused.value.field == "contact"
    assert refused.value.template == "Please give a valid e-mail address."


def test_no_dns_is_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("DNS look-up")

    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    monkeypatch.setattr(socket, "gethostbyname", no_network)
    assert normalise_email("someone@mitfahrnetz-does-not-exist.de")


@pytest.mark.parametrize(
    ("text", "multiline", "refused"),
    [
        ("Lange Straße 5", False, False),
        ("Lange\x00Straße", False, True),
        ("Lange\tStraße", False, True),
        ("Zeile 1\r\n\tZeile 2", True, False),
        ("Zeile\x00", True, True),
        ("\x1b[31m", True, True),
        ("\x7f", False, True),
        ("\x85", True, True),  # C1
        ("Straße\u00a0am See", False, False),  # a no-break space is text
    ],
)
def test_control_characters(text: str, multiline: bool, refused: bool) -> None:
    assert has_control_characters(text, multiline=multiline) is refused
