"""A pack's input from the database: the agenda version a reader may read, as their side
reads it, with each listed paper's marking and latest file, for the route and the CLI."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.agendas.document import AgendaDocument
from app.agendas.models import AgendaItem, AgendaPaper
from app.agendas.numbering import NumberedItem, Withheld
from app.agendas.overview import document_for, reader_side
from app.agendas.paper_files import latest_file
from app.agendas.source import ItemRow, PaperRow, paper_visible
from app.files.storage import open_blob
from app.meetings.access import readable_meeting
from app.packs.model import OFFICE_TYPES, PDF_TYPE, PackInput, PackItem, PackPaper
from app.packs.renditions import rendition_of

if TYPE_CHECKING:
    from app.auth.models import User


def pack_for(
    session: Session,
    reader: User | None,
    meeting_id: int,
    *,
    side: str | None = None,
    version: int | None = None,
    language: str | None = None,
) -> PackInput:
    """The pack of version `version` (default: the latest circulated) for `side`.

    The same rules as the agenda's editions: 404 when the meeting is not readable or has no
    such version, a one-side delegate gets their own side only (403 for the other), and a
    paper is in a side's pack only when its item and the paper itself are for that side.
    A paper listed in the version but since removed from the agenda appears without a file
    (its citation is in that side's agenda already)."""
    readable_meeting(session, reader, meeting_id)
    side = reader_side(session, reader, side)
    doc = document_for(session, reader, meeting_id, version=version, side=side, language=language)
    live = _live_papers(session, meeting_id)
    items: list[PackItem] = []
    rows: list[NumberedItem[ItemRow] | Withheld] = []
    for line in doc.rows:
        if isinstance(line, Withheld):  # the other side's item: its place only, no papers
            rows.append(line)
            continue
        shown = [
            (row, paper)
            for row in line.item.papers
            if (paper := _paper(session, doc, line.item, row, live, side)) is not None
        ]
        papers = tuple(paper for _row, paper in shown)
        items.append(PackItem(line.item.id, line.number, line.item.title, line.depth, papers))
        # The pack's agenda cites only the papers in the pack.
        cited = tuple(row for row, _paper in shown)
        rows.append(replace(line, item=replace(line.item, papers=cited)))
    return PackInput(replace(doc, rows=rows), tuple(items))


def pack_filename(pack: PackInput) -> str:
    """`pack-2027-03-16-uk-eu-strategic-consultation-brussels-v2-uk-en.pdf` (ASCII only)."""
    doc = pack.agenda
    letters = unicodedata.normalize("NFKD", doc.head.title.lower())
    title = "".join(char for char in letters if not unicodedata.combining(char))
    slug = re.sub(r"[^a-z0-9]+", "-", title).strip("-")[:60].strip("-") or "meeting"
    parts = ["pack", f"{doc.starts:%Y-%m-%d}", slug]
    parts.append(f"v{doc.version.number}" if doc.version else "draft")
    parts.extend([doc.side or "all", doc.language])
    return "-".join(parts) + ".pdf"


def _live_papers(session: Session, meeting_id: int) -> dict[tuple[int, str, int], AgendaPaper]:
    papers: Iterable[AgendaPaper] = session.scalars(
        select(AgendaPaper)
        .join(AgendaItem, AgendaPaper.item_id == AgendaItem.id)
        .where(AgendaItem.meeting_id == meeting_id)
    )
    return {(p.item_id, p.reference, p.revision): p for p in papers}


def _paper(
    session: Session,
    doc: AgendaDocument,
    item: ItemRow,
    row: PaperRow,
    live: dict[tuple[int, str, int], AgendaPaper],
    side: str | None,
) -> PackPaper | None:
    paper = live.get((item.id, row.reference, row.revision))
    if paper is None:
        return PackPaper(row.citation, row.title, doc.head.marking)
    if not paper_visible(paper, side):
        return None
    upload = latest_file(session, paper.id)
    if upload is None:
        return PackPaper(row.citation, row.title, paper.marking)
    media_type, sha256 = upload.media_type, upload.sha256
    if media_type in OFFICE_TYPES and (pdf := rendition_of(session, sha256)) is not None:
        media_type, sha256 = PDF_TYPE, pdf  # converted ahead by the job: no LibreOffice now
    return PackPaper(
        row.citation,
        row.title,
        paper.marking,
        media_type=media_type,
        open=lambda: open_blob(session, sha256),
    )
