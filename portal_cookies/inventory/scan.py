"""The scanner: a headless Chromium follows the site's links and reports every cookie and web
storage key it ends up holding, with the page where each appeared first.

Playwright is an optional dependency (requirements-scan.txt), imported only when a scan
starts, so the portal runs without it.
"""

import json
import os
import shutil
import tempfile
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any
from urllib.parse import urldefrag, urlsplit

from flask_babel import gettext as _

from ..models import StorageKind
from ..service_errors import ServiceError
from .observations import Observation

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page, Route

# Where a system Chromium is looked for before Playwright's own browser.
CHROMIUM_VARIABLE = "PORTAL_COOKIES_CHROMIUM"
SYSTEM_CHROMIUMS = ("chromium", "chromium-browser")
# Keeps the browser from calling its vendor's services in the middle of a scan.
CHROMIUM_ARGS = [
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Chromium now blocks third-party cookies by default; many visitors' browsers still accept
# them, so the scan must see every cookie the site asks for. 0 is "allow all cookies".
PROFILE_PREFERENCES = {"profile": {"cookie_controls_mode": 0}}

# Links that would end a session, or lead to files rather than pages, are not followed.
LOGOUT_WORDS = ("logout", "log-out", "log_out", "signout", "sign-out", "sign_out", "logoff")
FILE_SUFFIXES = frozenset(
    ".pdf .zip .gz .tgz .tar .7z .csv .tsv .json .xml .rss .atom .geojson .txt .ics "
    ".png .jpg .jpeg .gif .svg .webp .ico .css .js .mp3 .mp4 .webm .ogg .wav "
    ".doc .docx .xls .xlsx .ppt .pptx .odt .ods .odp .parquet .xlsb".split()
)
HTML_TYPES = ("text/html", "application/xhtml+xml")
# Scripts often set their cookies once the page has loaded: wait for the network to be quiet
# for at most this long after the load event.
SETTLE_MS = 3_000

READ_STORAGE = """() => {
    try {
        return [Object.keys(window.localStorage), Object.keys(window.sessionStorage)];
    } catch (error) {
        return [[], []];
    }
}"""
READ_LINKS = "links => links.map(link => link.href)"


@dataclass(frozen=True)
class UnreadPage:
    """An address the scanner opened but could not read, and why."""

    url: str
    reason: str


@dataclass
class ScanResult:
    """What a scan saw: the pages it read, in order, and each cookie or storage key once,
    where it appeared first."""

    start_url: str
    pages: list[str] = field(default_factory=list)
    unread: list[UnreadPage] = field(default_factory=list)
    observations: list[Observation] = field(default_factory=list)


def _port(parts: Any) -> int | None:
    try:
        return parts.port or {"http": 80, "https": 443}[parts.scheme]
    except ValueError:
        return None


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


@dataclass
class Scope:
    """Which addresses belong to the site.

    The site is where the starting address is and where it lands after redirects. By
    default only those origins (scheme, host and port) are followed. ``same_site`` widens
    this to http and https, any port, on those hosts and their subdomains, a leading
    ``www.`` dropped: starting at www.example.org follows example.org and
    data.example.org, starting at data.example.org does not follow www.example.org (without
    the list of public suffixes, a parent domain may be shared by unrelated sites, as
    gouv.fr is).
    """

    same_site: bool
    origins: set[tuple[str, str, int | None]] = field(default_factory=set)
    hosts: set[str] = field(default_factory=set)

    def add(self, url: str) -> None:
        parts = urlsplit(url)
        self.origins.add((parts.scheme, _host(url), _port(parts)))
        host = _host(url)
        self.hosts.add(host.removeprefix("www.") if host.count(".") > 1 else host)

    def includes(self, url: str) -> bool:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            return False
        if not self.same_site:
            return (parts.scheme, _host(url), _port(parts)) in self.origins
        host = _host(url)
        return any(host == base or host.endswith("." + base) for base in self.hosts)


def worth_following(url: str) -> bool:
    """Not a logout link, not a file by its name."""
    parts = urlsplit(url)
    address = f"{parts.path}?{parts.query}".lower()
    if any(word in address for word in LOGOUT_WORDS):
        return False
    return PurePosixPath(parts.path).suffix.lower() not in FILE_SUFFIXES


def check_start_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or _port(parts) is None:
        raise ServiceError(
            _(
                "“%(url)s” is not a web address: give one such as https://data.example.org/.",
                url=url,
            )
        )
    return urldefrag(url).url


def _cookie_observation(cookie: dict[str, Any], page: str, seen_at: datetime) -> Observation:
    expires = cookie.get("expires", -1)
    lifetime = None if expires is None or expires < 0 else round(expires - seen_at.timestamp())
    return Observation(
        name=cookie["name"],
        domain=cookie["domain"].lstrip("."),
        storage_kind=StorageKind.HTTP_COOKIE,
        page=page,
        seen_in="browser",
        lifetime_seconds=None if lifetime is None else max(lifetime, 0),
        seen_at=seen_at,
    )


class _Recorder:
    """Keeps each cookie or storage key the first time it is seen."""

    def __init__(self, result: ScanResult, browser_error: type[Exception]):
        self.result = result
        self.browser_error = browser_error
        self.seen: set[tuple[StorageKind, str, str]] = set()

    def keep(self, observation: Observation) -> None:
        key = (observation.storage_kind, observation.domain, observation.name)
        if key not in self.seen:
            self.seen.add(key)
            self.result.observations.append(observation)

    def record(self, context: "BrowserContext", page: "Page", url: str) -> None:
        seen_at = datetime.now(UTC)
        for cookie in context.cookies():
            self.keep(_cookie_observation(cookie, url, seen_at))
        # Frames of other sites (an embedded map, a video) keep their own storage.
        for frame in page.frames:
            if urlsplit(frame.url).scheme not in ("http", "https"):
                continue
            try:
                local, session = frame.evaluate(READ_STORAGE)
            except self.browser_error:
                continue  # A frame that went away has nothing left to read.
            for kind, names in (
                (StorageKind.LOCAL_STORAGE, local),
                (StorageKind.SESSION_STORAGE, session),
            ):
                for name in names:
                    self.keep(
                        Observation(
                            name=name,
                            domain=_host(frame.url),
                            storage_kind=kind,
                            page=url,
                            seen_in="storage",
                            seen_at=seen_at,
                        )
                    )


def _import_playwright() -> Any:
    try:
        from playwright import sync_api
    except ImportError as error:
        raise ServiceError(
            _(
                "The scanner needs Playwright: pip install -r requirements-scan.txt "
                "(and a Chromium: apt-get install chromium, or python -m playwright install "
                "chromium)."
            )
        ) from error
    return sync_api


def find_chromium() -> str | None:
    """The system's Chromium, if any; None leaves Playwright to use its own browser."""
    chosen = os.environ.get(CHROMIUM_VARIABLE)
    if chosen:
        if not Path(chosen).is_file():
            raise ServiceError(
                _("%(variable)s names no file: %(path)s", variable=CHROMIUM_VARIABLE, path=chosen)
            )
        return chosen
    for name in SYSTEM_CHROMIUMS:
        found = shutil.which(name)
        if found:
            return found
    return None


@contextmanager
def _browser(sync_api: Any, har_path: str | None, timeout_ms: int) -> Iterator["BrowserContext"]:
    """A headless Chromium with a profile of its own, thrown away afterwards: nothing of
    the operator's own browsing shows in the scan, nor the other way round."""
    with tempfile.TemporaryDirectory(prefix="portal-cookies-scan-") as profile:
        (Path(profile) / "Default").mkdir()
        (Path(profile) / "Default" / "Preferences").write_text(json.dumps(PROFILE_PREFERENCES))
        with sync_api.sync_playwright() as playwright:
            try:
                context = playwright.chromium.launch_persistent_context(
                    profile,
                    executable_path=find_chromium(),
                    headless=True,
                    args=CHROMIUM_ARGS,
                    record_har_path=har_path,
                    record_har_content="omit" if har_path else None,
                )
            except sync_api.Error as error:
                raise ServiceError(
                    _(
                        "Chromium could not start (%(error)s). Install it (apt-get install "
                        "chromium, or python -m playwright install chromium) or set "
                        "%(variable)s to its path.",
                        error=str(error).splitlines()[0],
                        variable=CHROMIUM_VARIABLE,
                    )
                ) from error
            context.set_default_timeout(timeout_ms)
            context.set_default_navigation_timeout(timeout_ms)
            try:
                yield context
            finally:
                # Closing the context writes the HAR file.
                context.close()


@dataclass
class _Guard:
    """Refuses any navigation that posts (a form a script submits) or takes the page off the
    site (a script changing the address), and says what it refused; loading other sites'
    images, scripts and frames goes on."""

    scope: Scope
    page: "Page"
    refused: list[str] = field(default_factory=list)

    def __call__(self, route: "Route") -> None:
        request = route.request
        if not request.is_navigation_request():
            route.continue_()
        elif request.method != "GET":
            self.refused.append(
                _("a script submitted a form to %(url)s: not sent", url=request.url)
            )
            route.abort()
        elif request.frame == self.page.main_frame and not self.scope.includes(request.url):
            self.refused.append(
                _("a script went off the site to %(url)s: not followed", url=request.url)
            )
            route.abort()
        else:
            route.continue_()


def _open(page: "Page", url: str, timeout_ms: int, sync_api: Any) -> str | None:
    """Load ``url``; the reason when it is not a page to read."""
    try:
        response = page.goto(url, wait_until="load", timeout=timeout_ms)
    except sync_api.Error as error:
        return str(error).splitlines()[0]
    content_type = (response.headers.get("content-type", "") if response else "").lower()
    if response is not None and not content_type.startswith(HTML_TYPES):
        return _("not a web page (%(type)s)", type=content_type or _("no content type"))
    if response is not None and response.status >= 400:
        return _("HTTP status %(status)s", status=response.status)
    try:
        page.wait_for_load_state("networkidle", timeout=min(SETTLE_MS, timeout_ms))
    except sync_api.Error:
        pass  # A page that keeps polling is read as it is.
    return None


def _links(page: "Page", sync_api: Any) -> list[str]:
    try:
        links = page.eval_on_selector_all("a[href], area[href]", READ_LINKS)
    except sync_api.Error:
        return []  # A script took the page elsewhere meanwhile.
    return [urldefrag(link).url for link in links]


def scan(
    url: str, *, pages: int, same_site: bool, har_path: str | None, timeout: float
) -> ScanResult:
    start = check_start_url(url)
    if pages < 1:
        raise ServiceError(_("Scan at least one page."))
    if har_path and not Path(har_path).resolve().parent.is_dir():
        raise ServiceError(_("No folder for the HAR file: %(path)s", path=har_path))
    result, scope = ScanResult(start_url=start), Scope(same_site)
    scope.add(start)
    sync_api = _import_playwright()
    recorder, timeout_ms = _Recorder(result, sync_api.Error), round(timeout * 1000)
    with _browser(sync_api, har_path, timeout_ms) as context:
        page = context.pages[0] if context.pages else context.new_page()
        guard = _Guard(scope, page)
        page.route("**/*", guard)
        queue, queued = deque([start]), {start}
        while queue and len(result.pages) + len(result.unread) < pages:
            address = queue.popleft()
            guard.refused.clear()
            problem = _open(page, address, timeout_ms, sync_api)
            landed = urldefrag(page.url).url
            if guard.refused:
                problem = guard.refused[0]
            if address == start:
                if problem is not None:
                    raise ServiceError(
                        _("Could not read %(url)s: %(problem)s", url=start, problem=problem)
                    )
                scope.add(landed)
                queued.add(landed)
            elif problem is None and not scope.includes(landed):
                problem = _("redirected off the site to %(url)s", url=landed)
            recorder.record(context, page, landed if problem is None else address)
            if problem is not None:
                result.unread.append(UnreadPage(address, problem))
                continue
            result.pages.append(landed)
            for link in _links(page, sync_api):
                if link not in queued and scope.includes(link) and worth_following(link):
                    queued.add(link)
                    queue.append(link)
    return result
