"""PDF renditions of office papers, made ahead of any pack by the `paper-renditions` job.

A Word, OpenDocument, Excel or PowerPoint paper is converted to PDF by LibreOffice once, in
the scheduler process soon after its upload, and the PDF is kept as a blob beside the original
(`PdfRendition`). A briefing pack then reads that PDF as it reads any PDF paper: the web
worker building it starts no LibreOffice (about 210 MB and a second or more per run), and the
same paper in the other side's pack, or in the French one, is not converted again. A paper
the job has not reached yet, or could not convert, is converted while the pack is built, as
before, so a pack never waits for the job.
"""

from __future__ import annotations

import logging
import sys
import tempfile
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from app.agendas.models import PaperFile
from app.core.errors import NotFound
from app.core.upsert import insert_ignoring_duplicates
from app.files.models import PdfRendition
from app.files.storage import open_blob, store_stream
from app.packs import convert
from app.packs.builder import Converter, page_count
from app.packs.model import OFFICE_TYPES, PDF_TYPE
from app.settings import Settings

log = logging.getLogger(__name__)
BATCH = 10  # files per run, each in its own LibreOffice: a bad file costs only itself


class _NotConverting(Exception):
    """LibreOffice did not start (not installed, or not where `pack_soffice` says)."""


def make_renditions(session: Session, settings: Settings, now: datetime, holder: str) -> int:
    """Convert up to BATCH office files that have no rendition yet, newest upload first, each
    committed as it is made; the number converted."""
    converter = Converter.from_settings(settings)
    made = 0
    for sha256, media_type in pending(session):
        try:
            pdf = _render(session, sha256, media_type, converter)
        except _NotConverting:
            log.warning("LibreOffice (%s) did not start: no PDF renditions", converter.command)
            break
        except NotFound:  # deleted since: nothing to convert
            continue
        values = {"source_sha256": sha256, "pdf_sha256": pdf, "created_at": now}
        insert_ignoring_duplicates(session, PdfRendition, values)
        session.commit()
        made += pdf is not None
    return made


def pending(session: Session, limit: int = BATCH) -> Sequence[tuple[str, str]]:
    """(sha256, media type) of office files without a rendition, most recently uploaded first."""
    rows = session.execute(
        select(PaperFile.sha256, PaperFile.media_type)
        .where(PaperFile.media_type.in_(list(OFFICE_TYPES)))
        .where(~exists().where(PdfRendition.source_sha256 == PaperFile.sha256))
        .group_by(PaperFile.sha256, PaperFile.media_type)
        .order_by(func.max(PaperFile.id).desc())
        .limit(limit)
    )
    return [(sha256, media_type) for sha256, media_type in rows]


def rendition_of(session: Session, sha256: str) -> str | None:
    """The SHA-256 of the PDF made of this office file, if the job made one."""
    return session.scalar(
        select(PdfRendition.pdf_sha256).where(PdfRendition.source_sha256 == sha256)
    )


def _render(session: Session, sha256: str, media_type: str, converter: Converter) -> str | None:
    """The stored PDF's SHA-256, or None when LibreOffice ran but made no readable PDF."""
    with tempfile.TemporaryDirectory(prefix="entente-rendition-") as scratch:
        work = Path(scratch)
        source = work / f"paper.{OFFICE_TYPES[media_type]}"
        with source.open("wb") as file:
            for chunk in open_blob(session, sha256):
                file.write(chunk)
        (work / "out").mkdir()
        conversion = convert.Conversion(
            [source], work / "out", command=converter.command, timeout=converter.timeout
        )
        pdf = conversion.finish().get(source)
        if not conversion.started:
            raise _NotConverting
        if pdf is None or not page_count(pdf):
            log.warning("LibreOffice could not convert office file %s", sha256[:12])
            return None
        with pdf.open("rb") as stream:  # our own output: the upload checks are not needed
            return store_stream(session, stream, max_bytes=sys.maxsize, inspect=_a_pdf).sha256


def _a_pdf(_path: Path) -> str:
    return PDF_TYPE
