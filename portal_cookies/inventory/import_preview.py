"""What an import would do, item by item, as the preview page and the command line show it."""

import enum
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l


class ImportStatus(enum.StrEnum):
    NEW = "new"
    CHANGED = "changed"
    UNCHANGED = "unchanged"
    INVALID = "invalid"

    @property
    def label(self) -> str:
        return str(STATUS_LABELS[self])


STATUS_LABELS = {
    ImportStatus.NEW: _l("new"),
    ImportStatus.CHANGED: _l("changed"),
    ImportStatus.UNCHANGED: _l("unchanged"),
    ImportStatus.INVALID: _l("invalid"),
}


class ItemKind(enum.StrEnum):
    ENTRY = "entry"
    PROVIDER = "provider"
    CATEGORY = "category"

    @property
    def label(self) -> str:
        return str(KIND_LABELS[self])


KIND_LABELS = {
    ItemKind.ENTRY: _l("Cookie entry"),
    ItemKind.PROVIDER: _l("Provider"),
    ItemKind.CATEGORY: _l("Category"),
}


@dataclass(frozen=True)
class FieldChange:
    field: str
    before: str
    after: str


@dataclass
class PreviewItem:
    """What an import would do to one entry, provider or category of the file."""

    kind: ItemKind
    label: str
    # Where the file says it ("row 3"): a provider or a category may be on several rows.
    places: list[str]
    status: ImportStatus = ImportStatus.UNCHANGED
    changes: list[FieldChange] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    # The first row (CSV, the header being row 1) or item (JSON, from 1) that says it.
    number: int = 0


@dataclass(frozen=True)
class ImportPreview:
    format: str
    items: list[PreviewItem]

    @property
    def counts(self) -> dict[ImportStatus, int]:
        counts = dict.fromkeys(ImportStatus, 0)
        for item in self.items:
            counts[item.status] += 1
        return counts

    @property
    def invalid(self) -> list[PreviewItem]:
        return [item for item in self.items if item.status == ImportStatus.INVALID]

    @property
    def changes_anything(self) -> bool:
        return any(item.status in (ImportStatus.NEW, ImportStatus.CHANGED) for item in self.items)
