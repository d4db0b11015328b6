"""With Redis, every worker counts failed logins in the same counters (issue 10's done-when):
the app set up as ``make run`` does and served by gunicorn with two workers.

Skipped when no Redis server answers at TEST_REDIS_URL (default redis://127.0.0.1:6379/0). The
counters' keys carry a prefix of this run's own, deleted afterwards.
"""

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

PROJECT_ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
WRONG = "a wrong guess at it"

pytestmark = pytest.mark.redis


@pytest.fixture
def redis_prefix() -> Iterator[str]:
    """A key prefix for this test's counters; they are deleted afterwards."""
    server = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        server.ping()
    except redis.RedisError as error:
        pytest.skip(f"no Redis server answers at {REDIS_URL} ({error})")
    prefix = f"portal-cookies-test-{uuid.uuid4().hex}"
    yield prefix
    keys = list(server.scan_iter(match=f"*/{prefix}/*"))
    if keys:
        server.delete(*keys)
    server.close()


@pytest.fixture
def environment(tmp_path: Path, redis_prefix: str) -> dict[str, str]:
    return {
        **os.environ,
        "FLASK_APP": "wsgi",
        "FLASK_SECRET_KEY": uuid.uuid4().hex,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'portal.sqlite3'}",
        "RATELIMIT_STORAGE_URI": REDIS_URL,
        "FLASK_RATELIMIT_KEY_PREFIX": redis_prefix,
    }


def flask(environment: dict[str, str], *arguments: str) -> str:
    done = subprocess.run(
        [str(BIN / "flask"), *arguments],
        cwd=PROJECT_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, f"flask {' '.join(arguments)}:\n{done.stdout}{done.stderr}"
    return done.stdout


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def demo_accounts(environment: dict[str, str]) -> dict[str, str]:
    """What `make run` does before serving, on this Redis: the demo's passwords by e-mail."""
    flask(environment, "db", "upgrade")
    printed = flask(environment, "demo", "load")
    return dict(re.findall(r"Account (\S+) \(\w+\), password: (\S+)", printed))


@pytest.fixture
def two_workers(environment: dict[str, str], tmp_path: Path) -> Iterator[str]:
    """gunicorn with two workers on a free port, once both have booted; its base URL."""
    port = free_port()
    log_path = tmp_path / "gunicorn.log"
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [str(BIN / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{port}", "wsgi:app"],
            cwd=PROJECT_ROOT,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while log_path.read_text().count("Booting worker") < 2:
            assert server.poll() is None, log_path.read_text()
            assert time.monotonic() < deadline, log_path.read_text()
            time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


class _KeepRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """One person's browser: its own cookies; redirects are answers, not followed."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        cookies = urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        self._opener = urllib.request.build_opener(cookies, _KeepRedirects())

    def request(self, path: str, form: dict[str, str] | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(form).encode() if form is not None else None
        deadline = time.monotonic() + 30
        while True:
            try:
                with self._opener.open(self.base_url + path, body, timeout=30) as response:
                    return response.status, response.read().decode()
            except urllib.error.HTTPError as error:
                return error.code, error.read().decode()
            except urllib.error.URLError:
                # Both workers have booted; the first may still be opening its socket.
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

    def log_in(self, email: str, password: str) -> int:
        _status, page = self.request("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        form = {"csrf_token": token, "email": email, "password": password}
        return self.request("/login", form)[0]


def test_the_eleventh_wrong_password_is_refused_across_two_workers(demo_accounts, two_workers):
    attacker = Browser(two_workers)
    answers = [attacker.log_in("operator@example.org", WRONG) for _attempt in range(11)]

    # Five failures, then the account waits, whichever worker answers.
    assert answers == [200] * 5 + [429] * 6
    # A colleague from the same address still logs in.
    colleague = "translator@example.org"
    assert Browser(two_workers).log_in(colleague, demo_accounts[colleague]) == 302
