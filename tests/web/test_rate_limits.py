"""Rate limits that stop abuse, not people (issue 12).

Registrations count only when stored, per client address (generous: a counselling
office registers many) and per phone number and e-mail address however typed; failed
validations never count. Two app instances ("workers") share the counts through Redis
(``MATCHER_TEST_REDIS_URL``, as the RQ tests use); a client address is the proxy's
``X-Forwarded-For`` only with ``TRUSTED_PROXY_HOPS``. A refused form comes back with
everything sent and a message in the reader's language.
"""

from __future__ import annotations

import logging
import os
import re
import uuid
from collections.abc import Iterator

import pytest
import redis
import sqlalchemy as sa

from matcher.models import Driver
from matcher.models import Rider
from matcher.settings import Settings
from tests.factories import make_coordinator
from tests.web.drivers.test_registration import driver_data
from tests.web.riders.test_register import form_data

REDIS_URL = os.environ.get("MATCHER_TEST_REDIS_URL", Settings.redis_url)


@pytest.fixture()
def limits_config(app_config) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """Limits on, in a key space of this test's own; roomy unless a test narrows one."""
    return app_config | {
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        "RATELIMIT_REGISTRATIONS_PER_ADDRESS": "100 per hour",
        "RATELIMIT_REGISTRATIONS_PER_CONTACT": "100 per day",
    }


@pytest.fixture()
def redis_keys(limits_config) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """Remove this test's counters from Redis afterwards."""
    yield
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(match=f"*{limits_config['RATELIMIT_KEY_PREFIX']}*"):
        client.delete(key)
    client.close()


def make_app(config, session):  # type: ignore[no-untyped-def]
    """An app (a worker) on the test's transaction, built from ``config``."""
    from tests.web.coordinators.test_login import _app

    return _app(dict(config), session)


def rider(gazetteer, n: int, **over):  # type: ignore[no-untyped-def]
    """The rider form of the n-th person an office registers: a phone and e-mail of her own."""
    own = {"phone": f"0151 2345 67{n:02d}", "email": f"person{n}@example.org"}
    return form_data(gazetteer, **(own | over))


def post(client, data, ip: str = "192.0.2.1", **headers):  # type: ignore[no-untyped-def]
    return client.post(
        "/register/rider", data=data, environ_base={"REMOTE_ADDR": ip}, headers=headers
    )


def riders(session) -> int:  # type: ignore[no-untyped-def]
    return len(session.scalars(sa.select(Rider)).all())


def test_failed_submissions_never_count_and_an_office_registers_many(  # type: ignore[no-untyped-def]
    limits_config, session, gazetteer
) -> None:
    limits_config["RATELIMIT_REGISTRATIONS_PER_ADDRESS"] = "4 per hour"
    client = make_app(limits_config, session).test_client()
    # Ten submissions with a mistake each: all answered with the form, none counted.
    assert {post(client, rider(gazetteer, 0, first_name="")).status_code for _ in range(10)} == {
        422
    }
    # Four people registered from one office, one after another.
    assert [post(client, rider(gazetteer, n)).status_code for n in range(1, 5)] == [303] * 4
    refused = post(client, rider(gazetteer, 5))
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 3600
    assert re.search(
        r"Many registrations were sent from this connection in a short time\. Please send the"
        r" form again in \d+ minutes\.",
        refused.text,
    )
    assert riders(session) == 4
    # Another address is not held up.
    assert post(client, rider(gazetteer, 5), ip="192.0.2.2").status_code == 303


def test_a_refused_form_comes_back_with_everything_sent_in_the_readers_language(  # type: ignore[no-untyped-def]
    limits_config, session, gazetteer
) -> None:
    limits_config["RATELIMIT_REGISTRATIONS_PER_ADDRESS"] = "1 per hour"
    client = make_app(limits_config, session).test_client()
    assert post(client, rider(gazetteer, 1)).status_code == 303
    sent = rider(gazetteer, 2, first_name="Ülkü", home_street="Am Mühlenberg")
    page = post(client, sent, **{"Accept-Language": "de"})
    html = page.text
    assert page.status_code == 429 and '<html lang="de"' in html
    assert "Von diesem Anschluss wurden in kurzer Zeit viele Anmeldungen geschickt" in html
    assert "Many registrations" not in html
    kept = ("first_name", "phone", "email", "home_street", "home_number", "arrive_by", "valid_from")
    for name in (*kept, "pick_up_after", "seats_needed", "child_seats"):
        assert re.search(rf'name="{name}"[^>]*value="{re.escape(sent[name])}"', html), name
    assert re.search(r'name="mobility_note"[^>]*>\s*Bitte klingeln</textarea>', html)
    ticked = re.findall(r"<input [^>]*\bchecked\b[^>]*>", html)
    for name, value in [("consent", "y"), ("mobility_needs", "walking_aid"), ("weekdays", "4")]:
        assert any(f'name="{name}"' in tag and f'value="{value}"' in tag for tag in ticked), name
    assert 'class="error"' not in html  # nothing was validated, so nothing is marked wrong
    assert riders(session) == 1


def test_one_phone_or_e_mail_is_limited_whatever_the_address_and_however_typed(  # type: ignore[no-untyped-def]
    limits_config, session, gazetteer
) -> None:
    limits_config["RATELIMIT_REGISTRATIONS_PER_CONTACT"] = "2 per day"
    client = make_app(limits_config, session).test_client()
    same_phone = ["0151 2345 6700", "+49 151 23456700", "015123456700"]
    codes = [
        post(client, rider(gazetteer, n, phone=phone), ip=f"198.51.100.{n}").status_code
        for n, phone in enumerate(same_phone)
    ]
    assert codes == [303, 303, 429]
    refused = post(client, rider(gazetteer, 3, phone=same_phone[2]), ip="198.51.100.9")
    assert "This phone number or e-mail address was used for several registrations" in refused.text
    # The driver's registration shares the count: the number is as busy there.
    driver = driver_data(gazetteer, phone=same_phone[0], email="someone@example.org")
    refused_driver = client.post("/register/driver", data=driver)
    assert refused_driver.status_code == 429
    for kept in ('value="Heike"', 'value="blauer VW Golf"', "This phone number or e-mail address"):
        assert kept in refused_driver.text
    assert session.scalars(sa.select(Driver)).all() == []
    # The same e-mail address, in other letters and with other numbers, likewise.
    mails = ["Sam@Example.org", "sam@example.org", "SAM@EXAMPLE.ORG"]
    codes = [
        post(client, rider(gazetteer, 10 + n, email=mail), ip=f"203.0.113.{n}").status_code
        for n, mail in enumerate(mails)
    ]
    assert codes == [303, 303, 429]
    assert riders(session) == 4


@pytest.mark.parametrize(
    ("storage", "shared"), [(REDIS_URL, True), ("memory://", False)], ids=["redis", "memory"]
)
def test_two_workers_share_the_counts_through_redis(  # type: ignore[no-untyped-def]
    limits_config, session, gazetteer, redis_keys, storage, shared
) -> None:
    limits_config["RATELIMIT_STORAGE_URI"] = storage
    limits_config["RATELIMIT_REGISTRATIONS_PER_ADDRESS"] = "3 per hour"
    limits_config["RATELIMIT_REGISTRATIONS_PER_CONTACT"] = "1 per day"
    first, second = (make_app(limits_config, session).test_client() for _ in range(2))
    # Registrations alternate between the workers, as a load balancer sends them.
    assert post(first, rider(gazetteer, 1)).status_code == 303
    assert post(second, rider(gazetteer, 2)).status_code == 303
    assert post(first, rider(gazetteer, 3)).status_code == 303
    fourth = post(second, rider(gazetteer, 4)).status_code
    again = post(first, rider(gazetteer, 2, email="other@example.org"), ip="192.0.2.99")
    if shared:
        assert (fourth, again.status_code) == (429, 429)
        assert "This phone number or e-mail address" in again.text
    else:  # each worker counts alone: with memory only one worker's count holds
        assert (fourth, again.status_code) == (303, 303)


def test_the_store_unreachable_lets_registrations_through(  # type: ignore[no-untyped-def]
    limits_config, session, gazetteer, caplog
) -> None:
    limits_config["RATELIMIT_STORAGE_URI"] = "redis://127.0.0.1:1/0"
    client = make_app(limits_config, session).test_client()
    with caplog.at_level(logging.WARNING):
        assert post(client, rider(gazetteer, 1)).status_code == 303
    assert "rate limit store unreachable" in caplog.text
    assert riders(session) == 1


@pytest.mark.parametrize("hops", [0, 1])
def test_behind_a_proxy_each_user_has_an_address_of_her_own(  # type: ignore[no-untyped-def]
    limits_config, session, gazetteer, hops
) -> None:
    limits_config["TRUSTED_PROXY_HOPS"] = hops
    limits_config["RATELIMIT_REGISTRATIONS_PER_ADDRESS"] = "2 per hour"
    client = make_app(limits_config, session).test_client()
    proxy = "10.0.0.1"

    def via_proxy(n: int, forwarded_for: str) -> int:
        return post(client, rider(gazetteer, n), ip=proxy, **{"X-Forwarded-For": forwarded_for})

    # Three people behind the TLS proxy, which appends each one's address.
    codes = [via_proxy(n, f"192.0.2.{n}").status_code for n in range(1, 4)]
    if hops == 0:  # headers ignored: everyone is the proxy, the third is refused
        assert codes == [303, 303, 429]
        return
    assert codes == [303, 303, 303]
    assert via_proxy(4, "192.0.2.1").status_code == 303
    assert via_proxy(5, "192.0.2.1").status_code == 429  # the first person's third one
    # A client that writes its own header before the proxy's cannot pose as another.
    assert via_proxy(6, "198.51.100.7, 192.0.2.1").status_code == 429


def test_spoofed_forwarding_headers_are_ignored_without_a_trusted_proxy(  # type: ignore[no-untyped-def]
    limits_config, session, gazetteer
) -> None:
    limits_config["RATELIMIT_REGISTRATIONS_PER_ADDRESS"] = "2 per hour"
    client = make_app(limits_config, session).test_client()
    codes = [
        post(client, rider(gazetteer, n), **{"X-Forwarded-For": f"203.0.113.{n}"}).status_code
        for n in range(3)
    ]
    assert codes == [303, 303, 429]


def test_login_attempts_count_each_time_and_the_form_keeps_the_address(  # type: ignore[no-untyped-def]
    limits_config, session
) -> None:
    make_coordinator(session, email="petra@example.invalid")
    limits_config["RATELIMIT_COORDINATOR_LOGIN"] = "2 per minute"
    client = make_app(limits_config, session).test_client()
    data = {"email": "petra@example.invalid", "password": "not the password"}
    codes = [client.post("/coordinator/login", data=data).status_code for _ in range(3)]
    assert codes == [401, 401, 429]
    refused = client.post("/coordinator/login", data=data, headers={"Accept-Language": "uk"})
    assert refused.status_code == 429
    assert 'value="petra@example.invalid"' in refused.text
    assert "not the password" not in refused.text
    assert "Too many attempts" not in refused.text and '<html lang="uk"' in refused.text


def test_a_client_asking_for_json_gets_a_translated_429(limits_config, session) -> None:  # type: ignore[no-untyped-def]
    limits_config["RATELIMIT_COORDINATOR_LOGIN"] = "1 per minute"
    client = make_app(limits_config, session).test_client()
    data = {"email": "x@example.invalid", "password": "y" * 12}
    client.post("/coordinator/login", data=data)
    answer = client.post(
        "/coordinator/login",
        data=data,
        headers={"Accept": "application/json", "Accept-Language": "de"},
    )
    assert answer.status_code == 429 and int(answer.headers["Retry-After"]) > 0
    assert answer.json["status"] == 429
    assert answer.json["detail"].startswith("Zu viele Versuche von diesem Anschluss")


@pytest.mark.parametrize(
    ("key", "value"),
    [("RATELIMIT_REGISTRATIONS_PER_CONTACT", "five a day"), ("TRUSTED_PROXY_HOPS", -1)],
)
def test_a_mistyped_setting_stops_the_start(app_config, key, value) -> None:  # type: ignore[no-untyped-def]
    from web import create_app

    with pytest.raises(ValueError, match=key):
        create_app(app_config | {key: value})


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(1, "1 minute"), (59, "1 minute"), (61, "2 minutes"), (5400, "90 minutes"), (5401, "2 hours")],
)
def test_the_wait_is_said_in_minutes_then_hours(app, seconds, text) -> None:  # type: ignore[no-untyped-def]
    from web.rate_limits import wait_text

    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert wait_text(seconds) == text
