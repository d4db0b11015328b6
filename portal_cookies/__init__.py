"""portal-cookies: keep an open-data portal's cookie inventory and publish its cookie policy."""

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from flask import Flask, current_app
from flask_babel import lazy_gettext as _l
from werkzeug.middleware.proxy_fix import ProxyFix

from . import cli, draft_revision, errors, i18n
from .audit_log import bp as audit_log_bp
from .auth import bp as auth_bp
from .catalogue import bp as catalogue_bp
from .config import INSTANCE_PATH, MIGRATIONS_PATH, Config
from .dashboard import bp as dashboard_bp
from .extensions import babel, csrf, db, limiter, login_manager, migrate
from .inventory import bp as inventory_bp
from .login_sessions import load_user
from .policy_texts import bp as policy_texts_bp
from .public import bp as public_bp
from .publishing import bp as publishing_bp
from .request_limits import FormLimitedRequest
from .settings import bp as settings_bp
from .templating import register_template_helpers
from .translation import bp as translation_bp
from .users import bp as users_bp
from .visitors import VisitorSessionInterface


class ConfigurationError(RuntimeError):
    """The app cannot start safely with the settings it was given."""


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    app = Flask(__name__, instance_path=str(INSTANCE_PATH))
    app.request_class = FormLimitedRequest
    app.config.from_object(Config)
    app.config.from_prefixed_env()
    if test_config is not None:
        app.config.from_mapping(test_config)
    if not app.config.get("SECRET_KEY"):
        raise ConfigurationError(
            "SECRET_KEY is not set. Set the SECRET_KEY (or FLASK_SECRET_KEY) environment "
            "variable to a long random value, e.g. "
            '`python -c "import secrets; print(secrets.token_hex(32))"`. '
            "`make run` does this for development and keeps the value in instance/secret_key."
        )
    _derive_settings(app)
    INSTANCE_PATH.mkdir(exist_ok=True)
    proxies = int(app.config["TRUSTED_PROXIES"])
    if proxies > 0:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies
        )

    _init_extensions(app)
    _register_blueprints(app)
    errors.register(app)
    cli.register(app)
    draft_revision.watch_draft_changes()
    return app


def _derive_settings(app: Flask) -> None:
    """Settings that follow others, however those were given (class, environment, tests)."""
    config = app.config
    # "Keep me logged in" must not travel in clear where the session does not.
    config["REMEMBER_COOKIE_SECURE"] = config["SESSION_COOKIE_SECURE"]
    config["REMEMBER_COOKIE_DURATION"] = timedelta(seconds=int(config["REMEMBER_TOKEN_LIFETIME"]))
    hosts = config["TRUSTED_HOSTS"]
    if isinstance(hosts, str):
        # FLASK_TRUSTED_HOSTS=a,b is not JSON, so it arrives as one string: Werkzeug would take
        # each of its characters for a host.
        config["TRUSTED_HOSTS"] = [
            host.strip() for host in hosts.split(",") if host.strip()
        ] or None


def _init_extensions(app: Flask) -> None:
    # Signed-cookie sessions, never saved on a public address (DESIGN.md §4: no cookie there).
    app.session_interface = VisitorSessionInterface()
    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_PATH), render_as_batch=True)
    babel.init_app(app, locale_selector=i18n.select_locale, timezone_selector=i18n.select_time_zone)
    csrf.init_app(app)
    _init_limiter(app)
    _init_login(app)
    register_template_helpers(app)


def _init_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    login_manager.user_loader(load_user)


def _init_limiter(app: Flask) -> None:
    """Rate limits follow each app's ``RATELIMIT_ENABLED``, read on every request.

    Flask-Limiter reads the setting once, at ``init_app``, into the one global limiter: the
    last app created would decide for every app in the process, and changing the setting
    afterwards would do nothing. So the limiter is always initialised, and
    ``_rate_limits_disabled`` exempts the requests of an app whose setting is off.
    """
    enabled = app.config.get("RATELIMIT_ENABLED", True)
    app.config["RATELIMIT_ENABLED"] = True
    limiter.init_app(app)
    app.config["RATELIMIT_ENABLED"] = enabled


@limiter.request_filter
def _rate_limits_disabled() -> bool:
    return not current_app.config["RATELIMIT_ENABLED"]


def _register_blueprints(app: Flask) -> None:
    app.register_blueprint(auth_bp)
    app.register_blueprint(dashboard_bp)
    app.register_blueprint(inventory_bp)
    app.register_blueprint(catalogue_bp)
    app.register_blueprint(public_bp)
    app.register_blueprint(publishing_bp)
    app.register_blueprint(translation_bp)
    app.register_blueprint(policy_texts_bp)
    app.register_blueprint(audit_log_bp)
    app.register_blueprint(users_bp)
    app.register_blueprint(settings_bp)
