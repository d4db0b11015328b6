"""Failed logins, limited per account and per client address (issue 10).

Only failures count, so the people behind one office NAT share a generous allowance for their
typos (``LOGIN_ADDRESS_LIMIT``) while each account is slowed down after a few wrong passwords
whatever the address they come from (``LOGIN_ACCOUNT_LIMIT``). The counters live in
Flask-Limiter's storage with its strategy (``RATELIMIT_STORAGE_URI``, ``RATELIMIT_STRATEGY``):
shared and exact across workers and instances with Redis, per process with ``memory://``.

Keys hold a keyed hash of the e-mail and of the address, never the values themselves, and an
unknown e-mail is counted like a known one: refusals tell nothing about which accounts exist.
"""

import hashlib
import hmac
import math
import time
from dataclasses import dataclass
from datetime import timedelta

import limits
from flask import current_app
from flask_babel import format_timedelta
from flask_babel import gettext as _

from ..extensions import limiter
from ..service_errors import ServiceError
from ..values import normalize_email


class TooManyFailedLogins(ServiceError):
    """Refused before the password was checked; ``retry_after`` is in whole seconds."""

    def __init__(self, retry_after: int):
        # Whole minutes past the first one, rounded up: people who wait what they read are
        # let in.
        delay = retry_after if retry_after < 60 else math.ceil(retry_after / 60) * 60
        super().__init__(
            _(
                "Too many failed logins. For your security, wait %(delay)s, then try again.",
                delay=format_timedelta(timedelta(seconds=delay), threshold=1),
            )
        )
        self.retry_after = retry_after


# Limits, each with the identifiers of the counter it keeps for one account or address.
Counters = tuple[tuple[limits.RateLimitItem, tuple[str, ...]], ...]


@dataclass(frozen=True)
class LoginAttempt:
    """The counters one login attempt is counted in."""

    account: Counters
    address: Counters


def begin_attempt(email: str, client_address: str | None) -> LoginAttempt | None:
    """Refuse the attempt (``TooManyFailedLogins``) while the account or the address is over
    its limits; otherwise reserve the attempt in the account's counters.

    The account's counters are taken before the password is checked, because taking one is
    atomic in the storage: parallel guesses at one account cannot all slip in while the first
    ones are still being hashed. ``succeeded`` gives them back. None when limits are off.
    """
    if not current_app.config["RATELIMIT_ENABLED"]:
        return None
    attempt = LoginAttempt(
        account=_counters("LOGIN_ACCOUNT_LIMIT", "account", _account_key(email)),
        address=_counters("LOGIN_ADDRESS_LIMIT", "address", client_address)
        if client_address
        else (),
    )
    _refuse_if_spent(attempt.address + attempt.account)
    strategy = limiter.limiter
    taken = [strategy.hit(item, *identifiers) for item, identifiers in attempt.account]
    if not all(taken):  # another worker took the last one meanwhile
        _refuse_if_spent(attempt.account)
    return attempt


def failed(attempt: LoginAttempt | None) -> None:
    """A wrong password (or unknown e-mail, or disabled account): it counts for the address
    too; the account's counters already hold it."""
    if attempt is not None:
        for item, identifiers in attempt.address:
            limiter.limiter.hit(item, *identifiers)


def succeeded(attempt: LoginAttempt | None) -> None:
    """The right password: the account's earlier failures are forgiven, since its holder has
    just shown they know it. The address's are not: logging into one's own account must not
    reset the allowance of someone trying passwords on others from the same address."""
    if attempt is not None:
        for item, identifiers in attempt.account:
            limiter.limiter.clear(item, *identifiers)


def _counters(setting: str, kind: str, value: str) -> Counters:
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX", "")
    identifiers = (prefix, "login", kind, _keyed_hash(value))
    return tuple((item, identifiers) for item in limits.parse_many(current_app.config[setting]))


def _account_key(email: str) -> str:
    try:
        return normalize_email(email)
    except ServiceError:
        # Not an address any account can have: still counted, under the text as typed.
        return email.strip().lower()


def _keyed_hash(value: str) -> str:
    # Keyed, so that the storage does not reveal addresses to anyone trying likely ones.
    secret = current_app.config["SECRET_KEY"]
    key = secret if isinstance(secret, bytes) else secret.encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()[:32]


def _refuse_if_spent(counters: Counters) -> None:
    strategy = limiter.limiter
    spent = [(item, ids) for item, ids in counters if not strategy.test(item, *ids)]
    if spent:
        # Until every spent limit has room again: a failure is counted for the whole second it
        # leaves the window in, so the wait ends on the next whole second.
        reset_at = max(strategy.get_window_stats(item, *ids).reset_time for item, ids in spent)
        raise TooManyFailedLogins(max(0, math.floor(reset_at - time.time())) + 1)
