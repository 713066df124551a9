"""What a pack is built from: plain data, so the builder runs without a database."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from app.agendas.document import AgendaDocument
from app.meetings.models import Marking

# Lowest to highest, as declared on `Marking`: a pack carries the highest of its parts.
MARKING_RANK = {marking: rank for rank, marking in enumerate(Marking)}

OFFICE_TYPES = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
    "application/vnd.oasis.opendocument.presentation": "odp",
}
PDF_TYPE = "application/pdf"


@dataclass(frozen=True)
class PackPaper:
    """A paper under an item. `open` streams the latest file's bytes in chunks; None (and no
    media type) when no file has been uploaded, which the pack says on a placeholder page."""

    citation: str
    title: str
    marking: Marking
    media_type: str | None = None
    open: Callable[[], Iterable[bytes]] | None = None

    @property
    def heading(self) -> str:
        return f"{self.citation} – {self.title}" if self.title else self.citation


@dataclass(frozen=True)
class PackItem:
    """An agenda item as numbered for the pack's side; `id` finds its line in the agenda."""

    id: int
    number: str
    title: str
    depth: int = 0
    papers: tuple[PackPaper, ...] = ()

    @property
    def heading(self) -> str:
        return f"{self.number}. {self.title}"


@dataclass(frozen=True)
class PackInput:
    """One side's pack: the agenda as that side reads it (meeting, version, side, language)
    and its items in agenda order, each with the papers that side may see."""

    agenda: AgendaDocument
    items: tuple[PackItem, ...]

    @property
    def marking(self) -> Marking:
        return highest_marking(
            [self.agenda.head.marking, *(p.marking for i in self.items for p in i.papers)]
        )

    @property
    def papers(self) -> list[PackPaper]:
        return [paper for item in self.items for paper in item.papers]


def highest_marking(markings: Sequence[Marking]) -> Marking:
    return max(markings, key=MARKING_RANK.__getitem__)
