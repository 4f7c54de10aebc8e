"""The welcome and login messages arrive in the recipient's language, in every catalog language."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from babel.support import Translations

from matcher.models import OutboxChannel
from matcher.models import OutboxMessage
from matcher.people import registration as reg
from matcher.settings import Settings
from tests.factories import make_driver
from tests.matcher.people.test_registration import registration
from web.config import DefaultConfig

SETTINGS = Settings(translations_dir=DefaultConfig.TRANSLATIONS_DIR, base_url="https://mfn.example")
LANGUAGES = DefaultConfig.LANGUAGES


def catalog(lang: str) -> Translations:
    return Translations.load(DefaultConfig.TRANSLATIONS_DIR, [lang], domain="messages")


def only_mail(session) -> OutboxMessage:  # type: ignore[no-untyped-def]
    return session.scalars(sa.select(OutboxMessage)).one()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_welcome_email_is_in_the_riders_language(session, places, lang) -> None:  # type: ignore[no-untyped-def]
    done = reg.register_rider(session, registration(places, locale=lang), SETTINGS)
    mail = only_mail(session)
    texts = catalog(lang)
    assert mail.locale == lang
    assert mail.subject == texts.gettext("Your personal Mitfahrnetz link")
    assert texts.gettext("Keep this link. Do not share it.") in mail.body
    assert f"https://mfn.example/me/{done.token}" in mail.body
    if lang != "en":
        assert "Keep this link" not in mail.body and "personal link" not in mail.subject


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_rider_without_email_gets_the_link_by_sms(session, places, lang) -> None:  # type: ignore[no-untyped-def]
    done = reg.register_rider(session, registration(places, locale=lang, email=None), SETTINGS)
    sms = only_mail(session)
    texts = catalog(lang)
    assert done.link_sent_by == OutboxChannel.SMS
    assert sms.channel == OutboxChannel.SMS and sms.recipient == "+4915123456789"
    assert sms.locale == lang
    intro = texts.gettext(
        "Mitfahrnetz: you are registered. Your personal link (keep it, do not share it):"
    )
    assert sms.body == f"{intro} https://mfn.example/me/{done.token}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_login_email_is_in_the_drivers_language(session, lang) -> None:  # type: ignore[no-untyped-def]
    driver = make_driver(session, first_name="Heike", email="heike@example.org", locale=lang)
    token = reg.issue_login_link(session, "heike@example.org", SETTINGS)
    mail = only_mail(session)
    texts = catalog(lang)
    assert mail.locale == lang and mail.recipient == driver.email
    assert mail.subject == texts.gettext("Your Mitfahrnetz login link")
    assert texts.gettext("Hello %(name)s,") % {"name": "Heike"} in mail.body
    assert texts.gettext("If you did not ask for it, you can ignore this e-mail.") in mail.body
    assert f"https://mfn.example/driver/login/{token}" in mail.body
    if lang != "en":
        assert "login link" not in mail.subject and "ignore this e-mail" not in mail.body
