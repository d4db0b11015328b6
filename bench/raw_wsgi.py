"""The ceiling for bench/public_page.sh: gunicorn returning fixed bytes, with no framework.

``RAW_BYTES`` sets the body's size (the script passes the policy page's).
"""

import os

BODY = b"x" * int(os.environ.get("RAW_BYTES", "10000"))
HEADERS = [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(BODY)))]


def app(environ, start_response):
    start_response("200 OK", HEADERS)
    return [BODY]
