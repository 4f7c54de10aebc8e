"""Phone numbers normalised to E.164, German by default."""

from __future__ import annotations

import pytest

from matcher.errors import ValidationError
from matcher.people.phones import display_phone
from matcher.people.phones import normalise_phone


@pytest.mark.parametrize(
    ("raw", "e164"),
    [
        ("0151 2345 6789", "+4915123456789"),
        ("+49 (151) 234-56789", "+4915123456789"),
        ("0049 151 23456789", "+4915123456789"),
        ("05841 123456", "+495841123456"),
        ("+963 944 567 890", "+963944567890"),  # a Syrian mobile number
    ],
)
def test_normalise(raw, e164):
    assert normalise_phone(raw) == e164


@pytest.mark.parametrize(
    "raw", ["", "   ", "12", "abc", "0151 2345 6789 1234 5678 9012 3456 7890 1"]
)
def test_invalid(raw):
    with pytest.raises(ValidationError) as error:
        normalise_phone(raw)
    assert error.value.field == "phone"


def test_display():
    assert display_phone("+4915123456789") == "01512 3456789"
    assert display_phone("+963944567890").startswith("+963")
