"""The drift report: what a browser was seen to store, compared with the inventory.

It finds cookies observed but not declared, entries never observed, and cookies kept longer
than their entry declares. The rules it judges by:

- An observed cookie is declared by an active (not archived) entry of the same storage kind
  that lists its name, exactly or as a prefix pattern ``prefix.*``, on a matching domain.
- Domains match when they are the same host or one is a parent of the other, case aside:
  a browser sends a parent domain's cookies to its hosts, and a host may set a cookie for its
  parent (``Domain=example.org`` from ``www.example.org``). An entry's empty domain is the
  portal's host, read from its address in the settings.
- First or third party: a cookie is first-party when its domain is the portal's site or under
  it. Without the Public Suffix List, the site is the portal's host less its first label when
  the host has three labels or more (``data.example.org`` -> ``example.org``), else the host
  itself (``example.org``, ``localhost``, an IP address). That errs towards "third party" for
  a portal on a registrable domain of its own, and towards "first party" for sibling sites
  under a shared suffix (``data.gouv.fr`` and ``impots.gouv.fr``).
- Longer than declared: the observed lifetime exceeds the declared duration counted
  generously (a month as 31 days, a year as 366 days) by more than a minute of clock skew.
  A session cookie declares no time at all; "until deleted" never drifts.
"""

import ipaddress
import math
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from ..cookie_names import stem
from ..extensions import db
from ..models import (
    CookieEntry,
    DriftCheck,
    DriftFinding,
    DriftKind,
    DurationKind,
    DurationUnit,
    Party,
    PortalSettings,
    StorageKind,
    User,
)
from ..service_errors import ServiceError, one_change
from .observations import Observation

HOUR = 3600
DAY = 24 * HOUR
# Generous: a declaration is read as the longest it could mean.
GENEROUS_SECONDS = {
    DurationUnit.HOURS: HOUR,
    DurationUnit.DAYS: DAY,
    DurationUnit.WEEKS: 7 * DAY,
    DurationUnit.MONTHS: 31 * DAY,
    DurationUnit.YEARS: 366 * DAY,
}
# What a unit usually means, to propose a duration for a new entry.
NOMINAL_SECONDS = GENEROUS_SECONDS | {
    DurationUnit.MONTHS: 30.44 * DAY,
    DurationUnit.YEARS: 365 * DAY,
}
CLOCK_SKEW_SECONDS = 60
# A proposed duration may say up to this much more than was observed, in a rounder unit.
ROUNDING = 0.1
MAX_DURATION_VALUE = 1000


@dataclass
class Finding:
    """One finding, with the same fields as the stored DriftFinding."""

    kind: DriftKind
    name: str
    domain: str
    storage_kind: StorageKind
    party: Party
    page: str = ""
    seen_in: str | None = None
    header: str | None = None
    lifetime_seconds: int | None = None
    seen_count: int = 0
    entry: CookieEntry | None = None


@dataclass
class DriftReport:
    portal_host: str
    findings: list[Finding] = field(default_factory=list)
    observation_count: int = 0
    cookie_count: int = 0

    def of_kind(self, kind: DriftKind) -> list[Finding]:
        return [finding for finding in self.findings if finding.kind == kind]

    @property
    def drifts(self) -> bool:
        return bool(self.findings)


# --- Domains ------------------------------------------------------------------------------


def portal_host(settings: PortalSettings) -> str:
    """The portal's host, from its address; ServiceError when no address is set."""
    try:
        host = (urlsplit(settings.base_url or "").hostname or "").lower()
    except ValueError:
        host = ""
    if not host:
        raise ServiceError(
            _(
                "Give the portal's address in the settings first: the drift report tells first "
                "from third party, and finds the portal's own cookies, by it."
            )
        )
    return host


def _bare(domain: str) -> str:
    return domain.strip().lstrip(".").lower()


def domains_match(observed: str, declared: str) -> bool:
    """The same host, or one a parent domain of the other."""
    return (
        observed == declared
        or observed.endswith(f".{declared}")
        or declared.endswith(f".{observed}")
    )


def _site(host: str) -> str:
    try:
        ipaddress.ip_address(host.strip("[]"))
        return host
    except ValueError:
        pass
    labels = host.split(".")
    return ".".join(labels[1:]) if len(labels) > 2 else host


def party_of(domain: str, portal: str) -> Party:
    site = _site(portal)
    return Party.FIRST if domain == site or domain.endswith(f".{site}") else Party.THIRD


# --- Durations ----------------------------------------------------------------------------


def declared_seconds(entry: CookieEntry) -> int | None:
    """The longest lifetime the entry allows: 0 for a session cookie, None when unlimited or
    not given (the check engine asks for a duration)."""
    if entry.duration_kind == DurationKind.SESSION:
        return 0
    if entry.duration_kind == DurationKind.FIXED and entry.duration_value and entry.duration_unit:
        return entry.duration_value * GENEROUS_SECONDS[entry.duration_unit]
    return None


def duration_for(lifetime: int | None) -> tuple[DurationKind, int | None, DurationUnit | None]:
    """A duration to declare for an observed lifetime, in the roundest unit that does not say
    less than was observed: 393 days is 13 months, 730 days 2 years, 10 days 10 days."""
    if lifetime is None:
        return DurationKind.SESSION, None, None
    for unit in reversed(DurationUnit):
        if lifetime < NOMINAL_SECONDS[unit] and unit != DurationUnit.HOURS:
            continue
        value = max(1, math.ceil((lifetime - CLOCK_SKEW_SECONDS) / GENEROUS_SECONDS[unit]))
        if value <= MAX_DURATION_VALUE and (
            value * NOMINAL_SECONDS[unit] - lifetime <= ROUNDING * lifetime
            or unit == DurationUnit.HOURS
        ):
            return DurationKind.FIXED, value, unit
    return DurationKind.UNTIL_DELETED, None, None


# --- The report ---------------------------------------------------------------------------


@dataclass
class _Seen:
    """One observed cookie (name, domain, kind): where it was seen first, how often, and the
    sighting with the longest lifetime."""

    first: Observation
    count: int = 0
    longest: Observation | None = None

    def add(self, observation: Observation) -> None:
        self.count += 1
        # A response that set it says more than a request that sent it.
        if self.first.seen_in == "cookie" and observation.seen_in != "cookie":
            self.first = observation
        lifetime = observation.lifetime_seconds
        if lifetime is not None and (
            self.longest is None or lifetime > (self.longest.lifetime_seconds or 0)
        ):
            self.longest = observation


class _Declarations:
    """The active entries, looked up by name and prefix."""

    def __init__(self, portal: str):
        self.portal = portal
        self.entries = list(
            db.session.scalars(
                db.select(CookieEntry)
                .where(~CookieEntry.archived)
                .options(selectinload(CookieEntry.names))
                .order_by(CookieEntry.id)
            )
        )
        self.exact: dict[str, list[CookieEntry]] = {}
        self.prefixes: list[tuple[str, CookieEntry]] = []
        for entry in self.entries:
            for cookie_name in entry.names:
                if cookie_name.is_prefix:
                    self.prefixes.append((stem(cookie_name.name), entry))
                else:
                    self.exact.setdefault(cookie_name.name, []).append(entry)

    def domain_of(self, entry: CookieEntry) -> str:
        return _bare(entry.domain) or self.portal

    def declaring(self, name: str, domain: str, kind: StorageKind) -> list[CookieEntry]:
        candidates = self.exact.get(name, []) + [
            entry for prefix, entry in self.prefixes if name.startswith(prefix)
        ]
        found: list[CookieEntry] = []
        for entry in candidates:
            if (
                entry not in found
                and entry.storage_kind == kind
                and domains_match(domain, self.domain_of(entry))
            ):
                found.append(entry)
        return found


def build_drift_report(
    observations: Iterable[Observation],
    settings: PortalSettings,
    observed_kinds: Collection[StorageKind] | None = None,
) -> DriftReport:
    """Compare ``observations`` with the active entries.

    Only entries of a storage kind the observations could show are reported as never
    observed: ``observed_kinds``, by default HTTP cookies and whatever kind was observed.
    Reading ``observations`` may raise ServiceError (a malformed file): nothing is stored.
    """
    portal = portal_host(settings)
    report = DriftReport(portal_host=portal)
    seen: dict[tuple[str, str, StorageKind], _Seen] = {}
    for observation in observations:
        report.observation_count += 1
        key = (observation.name, _bare(observation.domain), observation.storage_kind)
        if key not in seen:
            seen[key] = _Seen(first=observation)
        seen[key].add(observation)
    report.cookie_count = len(seen)
    kinds = set(observed_kinds or {StorageKind.HTTP_COOKIE}) | {kind for _n, _d, kind in seen}

    declarations = _Declarations(portal)
    observed_entries: set[int] = set()
    for (name, domain, kind), sighting in seen.items():
        entries = declarations.declaring(name, domain, kind)
        observed_entries.update(entry.id for entry in entries)
        finding = Finding(
            kind=DriftKind.UNDECLARED,
            name=name,
            domain=domain,
            storage_kind=kind,
            party=party_of(domain, portal),
            page=sighting.first.page,
            seen_in=sighting.first.seen_in,
            header=sighting.first.header,
            lifetime_seconds=sighting.longest.lifetime_seconds if sighting.longest else None,
            seen_count=sighting.count,
        )
        if not entries:
            report.findings.append(finding)
            continue
        longest = sighting.longest
        for entry in entries:
            allowed = declared_seconds(entry)
            lifetime = longest.lifetime_seconds if longest else None
            if allowed is not None and lifetime is not None:
                if lifetime > allowed + CLOCK_SKEW_SECONDS:
                    report.findings.append(
                        Finding(
                            **(
                                vars(finding)
                                | {
                                    "kind": DriftKind.LONGER_LIFETIME,
                                    "page": longest.page,
                                    "seen_in": longest.seen_in,
                                    "header": longest.header,
                                    "entry": entry,
                                }
                            )
                        )
                    )
    for entry in declarations.entries:
        if entry.id not in observed_entries and entry.storage_kind in kinds:
            domain = declarations.domain_of(entry)
            report.findings.append(
                Finding(
                    kind=DriftKind.NEVER_OBSERVED,
                    name=entry.label[:255],
                    domain=domain,
                    storage_kind=entry.storage_kind,
                    party=entry.party,
                    entry=entry,
                )
            )
    order = list(DriftKind)
    report.findings.sort(key=lambda f: (order.index(f.kind), f.name.casefold(), f.domain))
    return report


def draft_values(finding: DriftFinding) -> dict[str, Any]:
    """The entry form's values for an undeclared cookie: its name, domain (empty for the
    portal's own host), party, storage kind and a duration at least as long as observed."""
    kind, value, unit = duration_for(finding.lifetime_seconds)
    where = finding.page or finding.check.source
    return {
        "names": finding.name,
        "domain": "" if finding.domain == finding.check.portal_host else finding.domain,
        "party": finding.party,
        "storage_kind": finding.storage_kind,
        "duration_kind": kind,
        "duration_value": value,
        "duration_unit": unit,
        "notes": _(
            "Found by the drift report of %(source)s, seen on %(page)s.",
            source=finding.check.source,
            page=where,
        ),
    }


def record_drift_report(report: DriftReport, *, source: str, actor: User | None) -> DriftCheck:
    """Keep ``report`` as the latest, in place of the one before."""
    with one_change():
        for previous in db.session.scalars(db.select(DriftCheck)):
            db.session.delete(previous)
        db.session.flush()
        check = DriftCheck(
            checked_by=actor,
            source=source[:255],
            portal_host=report.portal_host,
            observation_count=report.observation_count,
            cookie_count=report.cookie_count,
            findings=[
                DriftFinding(
                    kind=finding.kind,
                    name=finding.name[:255],
                    domain=finding.domain[:253],
                    storage_kind=finding.storage_kind,
                    party=finding.party,
                    page=finding.page,
                    seen_in=finding.seen_in,
                    header=finding.header,
                    lifetime_seconds=finding.lifetime_seconds,
                    seen_count=finding.seen_count,
                    entry=finding.entry,
                )
                for finding in report.findings
            ],
        )
        db.session.add(check)
    return check


def latest_drift_check() -> DriftCheck | None:
    return db.session.scalar(
        db.select(DriftCheck)
        .options(
            selectinload(DriftCheck.findings)
            .selectinload(DriftFinding.entry)
            .selectinload(CookieEntry.names)
        )
        .order_by(DriftCheck.id.desc())
        .limit(1)
    )
