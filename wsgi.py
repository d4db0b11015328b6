"""The one module-level app, for ``flask`` commands and production servers (gunicorn wsgi:app)."""

from portal_cookies import create_app

app = create_app()
