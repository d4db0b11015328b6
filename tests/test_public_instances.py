"""Two instances on one PostgreSQL database: a version published through one is served by the
other within a second (POLICY_FRESHNESS_SECONDS), and neither ever serves a mix of versions
(the page of one with the ETag of another).

Each instance is an app of its own served over HTTP by Werkzeug in a thread, as a gunicorn
worker would be: what one knows, the other has to learn from the database.
"""

import gzip
import http.client
import re
import threading
import time

import pytest
from werkzeug.serving import make_server

from portal_cookies import create_app
from portal_cookies.extensions import db
from tests.helpers import TEST_DATABASE_URL, settings_for, stored_pages

pytestmark = pytest.mark.postgresql

# The ETag says which version a page is of: "<hash>-v<number>-<language>-<kind>[-gzip]".
VERSION_IN_ETAG = re.compile(r'-v(\d+)-fr-html(-gzip)?"$')


class Instance:
    def __init__(self, url: str) -> None:
        self.app = create_app(settings_for(url) | {"POLICY_FRESHNESS_SECONDS": 1})
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.port = self.server.server_port
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def get(self, path: str, headers: dict[str, str] | None = None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request("GET", path, headers=headers or {})
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            connection.close()

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join()
        with self.app.app_context():
            db.engine.dispose()


@pytest.fixture
def instances(app):
    if not TEST_DATABASE_URL:
        pytest.skip("needs PostgreSQL (TEST_DATABASE_URL)")
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    pair = Instance(url), Instance(url)
    yield pair
    for instance in pair:
        instance.stop()


def publish_on(instance: Instance, make_published, number: int) -> None:
    with instance.app.app_context():
        make_published(number)
        db.session.remove()


def html(number: int) -> bytes:
    return stored_pages(number)["fr"][0].encode("utf-8")


def served_version(instance: Instance, headers: dict[str, str] | None = None) -> int:
    """The version of the page an instance serves, after checking that its bytes are that
    version's."""
    status, response_headers, body = instance.get("/fr/cookies", headers)
    assert status == 200
    found = VERSION_IN_ETAG.search(response_headers["ETag"])
    assert found, response_headers["ETag"]
    number, compressed = int(found[1]), bool(found[2])
    assert (response_headers.get("Content-Encoding") == "gzip") is compressed
    page = gzip.decompress(body) if compressed else body
    assert page == html(number), f"the ETag of version {number} on another version's page"
    return number


def eventually(condition, seconds: float = 2.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def test_a_publication_on_one_instance_is_served_by_the_other(instances, make_published):
    first, second = instances
    publish_on(first, make_published, 1)
    assert served_version(first) == 1
    assert served_version(second) == 1

    publish_on(first, make_published, 2)

    assert eventually(lambda: served_version(second) == 2)
    assert eventually(lambda: served_version(first) == 2)


def test_no_instance_serves_a_mix_of_versions_while_versions_are_published(
    instances, make_published
):
    publish_on(instances[0], make_published, 1)
    seen: set[int] = set()
    failures: list[str] = []
    stop = threading.Event()

    def read(instance: Instance, headers: dict[str, str]) -> None:
        while not stop.is_set():
            try:
                seen.add(served_version(instance, headers))
            except AssertionError as failure:
                failures.append(str(failure))

    readers = [
        threading.Thread(target=read, args=(instance, headers))
        for instance in instances
        for headers in ({}, {"Accept-Encoding": "gzip"})
    ]
    for reader in readers:
        reader.start()
    try:
        for number in (2, 3, 4):
            time.sleep(0.4)
            publish_on(instances[number % 2], make_published, number)
        assert eventually(lambda: all(served_version(instance) == 4 for instance in instances))
    finally:
        stop.set()
        for reader in readers:
            reader.join()

    assert failures == []
    assert 4 in seen and len(seen) >= 2
