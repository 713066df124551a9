"""One agenda document model: a source (draft or frozen version) seen by one side, in one
language. Every format (HTML, PDF, Word, Markdown) renders this and nothing else."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _

from app.agendas.labels import BILINGUAL, EDITIONS
from app.agendas.models import AgendaVersion, VersionStage
from app.agendas.numbering import NumberedItem, Withheld, reading_order
from app.agendas.source import AgendaSource, ItemRow, MeetingHead
from app.core.errors import ValidationError
from app.core.timezones import utc_to_local
from app.core.validation import localized

SIDES = ("uk", "eu")


@dataclass(frozen=True)
class VersionInfo:
    number: int
    stage: VersionStage
    revision: int
    circulated_at: datetime
    circulated_by: str

    @classmethod
    def of(cls, version: AgendaVersion) -> VersionInfo:
        return cls(
            version.number,
            version.stage,
            version.revision,
            version.circulated_at,
            version.circulated_by,
        )


@dataclass(frozen=True)
class AgendaDocument:
    source: AgendaSource
    rows: list[NumberedItem[ItemRow] | Withheld]  # reading order, the other side's withheld
    version: VersionInfo | None  # None: the draft
    side: str | None
    language: str  # "en", "fr" or "en-fr" (bilingual: English and French side by side)

    @property
    def head(self) -> MeetingHead:
        return self.source.head

    @property
    def lines(self) -> list[NumberedItem[ItemRow]]:
        """The items this reader gets."""
        return [row for row in self.rows if isinstance(row, NumberedItem)]

    @property
    def bilingual(self) -> bool:
        return self.language == BILINGUAL

    @property
    def title(self) -> str:
        """The meeting's title in the document's language (English in the bilingual one)."""
        return localized(self.head.title, self.head.title_fr, self.language)

    @property
    def title_fr(self) -> str:
        """The French title for the bilingual edition's French column (English if none)."""
        return self.head.title_fr or self.head.title

    def title_of(self, row: ItemRow) -> str:
        return localized(row.title, row.title_fr, self.language)

    @property
    def starts(self) -> datetime:
        return utc_to_local(self.source.head.start_utc, self.source.head.timezone)

    @property
    def ends(self) -> datetime:
        return utc_to_local(self.source.head.end_utc, self.source.head.timezone)

    @property
    def reference(self) -> str:
        """The document's own reference, e.g. `ENT AG 12/27 REV 1`."""
        base = f"ENT AG {self.source.head.meeting_id}/{self.starts:%y}"
        if self.version and self.version.stage is VersionStage.REVISION:
            return f"{base} REV {self.version.revision}"
        return base

    @property
    def times_approximate(self) -> bool:
        return any(line.item.duration_minutes is not None for line in self.lines)

    @property
    def is_draft(self) -> bool:
        return self.version is None

    @property
    def circulated_local(self) -> datetime | None:
        if self.version is None:
            return None
        return utc_to_local(self.version.circulated_at, self.source.head.timezone)


def build_document(
    source: AgendaSource,
    version: AgendaVersion | None,
    *,
    side: str | None = None,
    language: str | None = None,
) -> AgendaDocument:
    """The document a reader of `side` gets ("uk", "eu" or None for the whole agenda)."""
    if side is not None and side not in SIDES:
        raise ValidationError(_("Side must be uk or eu"), field="side")
    language = language or source.head.language
    if language not in EDITIONS:
        raise ValidationError(_("Language must be en, fr or en-fr (bilingual)"), field="lang")
    source = source.for_side(side)  # a side's edition cites only that side's papers
    start = utc_to_local(source.head.start_utc, source.head.timezone)
    rows = reading_order(source.items, start, side)
    return AgendaDocument(
        source, rows, VersionInfo.of(version) if version else None, side, language
    )
