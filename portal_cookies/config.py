"""Default settings; every one can be overridden from the environment (``FLASK_<NAME>``)."""

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_PATH = PROJECT_ROOT / "instance"
TRANSLATIONS_PATH = PROJECT_ROOT / "translations"
MIGRATIONS_PATH = PROJECT_ROOT / "migrations"

# The languages the interface itself is translated into (the .po catalogs). The languages a
# portal publishes its policy in are data (PortalSettings.enabled_languages).
INTERFACE_LANGUAGES = ("en", "fr")


class Config:
    SECRET_KEY: str | None = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{INSTANCE_PATH / 'portal_cookies.sqlite3'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "") in {"1", "true", "True"}
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    # REMEMBER_COOKIE_SECURE and REMEMBER_COOKIE_DURATION are not settings: create_app makes
    # them follow SESSION_COOKIE_SECURE and REMEMBER_TOKEN_LIFETIME.
    PERMANENT_SESSION_LIFETIME = 8 * 3600
    # Seconds a login may stay unused before it ends (portal_cookies.login_sessions).
    SESSION_IDLE_TIMEOUT = 8 * 3600
    # Seconds "keep me logged in" holds from the moment of logging in, used or not.
    REMEMBER_TOKEN_LIFETIME = 30 * 24 * 3600
    # The host names this app answers to, comma-separated ("cookies.example.org,localhost"):
    # a request naming another Host gets 400, so no address is ever built from a forged one.
    # Unset, any host is answered (development).
    TRUSTED_HOSTS: str | list[str] | None = os.environ.get("TRUSTED_HOSTS") or None

    WTF_CSRF_TIME_LIMIT = 8 * 3600

    # A request body larger than this answers 413 before it is read: room for the largest
    # upload, a PO file of the portal's texts (a few hundred kilobytes for a large portal).
    MAX_CONTENT_LENGTH = 10 * 1024 * 1024
    # A form's text fields: each field of a multipart form, and a urlencoded form as a whole
    # (request_limits). The longest text is 10,000 characters, 120 kB once percent-encoded
    # at worst; Flask's default of 500 kB leaves room for a form of several.
    MAX_FORM_MEMORY_SIZE = 500_000
    # The only multipart form, the PO upload, has three parts (token, file, button).
    MAX_FORM_PARTS = 20

    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "UTC"
    BABEL_TRANSLATION_DIRECTORIES = str(TRANSLATIONS_PATH)

    # Counters live in each process's memory by default, so every worker counts on its own;
    # RATELIMIT_STORAGE_URI=redis://127.0.0.1:6379/0 shares them between workers and instances.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_ENABLED = True
    # A moving window: "10 per minute" holds for any 60 seconds, not per clock minute.
    RATELIMIT_STRATEGY = "moving-window"
    # How many reverse proxies (load balancer, TLS terminator) stand in front of the app. Their
    # X-Forwarded-For/-Proto/-Host headers are then believed, so the login limit counts per
    # visitor instead of per proxy. 0 believes none: the right value when nothing is in front.
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))
    # Failed logins only. One account: after five, wait a few seconds; never more than ten a
    # minute, whatever the addresses. One address: many more, across accounts, so that the
    # people behind one office NAT do not lock one another out with their typos.
    LOGIN_ACCOUNT_LIMIT = "5 per 10 seconds;10 per minute;60 per hour"
    LOGIN_ADDRESS_LIMIT = "50 per minute;200 per hour"

    # The drift report's upload alone may be larger than MAX_CONTENT_LENGTH: a HAR recording
    # of a portal visit is often tens of megabytes. It is read as a stream, never whole.
    DRIFT_FILE_MAX_LENGTH = 200 * 1024 * 1024

    INVENTORY_PAGE_SIZE = 25
    AUDIT_LOG_PAGE_SIZE = 50
    TRANSLATION_PAGE_SIZE = 50

    # Seconds browsers and CDNs may keep a published page before asking again (a 304 when
    # nothing changed): a new version reaches every reader within this delay.
    # FLASK_POLICY_MAX_AGE=60 in the environment overrides it.
    POLICY_MAX_AGE = 300
    # Seconds a process serves the current version from memory before asking the database
    # (one small query) whether another was published: the delay before every instance serves
    # a new version. 0 asks on every request.
    POLICY_FRESHNESS_SECONDS = 1.0
