"""The ceiling for the public page's benchmarks: gunicorn returning fixed bytes, with no
framework.

``RAW_FILE`` names a file whose bytes it returns (``make bench`` passes the page it
measured); otherwise ``RAW_BYTES`` sets the size of a body of x's (bench/public_page.sh).
"""

import os
from pathlib import Path

BODY = (
    Path(os.environ["RAW_FILE"]).read_bytes()
    if os.environ.get("RAW_FILE")
    else b"x" * int(os.environ.get("RAW_BYTES", "10000"))
)
HEADERS = [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(BODY)))]


def app(environ, start_response):
    start_response("200 OK", HEADERS)
    return [BODY]
