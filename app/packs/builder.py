"""`build_pack`: one side's briefing pack as one PDF.

Cover, contents, the agenda (the agenda document's own rendering), then each paper in agenda
order: PDFs as they are, office files converted by LibreOffice in one run, and a placeholder
page for a paper without a file or whose file cannot be read or converted. Every page is then
stamped with the pack's marking and "Page X of Y" (`sheets`), and the outline gets an entry
for the agenda, each item and each paper.

Memory stays bounded by one paper at a time: files are streamed to a scratch directory, read
back page by page, and only the compressed output accumulates.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from flask_babel import force_locale
from flask_babel import gettext as _
from pypdf import PageObject, PdfReader, PdfWriter
from weasyprint import Document

from app.agendas.export import render_pages
from app.meetings.models import Marking
from app.packs import convert
from app.packs.model import OFFICE_TYPES, PDF_TYPE, PackInput, PackItem, PackPaper
from app.packs.pages import (
    ContentsLine,
    Missing,
    Placeholder,
    edition_label,
    folio,
    front_pages,
    placeholder_pages,
)
from app.packs.sheets import Sheets, Stamp, content_bytes

if TYPE_CHECKING:
    from app.settings import Settings

log = logging.getLogger(__name__)
CHUNK = 1024 * 1024
CONTENTS_LINES = 30  # about as many contents lines as fit on a page


@dataclass(frozen=True)
class Converter:
    """How LibreOffice is run (settings `pack_soffice` and `pack_convert_timeout_seconds`)."""

    command: str = "soffice"
    timeout: float = 120.0

    @classmethod
    def from_settings(cls, settings: Settings) -> Converter:
        return cls(settings.pack_soffice, float(settings.pack_convert_timeout_seconds))


@dataclass(frozen=True)
class PackResult:
    pages: int
    marking: Marking
    papers: int
    missing: tuple[str, ...]  # headings of the papers shown as placeholders


@dataclass
class _Paper:
    item: PackItem
    paper: PackPaper
    source: Path | None = None  # an office file, to convert
    pdf: Path | None = None
    pages: int = 1
    missing: Missing | None = None
    start: int = 0  # first page in the pack, once laid out


@dataclass(frozen=True)
class _Layout:
    contents: list[ContentsLine]
    agenda_start: int
    item_starts: dict[int, int]  # PackItem.id -> page
    total: int


def build_pack(pack: PackInput, out: BinaryIO, *, converter: Converter | None = None) -> PackResult:
    """Write `pack` to `out` as a PDF and say what went in."""
    with tempfile.TemporaryDirectory(prefix="entente-pack-") as scratch:
        work = Path(scratch)
        papers, conversion = _prepare(pack, work, converter or Converter())
        try:  # LibreOffice converts the office papers while the agenda is laid out
            agenda = render_pages(pack.agenda, in_pack=True)
            agenda_pdf, agenda_count = _write(agenda, work / "agenda.pdf")
            listed_on = _anchor_pages(agenda)
            del agenda
        except BaseException:
            conversion.cancel()
            raise
        _converted(papers, conversion)
        missing = [p for p in papers if p.missing is not None]
        holders_pdf = None
        if missing:
            holders = [Placeholder(p.item, p.paper, p.missing) for p in missing if p.missing]
            holders_pdf, _count = _write(placeholder_pages(pack, holders), work / "holders.pdf")
        layout, front_pdf = _front(pack, papers, agenda_count, listed_on, work, len(missing))
        _assemble(pack, papers, layout, front_pdf, agenda_pdf, holders_pdf, out)
    return PackResult(
        pages=layout.total,
        marking=pack.marking,
        papers=len(papers),
        missing=tuple(p.paper.heading for p in missing),
    )


def _prepare(
    pack: PackInput, work: Path, converter: Converter
) -> tuple[list[_Paper], convert.Conversion]:
    """Each paper's file on disk, PDFs checked; the office files' conversion started."""
    (work / "in").mkdir()
    (work / "out").mkdir()
    papers = [_Paper(item, paper) for item in pack.items for paper in item.papers]
    office: list[Path] = []
    for index, entry in enumerate(papers):
        media_type = entry.paper.media_type
        if entry.paper.open is None or media_type is None:
            entry.missing = Missing.NO_FILE
        elif media_type == PDF_TYPE or media_type in OFFICE_TYPES:
            suffix = OFFICE_TYPES.get(media_type, "pdf")
            path = _save(entry.paper, work / "in" / f"paper-{index:04d}.{suffix}")
            if path is None:
                entry.missing = Missing.UNREADABLE
            elif media_type == PDF_TYPE:
                _counted(entry, path)
            else:
                entry.source = path
                office.append(path)
        else:
            entry.missing = Missing.UNSUPPORTED
    conversion = convert.Conversion(
        office, work / "out", command=converter.command, timeout=converter.timeout
    )
    return papers, conversion


def _converted(papers: list[_Paper], conversion: convert.Conversion) -> None:
    converted = conversion.finish()
    for entry in papers:
        if entry.source is not None:
            pdf = converted.get(entry.source)
            if pdf is None:
                entry.missing = Missing.UNREADABLE
            else:
                _counted(entry, pdf)


def _counted(entry: _Paper, pdf: Path) -> None:
    count = page_count(pdf)
    if count:
        entry.pdf, entry.pages = pdf, count
    else:
        entry.missing = Missing.UNREADABLE


def _save(paper: PackPaper, path: Path) -> Path | None:
    """Stream the paper's bytes to `path`, chunk by chunk; None if they cannot be read."""
    if paper.open is None:
        return None
    try:
        with path.open("wb") as file:
            for chunk in paper.open():
                file.write(chunk)
    except Exception:  # the store failed us: say so on the placeholder, build the rest
        log.exception("Could not read the file of paper %s for a pack", paper.citation)
        return None
    return path


def page_count(pdf: Path) -> int:
    """The number of pages, after reading every page's content once (0: unreadable), so a
    damaged file becomes a placeholder here rather than a gap in the numbering later."""
    try:
        reader = PdfReader(pdf)
        if reader.is_encrypted and not reader.decrypt(""):
            return 0
        for page in reader.pages:
            content_bytes(page)
            _ = page.cropbox
        return len(reader.pages)
    except Exception:  # pypdf raises many kinds of error on a bad file
        log.warning("Unreadable PDF in a pack: %s", pdf.name, exc_info=True)
        return 0


def _write(document: Document, path: Path) -> tuple[Path, int]:
    document.write_pdf(path)
    return path, len(document.pages)


def _anchor_pages(agenda: Document) -> dict[int, int]:
    """Item id -> index of the agenda page where the item is listed."""
    found: dict[int, int] = {}
    for index, page in enumerate(agenda.pages):
        for anchor in page.anchors:
            if anchor.startswith("item-") and anchor[5:].isdigit():
                found.setdefault(int(anchor[5:]), index)
    return found


def _front(
    pack: PackInput,
    papers: list[_Paper],
    agenda_count: int,
    listed_on: dict[int, int],
    work: Path,
    missing: int,
) -> tuple[_Layout, Path]:
    """Lay out the cover and contents: the contents name pages that depend on how many pages
    the contents take, so render until that number settles (once or twice)."""
    entries = 1 + len(pack.items) + len(papers)
    front_count = 1 + -(-entries // CONTENTS_LINES)  # a guess; one render when it is right
    for _attempt in range(4):
        layout = _layout(pack, papers, front_count, agenda_count, listed_on)
        document = front_pages(pack, layout.contents, missing=missing)
        if len(document.pages) == front_count:
            break
        front_count = len(document.pages)
    path, _count = _write(document, work / "front.pdf")
    return layout, path


def _layout(
    pack: PackInput,
    papers: list[_Paper],
    front_count: int,
    agenda_count: int,
    listed_on: dict[int, int],
) -> _Layout:
    agenda_start = front_count + 1
    cursor = agenda_start + agenda_count
    for entry in papers:
        entry.start = cursor
        cursor += entry.pages
    with force_locale(pack.agenda.language):
        contents = [ContentsLine("section", _("Agenda"), agenda_start)]
    item_starts: dict[int, int] = {}
    for item, own in _by_item(pack, papers):
        start = own[0].start if own else agenda_start + listed_on.get(item.id, 0)
        item_starts[item.id] = start
        contents.append(
            ContentsLine("item", item.title, start, item.number, item.depth, has_papers=bool(own))
        )
        contents.extend(
            ContentsLine("paper", p.paper.heading, p.start, depth=item.depth, missing=p.missing)
            for p in own
        )
    return _Layout(contents, agenda_start, item_starts, cursor - 1)


def _assemble(
    pack: PackInput,
    papers: list[_Paper],
    layout: _Layout,
    front_pdf: Path,
    agenda_pdf: Path,
    holders_pdf: Path | None,
    out: BinaryIO,
) -> None:
    writer = PdfWriter()
    sheets = Sheets(writer)
    marking = pack.marking.value
    page_of = folio(pack.agenda.language)
    number = 0

    def add(pages: Iterator[PageObject], *, fit: bool, label: str = "") -> None:
        nonlocal number
        for page in pages:
            number += 1
            sheets.add(page, Stamp(marking, page_of(number, layout.total), label), fit=fit)

    add(iter(PdfReader(front_pdf).pages), fit=False)
    add(iter(PdfReader(agenda_pdf).pages), fit=False)
    holders = iter(PdfReader(holders_pdf).pages) if holders_pdf else iter(())
    with force_locale(pack.agenda.language):
        item_word = _("Item")
    for entry in papers:
        # Every page of a paper says which paper it is and under which item, top left.
        label = f"{item_word} {entry.item.number} · {entry.paper.citation}"
        if entry.pdf is not None:
            reader = PdfReader(entry.pdf)
            if reader.is_encrypted:
                reader.decrypt("")
            add(iter(reader.pages), fit=True, label=label)
        else:
            add(iter([next(holders)]), fit=False, label=label)
    assert number == layout.total, (number, layout.total)
    _outline(writer, pack, papers, layout)
    writer.page_mode = "/UseOutlines"
    writer.pdf_header = b"%PDF-1.7"  # the papers' own features (transparency...) may need it
    writer.add_metadata({"/Title": _title(pack), "/Subject": pack.marking.value})
    writer.write(out)


def _title(pack: PackInput) -> str:
    """What a PDF reader shows for the file: "Briefing pack – <meeting> – UK side edition"."""
    doc = pack.agenda
    with force_locale(doc.language):
        parts = [_("Briefing pack"), doc.head.title, edition_label(doc.side, doc.language)]
    return " – ".join(parts)


def _outline(writer: PdfWriter, pack: PackInput, papers: list[_Paper], layout: _Layout) -> None:
    """Bookmarks: cover, contents, agenda, then the items (nested as numbered), each with its
    papers under it. Entries point at 0-based page indexes."""
    with force_locale(pack.agenda.language):
        writer.add_outline_item(title=_("Cover"), page_number=0)
        writer.add_outline_item(title=_("Contents"), page_number=1)
        writer.add_outline_item(title=_("Agenda"), page_number=layout.agenda_start - 1)
    parents: list[object] = []
    for item, own in _by_item(pack, papers):
        del parents[item.depth :]
        parent = parents[-1] if parents else None
        entry = writer.add_outline_item(
            title=item.heading,
            page_number=layout.item_starts[item.id] - 1,
            parent=parent,  # type: ignore[arg-type]
            is_open=False,
        )
        parents.append(entry)
        for paper in own:
            writer.add_outline_item(
                title=paper.paper.heading, page_number=paper.start - 1, parent=entry
            )


def _by_item(pack: PackInput, papers: list[_Paper]) -> Iterator[tuple[PackItem, list[_Paper]]]:
    """Each item with its prepared papers (`papers` is in item order)."""
    remaining = iter(papers)
    for item in pack.items:
        yield item, [next(remaining) for _paper in item.papers]
