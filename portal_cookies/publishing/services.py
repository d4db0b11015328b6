"""Publishing's verbs: preview the draft, report the gate, publish, roll back, export.

A version is written whole or not at all: its row, its content and hash, and its pages
(HTML, JSON and change log per language) go in one transaction with one commit. Its number
is the current version's plus one, guarded by the unique constraint: of two people who
publish at the same moment from the same current version, one gets the number and the other
a refusal, never a duplicate and never half a version.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.orm import defer, load_only, selectinload

from .. import checks
from ..audit import record_event
from ..contexts import TextContext, text_contexts
from ..extensions import db
from ..i18n import language_name
from ..models import PolicyPage, PolicyVersion, User, utcnow
from ..service_errors import ServiceError
from ..values import clean_text
from .changes import PolicyDiff, compare, needs_renewed_consent
from .content import build_content, content_hash
from .render import (
    FAVICON,
    STYLESHEET,
    VersionRecord,
    mark_superseded_json,
    mark_superseded_page,
    render_changes,
    render_json,
    render_page,
)

MAX_NOTE_LENGTH = 2000
MAX_REASON_LENGTH = 2000
# How many of the gate's errors a refusal names.
NAMED_ERRORS = 3


# --- Reading ------------------------------------------------------------------------------


def current_version() -> PolicyVersion | None:
    """The published version visitors get: the highest number."""
    return db.session.scalar(
        sa.select(PolicyVersion).order_by(PolicyVersion.number.desc()).limit(1)
    )


def get_version(number: int) -> PolicyVersion | None:
    return db.session.scalar(sa.select(PolicyVersion).where(PolicyVersion.number == number))


def list_versions() -> list[PolicyVersion]:
    """Every version, newest first, with who published it; the frozen content is not loaded."""
    return list(
        db.session.scalars(
            sa.select(PolicyVersion)
            .options(
                defer(PolicyVersion.content),
                selectinload(PolicyVersion.published_by),
            )
            .order_by(PolicyVersion.number.desc())
        )
    )


# --- The gate -----------------------------------------------------------------------------


def gate_report(contexts: list[TextContext] | None = None) -> list[checks.Problem]:
    """Every problem of the draft policy: errors first, then open warnings, then dismissed."""
    return checks.by_severity(checks.check_policy(contexts))


@dataclass(frozen=True)
class GateLine:
    """A problem with what it is about, in words, and where it can be fixed."""

    problem: checks.Problem
    subject: str
    # The text's context (a link to the translation editor or the inventory); None for an
    # entry's own values.
    context: TextContext | None

    @property
    def text(self) -> str:
        if not self.subject:
            return self.problem.message
        return _("%(subject)s: %(message)s", subject=self.subject, message=self.problem.message)


def describe(
    problems: Sequence[checks.Problem], contexts: list[TextContext] | None = None
) -> list[GateLine]:
    """Each problem with its subject ("sessionid · Cookie purpose (English)"), in order."""
    by_unit = {
        context.unit.id: context for context in (text_contexts() if contexts is None else contexts)
    }
    entries = {
        context.owner.id: context.owner for context in by_unit.values() if context.entry is not None
    }
    lines = []
    for problem in problems:
        context = by_unit.get(problem.unit_id) if problem.unit_id is not None else None
        if context is not None:
            subject = context.label
            if problem.language:
                subject += f" ({language_name(problem.language)})"
        elif problem.entry_id in entries:
            subject = entries[problem.entry_id].label
        else:
            subject = ""
        lines.append(GateLine(problem, subject, context))
    return lines


def _refusal(errors: Sequence[checks.Problem], contexts: list[TextContext]) -> str:
    named = "; ".join(line.text for line in describe(errors[:NAMED_ERRORS], contexts))
    message = ngettext(
        "Publishing is blocked by %(num)s error: %(errors)s",
        "Publishing is blocked by %(num)s errors: %(errors)s",
        len(errors),
        errors=named,
    )
    if len(errors) > NAMED_ERRORS:
        message += " " + _(
            "and %(count)s more (see the gate report).", count=len(errors) - NAMED_ERRORS
        )
    return message


# --- Preview and differences --------------------------------------------------------------


def preview_page(language: str) -> str:
    """The draft policy in ``language``, as the public page would show it, with a banner."""
    return render_page(build_content(), language, number=None, published_at=None, preview=True)


def draft_diff() -> PolicyDiff:
    """What publishing now would change, from the current version (or from nothing)."""
    current = current_version()
    return compare(current.content if current else None, build_content())


def compare_versions(old: PolicyVersion, new: PolicyVersion) -> PolicyDiff:
    return compare(old.content, new.content)


# --- Publishing ---------------------------------------------------------------------------


def _history() -> list[VersionRecord]:
    """What the change log shows of every version in the session, the new one included."""
    versions = db.session.scalars(
        sa.select(PolicyVersion).options(
            load_only(
                PolicyVersion.number,
                PolicyVersion.published_at,
                PolicyVersion.note,
                PolicyVersion.change_summary,
                PolicyVersion.requires_renewed_consent,
                PolicyVersion.rolled_back_from_id,
            )
        )
    ).all()
    numbers = {version.id: version.number for version in versions}
    return [
        VersionRecord(
            number=version.number,
            published_at=version.published_at,
            note=version.note,
            summary=version.change_summary or {},
            requires_renewed_consent=version.requires_renewed_consent,
            rolled_back_from=numbers.get(version.rolled_back_from_id),
        )
        for version in versions
    ]


def _consent_revision(number: int, requires_renewed_consent: bool) -> int:
    """The number of the latest version that asked for consent again; 1 until one does."""
    if requires_renewed_consent:
        return number
    latest = db.session.scalar(
        sa.select(sa.func.max(PolicyVersion.number)).where(
            PolicyVersion.requires_renewed_consent, PolicyVersion.number < number
        )
    )
    return latest or 1


def _renewal(computed: bool, override: bool | None, reason: str | None) -> tuple[bool, str | None]:
    """The renewal flag to store and, for an override, its reason."""
    if override is None or override == computed:
        return computed, None
    reason = clean_text(
        reason,
        "override_reason",
        MAX_REASON_LENGTH,
        _("Say why you override the computed answer about renewed consent."),
    )
    return override, reason


def _publish(
    content: dict[str, Any],
    *,
    previous: PolicyVersion | None,
    note: str,
    actor: User | None,
    renewal_override: bool | None,
    override_reason: str | None,
    rolled_back_from: PolicyVersion | None = None,
) -> PolicyVersion:
    diff = compare(previous.content if previous else None, content)
    reasons = needs_renewed_consent(previous.content if previous else None, content)
    requires, reason = _renewal(bool(reasons), renewal_override, override_reason)
    number = previous.number + 1 if previous else 1
    version = PolicyVersion(
        number=number,
        published_at=utcnow(),
        published_by=actor,
        note=note,
        content=content,
        content_hash=content_hash(content),
        requires_renewed_consent=requires,
        renewal_override_reason=reason,
        rolled_back_from_id=rolled_back_from.id if rolled_back_from else None,
        change_summary=diff.summary(),
        change_size=diff.size,
    )
    try:
        db.session.add(version)
        db.session.flush()
        consent_revision = _consent_revision(number, requires)
        history = _history()
        for language in content["portal"]["languages"]:
            db.session.add(
                PolicyPage(
                    version=version,
                    language=language,
                    html=render_page(
                        content, language, number=number, published_at=version.published_at
                    ),
                    json=render_json(
                        content,
                        language,
                        number=number,
                        published_at=version.published_at,
                        consent_revision=consent_revision,
                        requires_renewed_consent=requires,
                    ),
                    changes_html=render_changes(content, language, history),
                )
            )
        record_event(
            actor,
            "rollback" if rolled_back_from else "publish",
            version,
            label=f"version {number}",
            after={
                "number": number,
                "note": note,
                "content_hash": version.content_hash,
                "requires_renewed_consent": requires,
                "renewal_reasons": reasons,
                "renewal_override_reason": reason,
                "rolled_back_from": rolled_back_from.number if rolled_back_from else None,
                "change_size": diff.size,
            },
        )
        db.session.commit()
    except sa.exc.IntegrityError as error:
        db.session.rollback()
        raise ServiceError(
            _("Someone published at the same moment; nothing was published. Reload and try again.")
        ) from error
    except Exception:
        db.session.rollback()
        raise
    return version


def publish_policy(
    *,
    note: str,
    actor: User | None,
    renewal_override: bool | None = None,
    override_reason: str | None = None,
) -> PolicyVersion:
    """Publish the draft as the next version, unless the gate reports an error.

    ``renewal_override`` replaces the computed "ask visitors for consent again" (True or
    False), with ``override_reason``; None keeps the computed answer.
    """
    note = clean_text(
        note, "note", MAX_NOTE_LENGTH, _("Say in a few words what this version changes.")
    )
    # The policy's texts and their owners, loaded once for the gate and the content.
    contexts = text_contexts()
    errors = checks.errors(checks.check_policy(contexts))
    if errors:
        raise ServiceError(_refusal(errors, contexts))
    content = build_content(contexts)
    previous = current_version()
    if previous is not None and previous.content_hash == content_hash(content):
        raise ServiceError(_("Nothing changed since version %(number)s.", number=previous.number))
    return _publish(
        content,
        previous=previous,
        note=note,
        actor=actor,
        renewal_override=renewal_override,
        override_reason=override_reason,
    )


def rollback_to(
    version: PolicyVersion,
    *,
    note: str,
    actor: User | None,
    renewal_override: bool | None = None,
    override_reason: str | None = None,
) -> PolicyVersion:
    """Publish an old version's content again, as a new version with a new number and date.

    The gate is not run: it checks the draft inventory, not a frozen content, and that
    content passed it when it was first published. A rollback is the way back from a bad
    publication, so today's unfinished draft must not block it. The draft itself is left as
    it is.
    """
    note = clean_text(note, "note", MAX_NOTE_LENGTH, _("Say why you restore this version."))
    previous = current_version()
    if previous is not None and previous.content_hash == version.content_hash:
        raise ServiceError(
            _("Version %(number)s already has this content.", number=previous.number)
        )
    return _publish(
        version.content,
        previous=previous,
        note=note,
        actor=actor,
        renewal_override=renewal_override,
        override_reason=override_reason,
        rolled_back_from=version,
    )


# --- Export -------------------------------------------------------------------------------


def _write(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def export_policy(directory: Path) -> list[Path]:
    """Write every published version as static files a web server maps to the app's URLs.

    For each language: ``<lang>/cookies/index.html`` and ``<lang>/cookies.json`` (the current
    version), ``<lang>/cookies/changes/index.html``, ``<lang>/cookies/v/<n>/index.html`` and
    ``<lang>/cookies/v/<n>.json`` for every version (an old one saying which version replaced
    it); and the pages' ``static/css/policy.css`` and ``static/favicon.svg``. Each file holds
    exactly the bytes the app serves. Returns the paths written, in order.
    """
    current = current_version()
    if current is None:
        raise ServiceError(_("Nothing is published yet."))
    directory = Path(directory)
    written = []
    versions = {
        number: (published_at, portal)
        for number, published_at, portal in db.session.execute(
            sa.select(
                PolicyVersion.number, PolicyVersion.published_at, PolicyVersion.content["portal"]
            )
        )
    }
    pages = db.session.scalars(
        sa.select(PolicyPage)
        .join(PolicyPage.version)
        .options(selectinload(PolicyPage.version).load_only(PolicyVersion.number))
        .order_by(PolicyVersion.number, PolicyPage.language)
    )
    for page in pages:
        base = directory / page.language / "cookies"
        number = page.version.number
        html, data = page.html, page.json
        successor = min((later for later in versions if later > number), default=None)
        if successor is not None:
            replaced_at, portal = versions[successor]
            html = mark_superseded_page(
                html, page.language, successor=successor, replaced_at=replaced_at, portal=portal
            )
            data = mark_superseded_json(data, successor=successor)
        written.append(_write(base / "v" / str(number) / "index.html", html))
        written.append(_write(base / "v" / f"{number}.json", data))
        if number == current.number:
            written.append(_write(base / "index.html", page.html))
            written.append(_write(directory / page.language / "cookies.json", page.json))
            written.append(_write(base / "changes" / "index.html", page.changes_html))
    # The pages link /static/...: the app's static folder, at the same paths.
    for path in (STYLESHEET, FAVICON):
        name = path.removeprefix("/static/")
        source = Path(current_app.static_folder) / name
        written.append(_write(directory / "static" / name, source.read_bytes()))
    return written
