"""`make bench`: the admin pages at two portal sizes, the policy commands at the larger, and
the public page under wrk against a bare WSGI callable; each line with its target.

    .venv/bin/python -m bench.run                 # SQLite in a temporary folder
    BENCH_DATABASE_URL=postgresql+psycopg://... .venv/bin/python -m bench.run

Each portal is built in a child process (``build``) and measured in another (``measure``), so
the memory figure is a process that only served pages, as a worker does. With
``BENCH_DATABASE_URL``, that database's ``public`` schema is dropped and rebuilt for each
portal: give it a database of its own. Settings, from the environment: ``BENCH_SIZES``
(100,5000), ``BENCH_REQUESTS`` (20 warm requests a page), ``BENCH_PAGE_SECONDS`` (15: fewer
requests for a slower page, at least 3), ``BENCH_SECONDS`` (10 per wrk run),
``BENCH_CONNECTIONS`` (16), ``BENCH_WORKERS`` (2).

It runs gunicorn, wrk, flask and itself with arguments of its own, and reads only loopback
addresses it served: what the ``nosec`` marks below say to bandit.
"""

import json
import os
import re
import secrets
import shutil
import socket
import subprocess  # nosec B404
import sys
import tempfile
import time
import urllib.request
from dataclasses import asdict
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SIZES = [int(size) for size in os.environ.get("BENCH_SIZES", "100,5000").split(",")]
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "20"))
PAGE_SECONDS = float(os.environ.get("BENCH_PAGE_SECONDS", "15"))
WRK_SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "")
SECRET_KEY = secrets.token_hex(32)

# The targets, at the larger size (medians).
PAGE_MS = 150
PAGE_QUERIES = 25
PAGE_GROWTH = 2
PUBLISH_SECONDS = 3
CHECK_SECONDS = 1
PUBLIC_RATIO = 0.8
WORKER_MB = 150


def app_settings(url: str) -> dict[str, object]:
    return {
        "SECRET_KEY": SECRET_KEY,
        "SQLALCHEMY_DATABASE_URI": url,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
    }


# --- Child processes ----------------------------------------------------------------------


def build(url: str, size: int) -> dict[str, object]:
    from flask_migrate import upgrade

    from bench.portal_builder import add_history, build_portal
    from portal_cookies import create_app

    app = create_app(app_settings(url))
    with app.app_context():
        upgrade()
        portal = build_portal(size)
        started = time.perf_counter()
        add_history(portal)
        history = time.perf_counter() - started
    figures = asdict(portal)
    del figures["entry_ids"]
    return figures | {"history_seconds": history}


def _timed_command(app, *args: str) -> dict[str, object]:
    started = time.perf_counter()
    result = app.test_cli_runner().invoke(args=list(args))
    seconds = time.perf_counter() - started
    if result.exit_code != 0:
        raise RuntimeError(f"flask {' '.join(args)}: {result.output} {result.exception!r}")
    return {"seconds": seconds, "output": result.output.strip().splitlines()[-1]}


def measure(url: str, operations: bool) -> dict[str, object]:
    from bench.admin_pages import admin_pages, log_in, measure_page, resident_megabytes
    from bench.portal_builder import ADMIN_EMAIL, ADMIN_PASSWORD
    from portal_cookies import create_app

    app = create_app(app_settings(url))
    with app.app_context():
        pages = admin_pages()
    client = app.test_client()
    log_in(client, ADMIN_EMAIL, ADMIN_PASSWORD)
    figures = [
        asdict(
            measure_page(
                app, client, label, address, requests=REQUESTS, budget_seconds=PAGE_SECONDS
            )
        )
        for label, address in pages
    ]
    result: dict[str, object] = {"pages": figures, "rss_mb": resident_megabytes()}
    if operations:
        with tempfile.TemporaryDirectory() as export_to:
            result["check"] = _timed_command(app, "policy", "check")
            result["publish"] = _timed_command(
                app, "policy", "publish", "--note", "Banc d'essai.", "--note-in", "en", "Benchmark."
            )
            result["export"] = _timed_command(app, "policy", "export", export_to)
        response = app.test_client().get("/fr/cookies", headers={"Accept-Encoding": "gzip"})
        result["public_page"] = {
            "status": response.status_code,
            "encoding": response.headers.get("Content-Encoding", ""),
            "bytes": len(response.data),
        }
    return result


# --- The parent ---------------------------------------------------------------------------


def fresh_database(work: Path, name: str) -> str:
    """An empty database for one portal."""
    if not DATABASE_URL:
        return f"sqlite:///{work / name}.sqlite3"
    engine = sa.create_engine(DATABASE_URL)
    with engine.begin() as connection:
        connection.execute(sa.text("DROP SCHEMA public CASCADE"))
        connection.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()
    return DATABASE_URL


def child(log: Path, *args: str) -> dict[str, object]:
    with log.open("a") as stderr:
        completed = subprocess.run(  # nosec B603
            [sys.executable, "-m", "bench.run", *args],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
            check=False,
        )
    if completed.returncode != 0:
        sys.exit(f"bench.run {' '.join(args)} failed; its log:\n{log.read_text()[-4000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Gunicorn:
    """``gunicorn -w WORKERS -k sync`` on a free loopback port, for the time of a block."""

    def __init__(self, target: str, env: dict[str, str], log: Path, ready_path: str = "/"):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.args = [
            str(BIN / "gunicorn"),
            *("-w", str(WORKERS), "-k", "sync", "-b", f"127.0.0.1:{self.port}"),
            *("--log-level", "warning", "--pythonpath", "bench", target),
        ]
        self.env = os.environ | env
        self.log = log
        self.ready_path = ready_path

    def __enter__(self) -> "Gunicorn":
        self.stream = self.log.open("a")
        self.process = subprocess.Popen(  # nosec B603
            self.args, cwd=ROOT, env=self.env, stdout=self.stream, stderr=self.stream
        )
        for _ in range(100):
            try:
                with urllib.request.urlopen(self.base + self.ready_path) as answer:  # nosec B310
                    if answer.status == 200:
                        return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not start")

    def __exit__(self, *_exc: object) -> None:
        self.process.terminate()
        self.process.wait()
        self.stream.close()

    def get(self, path: str, headers: dict[str, str] | None = None) -> tuple[int, dict, bytes]:
        request = urllib.request.Request(self.base + path, headers=headers or {})  # nosec B310
        try:
            with urllib.request.urlopen(request) as answer:  # nosec B310
                return answer.status, dict(answer.headers), answer.read()
        except urllib.error.HTTPError as answer:
            return answer.code, dict(answer.headers), b""


def wrk(url: str, header: str | None = None) -> float:
    args = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{WRK_SECONDS}s", url]
    if header:
        args[1:1] = ["-H", header]
    output = subprocess.run(  # nosec B603
        args, capture_output=True, text=True, check=True
    ).stdout
    if "Non-2xx or 3xx responses" in output:
        raise RuntimeError(f"wrk {url}: some requests failed:\n{output}")
    return float(re.search(r"Requests/sec:\s*([\d.]+)", output).group(1))


def public_page(work: Path, log: Path) -> dict[str, object]:
    """The demo's public page and its 304 under wrk, then a bare WSGI callable returning
    the same bytes under the same gunicorn settings."""
    url = fresh_database(work, "demo")
    env = {
        "FLASK_APP": "wsgi",
        "DATABASE_URL": url,
        "SECRET_KEY": SECRET_KEY,
        # Measured without rate limits, as behind a load balancer that applies its own.
        "FLASK_RATELIMIT_ENABLED": "false",
    }
    with log.open("a") as stream:
        for command in (["db", "upgrade"], ["demo", "load"]):
            subprocess.run(  # nosec B603
                [str(BIN / "flask"), *command],
                cwd=ROOT,
                env=os.environ | env,
                stdout=stream,
                stderr=stream,
                check=True,
            )
    with Gunicorn("wsgi:app", env, log, "/healthz") as server:
        status, headers, body = server.get("/fr/cookies")
        etag = headers.get("ETag", "")
        not_modified, _, _ = server.get("/fr/cookies", {"If-None-Match": etag})
        page = wrk(server.base + "/fr/cookies")
        conditional = wrk(server.base + "/fr/cookies", f"If-None-Match: {etag}")
    body_file = work / "page.html"
    body_file.write_bytes(body)
    with Gunicorn("raw_wsgi:app", {"RAW_FILE": str(body_file)}, log) as server:
        bare = wrk(server.base + "/")
    return {
        "status": status,
        "not_modified_status": not_modified,
        "bytes": len(body),
        "page": page,
        "not_modified": conditional,
        "bare": bare,
    }


def mark(met: bool | None) -> str:
    return "" if met is None else ("✓" if met else "✗")


def report(sizes: list[int], built: dict, measured: dict, public: dict | None) -> list[str]:
    small, large = sizes[0], sizes[-1]
    lines = [
        f"| what | {' | '.join(f'{size:,} entries' for size in sizes)} | target | met |",
        f"|---|{'---|' * len(sizes)}---|---|",
    ]
    for index, page in enumerate(measured[large]["pages"]):
        cells = []
        for size in sizes:
            figure = measured[size]["pages"][index]
            cells.append(
                f"{figure['median_ms']:,.0f} ms (p95 {figure['p95_ms']:,.0f}), "
                f"{figure['queries']} q, n={figure['requests']}"
            )
        median = page["median_ms"]
        growth = median / max(measured[small]["pages"][index]["median_ms"], 1e-6)
        met = median < PAGE_MS and page["queries"] < PAGE_QUERIES and growth < PAGE_GROWTH
        lines.append(
            f"| {page['label']} | {' | '.join(cells)} "
            f"| < {PAGE_MS} ms, < {PAGE_QUERIES} q, × < {PAGE_GROWTH} (now × {growth:.1f}) "
            f"| {mark(met)} |"
        )
    blank = " | ".join("" for _ in sizes[:-1])
    operations = measured[large]
    builds = " | ".join(
        f"{built[size]['seconds']:.1f} s + {built[size]['history_seconds']:.1f} s" for size in sizes
    )
    lines.append(f"| building the portal + publishing its two versions | {builds} | | |")
    for label, (figure_text, target, met) in {
        "`flask policy check`, in-process": (
            f"{operations['check']['seconds']:.2f} s",
            f"< {CHECK_SECONDS} s",
            operations["check"]["seconds"] < CHECK_SECONDS,
        ),
        "`flask policy publish`, in-process": (
            f"{operations['publish']['seconds']:.2f} s",
            f"< {PUBLISH_SECONDS} s",
            operations["publish"]["seconds"] < PUBLISH_SECONDS,
        ),
        "`flask policy export`, in-process": (f"{operations['export']['seconds']:.2f} s", "", None),
        "public page served compressed (`Accept-Encoding: gzip`)": (
            f"{operations['public_page']['encoding'] or 'identity'}, "
            f"{operations['public_page']['bytes']:,} B",
            "gzip",
            operations["public_page"]["encoding"] == "gzip",
        ),
        "memory of the process after the admin pages (RSS)": (
            f"{operations['rss_mb']:.0f} MB",
            f"< {WORKER_MB} MB",
            operations["rss_mb"] < WORKER_MB,
        ),
    }.items():
        lines.append(f"| {label} | {blank} | {figure_text} | {target} | {mark(met)} |")
    if public:
        page_ratio = public["page"] / public["bare"]
        conditional_ratio = public["not_modified"] / public["bare"]
        lines += [
            "",
            f"Demo public page ({public['bytes']:,} B), gunicorn -w {WORKERS} -k sync, "
            f"wrk -t2 -c{CONNECTIONS} -d{WRK_SECONDS}s:",
            "",
            "| what | requests/s | × bare WSGI | target | met |",
            "|---|---|---|---|---|",
            f"| bare WSGI callable, same bytes | {public['bare']:,.0f} | 1.00 | | |",
            f"| GET /fr/cookies ({public['status']}) | {public['page']:,.0f} | {page_ratio:.2f} "
            f"| ≥ {PUBLIC_RATIO} × bare | {mark(page_ratio >= PUBLIC_RATIO)} |",
            f"| same, If-None-Match ({public['not_modified_status']}) | "
            f"{public['not_modified']:,.0f} | {conditional_ratio:.2f} | ≥ the 200's "
            f"| {mark(public['not_modified'] >= public['page'])} |",
        ]
    return lines


def main() -> None:
    if shutil.which("wrk") is None:
        sys.exit("Needs wrk: apt-get install -y wrk")
    started = time.perf_counter()
    database = "PostgreSQL" if DATABASE_URL else "SQLite"
    print(f"Database: {database}; sizes {SIZES}; up to {REQUESTS} warm requests a page.")
    with tempfile.TemporaryDirectory(prefix="bench-") as folder:
        work = Path(folder)
        log = work / "bench.log"
        built, measured = {}, {}
        for size in SIZES:
            url = fresh_database(work, f"portal{size}")
            built[size] = child(log, "build", url, str(size))
            print(f"{size:,} entries built in {built[size]['seconds']:.1f} s", flush=True)
            measured[size] = child(log, "measure", url, "operations" if size == SIZES[-1] else "")
            print(f"{size:,} entries measured", flush=True)
        public = public_page(work, log)
        print("\n".join(report(SIZES, built, measured, public)))
    print(f"\nWhole run: {time.perf_counter() - started:.0f} s.")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "build":
        print(json.dumps(build(sys.argv[2], int(sys.argv[3]))))
    elif len(sys.argv) > 1 and sys.argv[1] == "measure":
        print(json.dumps(measure(sys.argv[2], sys.argv[3] == "operations")))
    else:
        main()
