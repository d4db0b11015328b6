"""Failed logins are limited per account and per client address, not per request (issue 10).

The counters run on a fake clock: a test says "ten seconds later" instead of waiting.
"""

import re
from pathlib import Path

import pytest
from limits.storage import memory as memory_storage

from portal_cookies import create_app
from portal_cookies.auth import throttle
from portal_cookies.extensions import db, limiter
from tests.helpers import PASSWORD, error_summary, settings_for

WRONG = "a wrong guess at it"
OFFICE = "198.51.100.7"
README = Path(__file__).resolve().parent.parent / "README.md"


class Clock:
    """Stands for the ``time`` module where the counters read the time."""

    def __init__(self, now: float):
        self.now = now

    def time(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock(app, monkeypatch) -> Clock:
    """Login limits on, as in production, with fresh counters on a fake clock."""
    clock = Clock(1_800_000_000.0)
    monkeypatch.setattr(memory_storage, "time", clock)
    monkeypatch.setattr(throttle, "time", clock)
    monkeypatch.setitem(app.config, "RATELIMIT_ENABLED", True)
    limiter.reset()
    yield clock
    limiter.reset()


def login(client, email, password=PASSWORD, address=OFFICE):
    return client.post(
        "/login",
        data={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def fail(client, email, times, address=OFFICE):
    """``times`` wrong passwords, each answered as a plain failure."""
    for _attempt in range(times):
        response = login(client, email, WRONG, address)
        assert response.status_code == 200, response.status_code
        assert "Wrong e-mail or password" in error_summary(response)


def is_refused(response) -> bool:
    return response.status_code == 429


def test_five_wrong_passwords_slow_an_account_down_whatever_the_address(clock, client, make_user):
    user = make_user()
    for number in range(5):
        fail(client, user.email, 1, address=f"203.0.113.{number}")

    # Even the right password, from yet another address, has to wait.
    refused = login(client, user.email, address="192.0.2.99")
    assert is_refused(refused)
    wait = int(refused.headers["Retry-After"])
    assert 1 <= wait <= 11
    clock.advance(wait)
    assert login(client, user.email, address="192.0.2.99").status_code == 302


def test_the_eleventh_failure_for_an_account_within_a_minute_is_refused(clock, client, make_user):
    user = make_user()
    fail(client, user.email, 5)
    clock.advance(11)
    fail(client, user.email, 5)
    clock.advance(11)

    refused = login(client, user.email, WRONG)
    assert is_refused(refused)
    assert int(refused.headers["Retry-After"]) == 60 - 22 + 1
    clock.advance(39)
    assert login(client, user.email).status_code == 302


def test_a_colleague_behind_the_same_address_is_not_locked_out_by_ones_typos(
    clock, app, client, make_user
):
    clumsy, colleague = make_user(), make_user()
    fail(client, clumsy.email, 5)
    assert is_refused(login(client, clumsy.email, WRONG))

    assert login(app.test_client(), colleague.email).status_code == 302


def test_one_address_gets_many_attempts_across_accounts_then_is_refused(clock, app, client):
    for number in range(50):
        fail(client, f"guess{number}@example.org", 1)

    refused = login(client, "guess-one-more@example.org", WRONG)
    assert is_refused(refused)
    assert 1 <= int(refused.headers["Retry-After"]) <= 61
    # Another address is counted on its own.
    fail(app.test_client(), "guess-one-more@example.org", 1, address="192.0.2.1")


def test_an_address_is_not_forgiven_by_logging_into_ones_own_account(clock, app, make_user):
    own = make_user()
    client = app.test_client()
    for number in range(49):
        fail(client, f"guess{number}@example.org", 1)
    assert login(client, own.email).status_code == 302

    fail(app.test_client(), "guess-49@example.org", 1)
    assert is_refused(login(app.test_client(), "guess-50@example.org", WRONG))


def test_unknown_emails_are_counted_and_answered_like_known_ones(clock, app, make_user):
    known = make_user(email="known@example.org")
    answers = {}
    for email in (known.email, "nobody@example.org"):
        client = app.test_client()
        fail(client, email, 5)
        refused = login(client, email, WRONG)
        summary = error_summary(refused)
        answers[email] = (refused.status_code, refused.headers["Retry-After"], summary)

    assert answers[known.email] == answers["nobody@example.org"]


def test_the_account_is_counted_whatever_the_spelling_of_its_email(clock, client, make_user):
    make_user(email="someone@example.org")
    fail(client, "Someone@Example.org", 3)
    fail(client, "  someone@example.org ", 2)

    assert is_refused(login(client, "SOMEONE@example.org"))


def test_the_refusal_says_to_wait_and_tells_nothing_about_the_password(clock, client, make_user):
    user = make_user()
    fail(client, user.email, 5)

    with_right_password = login(client, user.email)
    with_wrong_password = login(client, user.email, WRONG)

    assert with_right_password.status_code == with_wrong_password.status_code == 429
    assert with_right_password.text == with_wrong_password.text
    summary = error_summary(with_right_password)
    assert "Too many failed logins. For your security, wait 11 seconds, then try again." in summary
    assert "Wrong e-mail or password" not in summary
    # The login page itself, to try again from.
    assert re.search(r'<input[^>]*name="password"', with_right_password.text)
    assert not is_refused(client.get("/login"))


def test_a_refused_attempt_does_not_extend_the_wait(clock, client, make_user):
    user = make_user()
    fail(client, user.email, 5)
    for _attempt in range(3):
        assert is_refused(login(client, user.email, WRONG))
        clock.advance(3)

    clock.advance(2)
    assert login(client, user.email).status_code == 302


def test_a_successful_login_forgives_the_accounts_earlier_failures(clock, client, make_user):
    user = make_user()
    fail(client, user.email, 4)
    assert login(client, user.email).status_code == 302
    client.post("/logout")

    fail(client, user.email, 5)


def test_a_long_wait_is_given_in_minutes(clock, client, make_user):
    user = make_user()
    for _round in range(6):
        fail(client, user.email, 5)
        clock.advance(11)
        fail(client, user.email, 5)
        clock.advance(50)

    refused = login(client, user.email, WRONG)
    assert is_refused(refused)
    assert int(refused.headers["Retry-After"]) == 3600 - 6 * 61 + 1
    # 3,235 seconds: rounded up, so that whoever waits what they read is let in.
    assert "wait 54 minutes, then try again." in error_summary(refused)


def test_with_limits_off_failures_are_never_refused(client, make_user):
    user = make_user()
    fail(client, user.email, 12)

    assert login(client, user.email).status_code == 302


def test_behind_a_trusted_proxy_each_visitor_has_an_allowance_of_its_own(clock, app):
    proxied = create_app(
        {
            **settings_for(app.config["SQLALCHEMY_DATABASE_URI"]),
            "TRUSTED_PROXIES": 1,
            "RATELIMIT_ENABLED": True,
        }
    )
    client = proxied.test_client()
    try:

        def attempt(number: int, visitor: str):
            return client.post(
                "/login",
                data={"email": f"guess{number}@example.org", "password": WRONG},
                headers={"X-Forwarded-For": visitor},
            )

        for number in range(50):
            assert attempt(number, "203.0.113.1").status_code == 200
        assert is_refused(attempt(50, "203.0.113.1"))
        # Another visitor behind the same proxy is not refused with the first.
        assert attempt(50, "203.0.113.2").status_code == 200
    finally:
        with proxied.app_context():
            db.engine.dispose()


def test_the_readme_says_memory_counters_are_per_process():
    row = next(line for line in README.read_text().splitlines() if "RATELIMIT_STORAGE_URI" in line)

    assert "memory://" in row
    assert "per process" in row
    assert "redis://" in row
