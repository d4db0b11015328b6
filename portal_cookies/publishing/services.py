"""Publishing's verbs: preview the draft, report the gate, publish, roll back, export.

A version is written whole or not at all: its row, its content and hash, and its pages
(HTML, JSON and change log per language) go in one transaction with one commit. Its number
is the current version's plus one, guarded by the unique constraint: of two people who
publish at the same moment from the same current version, one gets the number and the other
a refusal, never a duplicate and never half a version. A rollback first makes the draft the
old version's content again (``restore_plan``, ``restore``), in that same transaction.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import defer, load_only, selectinload

from .. import checks, published
from ..audit import record_event
from ..contexts import TextContext, text_contexts
from ..draft_revision import cached
from ..extensions import db
from ..i18n import language_name, portal_today
from ..models import PolicyPage, PolicyVersion, User, utcnow
from ..portal import MAX_LANGUAGE_CODE_LENGTH, get_settings
from ..service_errors import ServiceError, one_change
from ..texts import TextConflict
from ..values import clean_text
from .changelog import VersionRecord, render_changes
from .changes import PolicyDiff, compare, needs_renewed_consent
from .content import build_content, content_hash
from .export import export_policy as export_policy
from .render import (
    Preview,
    render_json,
    render_page,
)
from .render import mark_superseded_json as mark_superseded_json
from .render import mark_superseded_page as mark_superseded_page
from .restore import restore_draft
from .restore_plan import RestorePlan, plan_restore

MAX_NOTE_LENGTH = 2000
MAX_REASON_LENGTH = 2000
# How many of the gate's errors a refusal names.
NAMED_ERRORS = 3


# --- Reading ------------------------------------------------------------------------------


def current_version() -> PolicyVersion | None:
    """The published version visitors get: the highest number. Its frozen content (megabytes
    at thousands of entries) is read only by those who use it."""
    return db.session.scalar(
        sa.select(PolicyVersion)
        .options(defer(PolicyVersion.content), defer(PolicyVersion.change_summary))
        .order_by(PolicyVersion.number.desc())
        .limit(1)
    )


def get_version(number: int) -> PolicyVersion | None:
    """The version of this number; its frozen content is read when first used."""
    return db.session.scalar(
        sa.select(PolicyVersion)
        .where(PolicyVersion.number == number)
        .options(defer(PolicyVersion.content))
    )


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
    """A problem with what it is about, in words, and where it can be fixed: plain values,
    kept from one request to the next (``DraftReport``)."""

    problem: checks.Problem
    subject: str
    # The text's unit and where its source is edited, when the problem is about a text the
    # policy shows; None for an entry's own values.
    unit_id: int | None = None
    edit_endpoint: tuple[str, dict[str, int]] | None = None

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
        if context is None:
            lines.append(GateLine(problem, subject))
        else:
            lines.append(GateLine(problem, subject, context.unit.id, context.edit_endpoint))
    return lines


class GateRefusal(ServiceError):
    """Publishing refused by the gate's errors, a few of them named: the publishing page lists
    them all beside the form instead."""

    def __init__(self, errors: Sequence[checks.Problem], contexts: list[TextContext]):
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
        super().__init__(message)


@dataclass(frozen=True)
class DraftReport:
    """What the publishing page shows of the draft: the gate's problems (in order, each in
    words), the changes publishing would make, and whether there is anything to publish."""

    problems: list[checks.Problem]
    lines: list[GateLine]
    diff: PolicyDiff
    renewal_reasons: list[str]
    nothing_to_publish: bool

    @property
    def blocking(self) -> list[GateLine]:
        return [line for line in self.lines if line.problem.is_error]


def _report() -> DraftReport:
    # The policy's texts and their owners, loaded once for the draft, the gate and its lines.
    contexts = text_contexts()
    draft = build_content(contexts)
    problems = gate_report(contexts)
    # Kept beyond this request: a dismissal is read (its reason) after its session is gone,
    # and must not be expired by a commit made meanwhile.
    for problem in problems:
        if problem.dismissal is not None and problem.dismissal in db.session:
            db.session.expunge(problem.dismissal)
    current = current_version()
    previous = current.content if current else None
    return DraftReport(
        problems=problems,
        lines=describe(problems, contexts),
        diff=compare(previous, draft),
        renewal_reasons=[str(reason) for reason in needs_renewed_consent(previous, draft)],
        nothing_to_publish=is_published(draft, current),
    )


def draft_report() -> DraftReport:
    """The publishing page's report, computed once per state of the draft, interface
    language (the problems' messages) and day (the review dates the checks compare)."""
    return cached(("report", str(get_locale()), portal_today()), _report)


def unpublished_changes() -> int:
    """How many things publishing now would change (the dashboard's figure)."""
    return cached("unpublished_changes", lambda: draft_diff().size)


# --- Preview and differences --------------------------------------------------------------


def preview_page(language: str, preview: Preview) -> str:
    """The draft policy in ``language``, as the public page would show it, with a banner;
    rendered once per state of the draft (its addresses are the same for every request)."""
    return cached(
        ("preview", language, preview.key, portal_today()),
        lambda: render_page(
            build_content(), language, number=None, published_at=None, preview=preview
        ),
    )


def preview_changes(language: str, preview: Preview) -> str:
    """The change log as publishing the draft would make it: the draft's changes on top of the
    published versions'; rendered once per state of the draft."""
    return cached(
        ("preview_changes", language, preview.key, portal_today()),
        lambda: _render_preview_changes(language, preview),
    )


def _render_preview_changes(language: str, preview: Preview) -> str:
    content = build_content()
    current = current_version()
    history = _history()
    if not is_published(content, current):
        previous = current.content if current else None
        draft = VersionRecord(
            number=current.number + 1 if current else 1,
            published_at=None,
            notes={},
            summary=compare(previous, content).summary(),
            requires_renewed_consent=bool(needs_renewed_consent(previous, content)),
        )
        history.append(draft)
    return render_changes(content, language, history, preview)


def draft_diff() -> PolicyDiff:
    """What publishing now would change, from the current version (or from nothing)."""
    current = current_version()
    return compare(current.content if current else None, build_content())


def is_published(content: dict[str, Any], current: PolicyVersion | None) -> bool:
    """Whether ``content`` (the draft's) is what visitors read already: nothing to publish."""
    return current is not None and current.content_hash == content_hash(content)


def nothing_to_publish() -> bool:
    """Whether the draft is what visitors read already."""
    return is_published(build_content(), current_version())


def compare_versions(old: PolicyVersion, new: PolicyVersion) -> PolicyDiff:
    """What changed from ``old`` to ``new``: versions never change, so the comparison is kept
    (named by their contents) and their contents are not even read again."""
    return cached(
        ("compare", old.content_hash, new.content_hash),
        lambda: compare(old.content, new.content),
    )


# --- Notes --------------------------------------------------------------------------------


def _clean_notes(
    note: str, note_translations: Mapping[str, str] | None, required_message: str
) -> dict[str, str]:
    """A version's notes by language: ``note`` in the source language, required, and the
    translations given (empty ones left out), each in an enabled language. A refusal names the
    field: ``note``, or ``note_<language>``."""
    settings = get_settings()
    source = settings.source_language
    notes = {source: clean_text(note, "note", MAX_NOTE_LENGTH, required_message)}
    for language, text in (note_translations or {}).items():
        field = f"note_{language}"
        if language == source:
            raise ServiceError(
                _(
                    "The note in %(language)s is the main note: give it once.",
                    language=language_name(source),
                ),
                field,
            )
        if language not in settings.enabled_languages:
            raise ServiceError(
                _(
                    "“%(code)s” is not one of the portal's languages (%(languages)s).",
                    code=language[:MAX_LANGUAGE_CODE_LENGTH],
                    languages=", ".join(settings.enabled_languages),
                ),
                "note",
            )
        translated = clean_text(text, field, MAX_NOTE_LENGTH)
        if translated:
            notes[language] = translated
    return notes


# --- Publishing ---------------------------------------------------------------------------


def _history() -> list[VersionRecord]:
    """What the change log shows of every version in the session, the new one included."""
    versions = db.session.scalars(
        sa.select(PolicyVersion).options(
            load_only(
                PolicyVersion.number,
                PolicyVersion.published_at,
                PolicyVersion.notes,
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
            notes=version.notes or {},
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


# Two people publishing from the same current version: the number's unique constraint lets
# one through.
CONCURRENT_PUBLICATION = _l(
    "Someone published at the same moment; nothing was published. Reload and try again."
)
NOTHING_TO_PUBLISH = _l("Nothing to publish: the draft is what visitors read.")


def _publish(
    content: dict[str, Any],
    *,
    previous: PolicyVersion | None,
    notes: dict[str, str],
    actor: User | None,
    renewal_override: bool | None,
    override_reason: str | None,
    rolled_back_from: PolicyVersion | None = None,
    restored: dict[str, Any] | None = None,
) -> PolicyVersion:
    """Add the version and its pages to the session; the caller commits (``one_change``)."""
    diff = compare(previous.content if previous else None, content)
    reasons = needs_renewed_consent(previous.content if previous else None, content)
    requires, reason = _renewal(bool(reasons), renewal_override, override_reason)
    number = previous.number + 1 if previous else 1
    version = PolicyVersion(
        number=number,
        published_at=utcnow(),
        published_by=actor,
        notes=notes,
        content=content,
        content_hash=content_hash(content),
        requires_renewed_consent=requires,
        renewal_override_reason=reason,
        rolled_back_from_id=rolled_back_from.id if rolled_back_from else None,
        change_summary=diff.summary(),
        change_size=diff.size,
    )
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
    after = {
        "number": number,
        "note": notes,
        "content_hash": version.content_hash,
        "requires_renewed_consent": requires,
        "renewal_reasons": reasons,
        "renewal_override_reason": reason,
        "rolled_back_from": rolled_back_from.number if rolled_back_from else None,
        "change_size": diff.size,
    }
    if restored is not None:
        after["restored"] = restored
    record_event(
        actor,
        "rollback" if rolled_back_from else "publish",
        version,
        label=f"version {number}",
        after=after,
    )
    db.session.flush()
    return version


def publish_policy(
    *,
    note: str,
    actor: User | None,
    note_translations: Mapping[str, str] | None = None,
    renewal_override: bool | None = None,
    override_reason: str | None = None,
) -> PolicyVersion:
    """Publish the draft as the next version, unless nothing changed or the gate reports an
    error (``GateRefusal``).

    ``note`` is in the source language; ``note_translations`` maps other enabled languages to
    the note in them. ``renewal_override`` replaces the computed "ask visitors for consent
    again" (True or False), with ``override_reason``; None keeps the computed answer.
    """
    notes = _clean_notes(
        note, note_translations, _("Say in a few words what this version changes.")
    )
    # The policy's texts and their owners, loaded once for the gate and the content.
    contexts = text_contexts()
    content = build_content(contexts)
    previous = current_version()
    if is_published(content, previous):
        raise ServiceError(str(NOTHING_TO_PUBLISH))
    errors = checks.errors(checks.check_policy(contexts))
    if errors:
        raise GateRefusal(errors, contexts)
    with one_change(str(CONCURRENT_PUBLICATION)):
        version = _publish(
            content,
            previous=previous,
            notes=notes,
            actor=actor,
            renewal_override=renewal_override,
            override_reason=override_reason,
        )
    # Committed: this process serves it from its next request, the others within a second.
    published.expect_new_version()
    return version


# --- Rolling back -------------------------------------------------------------------------


def plan_rollback(version: PolicyVersion) -> RestorePlan:
    """What rolling back to ``version`` would do, for the confirmation; nothing changes. A
    rollback that would be refused raises ``ServiceError`` already."""
    _refuse_rollback(version, current_version())
    return plan_restore(version)


def _refuse_rollback(version: PolicyVersion, current: PolicyVersion | None) -> None:
    if current is None or version.number == current.number:
        raise ServiceError(
            _(
                "Version %(number)s is the current version: visitors read it already.",
                number=version.number,
            )
        )
    if version.content_hash == current.content_hash:
        raise ServiceError(_("Version %(number)s already has this content.", number=current.number))


def rollback_to(
    version: PolicyVersion,
    *,
    note: str,
    actor: User | None,
    note_translations: Mapping[str, str] | None = None,
    renewal_override: bool | None = None,
    override_reason: str | None = None,
) -> PolicyVersion:
    """Make the draft equal to ``version``'s content again, then publish it as a new version,
    in one transaction (``restore_plan`` says how, and what cannot come back as it was).

    Entries added since are archived, the version's entries, categories, providers, sections,
    texts and settings come back, each text as a new text version; afterwards the draft is
    what visitors read. The gate is not run: the content passed it when it was first
    published, and a rollback is the way back from a bad publication.
    """
    notes = _clean_notes(note, note_translations, _("Say why you restore this version."))
    previous = current_version()
    _refuse_rollback(version, previous)
    plan = plan_restore(version)
    # Said before it is done: restoring changes what the plan reads.
    restored = plan.summary()
    try:
        with one_change(str(CONCURRENT_PUBLICATION)):
            restore_draft(plan, actor=actor)
            content = build_content()
            if is_published(content, previous):
                raise ServiceError(str(NOTHING_TO_PUBLISH))
            republished = _publish(
                content,
                previous=previous,
                notes=notes,
                actor=actor,
                renewal_override=renewal_override,
                override_reason=override_reason,
                rolled_back_from=version,
                restored=restored,
            )
    except TextConflict as conflict:
        raise ServiceError(
            _("Someone changed a text meanwhile; nothing was restored. Reload and try again.")
        ) from conflict
    published.expect_new_version()
    return republished
