"""Uploaded versions of a paper's document: upload, list, read, delete.

Each upload is a new version (1, 2, ...) that is never changed. The next number is taken under
a lock on the paper's row, after the bytes are stored, so two editors uploading the same paper
at once both keep their versions (and the lock is held only for the insert). Who may read a
file is the agenda's rule (`app.agendas.access`) plus the paper's own side: the meeting must be
readable (else 404), the item and the paper visible to the reader's side (else 404). Readers
below editor get the latest version of a paper once an agenda has been circulated; earlier
versions, and files of an agenda never circulated, are for editors.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, BinaryIO

from sqlalchemy import delete, exists, func, select
from sqlalchemy.orm import Session

from app.agendas.models import AgendaPaper, AgendaVersion, PaperFile
from app.agendas.numbering import visible_to
from app.agendas.overview import reader_side
from app.agendas.services import editable_meeting
from app.agendas.source import paper_visible
from app.audit import services as audit
from app.auth.models import Role
from app.files import messages
from app.files.inspection import EXTENSIONS, ArchiveLimits, document_type
from app.files.models import Blob, BlobChunk, PdfRendition
from app.files.names import clean_filename
from app.files.storage import store_stream
from app.meetings.access import readable_meeting
from app.settings import Settings

if TYPE_CHECKING:
    from app.auth.models import User


@dataclass(frozen=True)
class UploadLimits:
    """The size limit on an upload and how far an Office file may expand (settings)."""

    max_bytes: int
    archive: ArchiveLimits = field(default_factory=ArchiveLimits)

    @classmethod
    def of(cls, settings: Settings) -> UploadLimits:
        archive = ArchiveLimits(settings.upload_max_expanded_bytes, settings.upload_max_ratio)
        return cls(settings.upload_max_bytes, archive)


def latest_file(session: Session, paper_id: int) -> PaperFile | None:
    """The paper's newest version, or None when nothing was uploaded."""
    return session.scalar(
        select(PaperFile)
        .where(PaperFile.paper_id == paper_id)
        .order_by(PaperFile.version.desc())
        .limit(1)
    )


def file_versions(session: Session, paper_id: int) -> list[PaperFile]:
    """Every version of the paper's document, newest first."""
    query = (
        select(PaperFile).where(PaperFile.paper_id == paper_id).order_by(PaperFile.version.desc())
    )
    return list(session.scalars(query))


def upload_file(
    session: Session,
    actor: User | None,
    paper_id: int,
    stream: BinaryIO,
    filename: str | None,
    limits: UploadLimits,
) -> PaperFile:
    """Store `stream` as the paper's next version; refused content stores nothing."""
    paper = editable_paper(session, actor, paper_id)
    editable_meeting(session, paper.item.meeting_id)
    stored = store_stream(
        session,
        stream,
        max_bytes=limits.max_bytes,
        inspect=lambda path: document_type(path, limits.archive),
    )
    name = clean_filename(filename, EXTENSIONS[stored.media_type])
    _lock_paper(session, paper.id)
    version = (
        session.scalar(select(func.max(PaperFile.version)).where(PaperFile.paper_id == paper.id))
        or 0
    ) + 1
    upload = PaperFile(
        paper_id=paper.id,
        version=version,
        filename=name,
        media_type=stored.media_type,
        size=stored.size,
        sha256=stored.sha256,
        uploaded_by_id=actor.id if actor is not None else None,
    )
    session.add(upload)
    session.flush()
    audit.record(
        session,
        actor,
        "paper_file.uploaded",
        "meeting",
        paper.item.meeting_id,
        f"Version {version} of {paper.citation} uploaded ({name})",
        {"paper_id": paper.id, "version": version, "sha256": stored.sha256, "size": stored.size},
    )
    return upload


def delete_file(session: Session, actor: User | None, paper_id: int, file_id: int) -> None:
    """Delete one version; its bytes go too unless another version holds the same file."""
    paper = editable_paper(session, actor, paper_id)
    upload = _file_of(session, paper, file_id)
    audit.record(
        session,
        actor,
        "paper_file.deleted",
        "meeting",
        paper.item.meeting_id,
        f"Version {upload.version} of {paper.citation} deleted ({upload.filename})",
        {"paper_id": paper.id, "version": upload.version, "sha256": upload.sha256},
    )
    sha256 = upload.sha256
    session.delete(upload)
    session.flush()
    if not _in_use(session, sha256):
        rendition = session.get(PdfRendition, sha256)
        pdf = rendition.pdf_sha256 if rendition is not None else None
        if rendition is not None:
            session.delete(rendition)
            session.flush()
        _delete_blob(session, sha256)
        if pdf is not None and not _in_use(session, pdf):
            _delete_blob(session, pdf)


def _in_use(session: Session, sha256: str) -> bool:
    """Whether a paper version or a PDF rendition holds these bytes."""
    return bool(
        session.scalar(select(exists().where(PaperFile.sha256 == sha256)))
        or session.scalar(select(exists().where(PdfRendition.pdf_sha256 == sha256)))
    )


def _delete_blob(session: Session, sha256: str) -> None:
    session.execute(delete(BlobChunk).where(BlobChunk.sha256 == sha256))
    session.execute(delete(Blob).where(Blob.sha256 == sha256))


def editable_paper(session: Session, actor: User | None, paper_id: int) -> AgendaPaper:
    """The paper, if `actor` is an editor who may see it (404 otherwise, 403 below editor)."""
    paper = readable_paper(session, actor, paper_id)
    if actor is not None and not actor.has_role(Role.EDITOR):
        raise messages.editors_only()
    return paper


def readable_paper(session: Session, reader: User | None, paper_id: int) -> AgendaPaper:
    """The paper, if its meeting is readable and it and its item are visible to the reader's
    side; the same NotFound otherwise, so that a hidden paper's existence does not leak."""
    paper = session.get(AgendaPaper, paper_id)
    if paper is None:
        raise messages.no_paper(paper_id)
    if reader is not None:  # None: the CLI and jobs, which act for the secretariat
        readable_meeting(session, reader, paper.item.meeting_id)
    side = reader_side(session, reader, None)
    if not visible_to(paper.item, side) or not paper_visible(paper, side):
        raise messages.no_paper(paper_id)
    return paper


def readable_file(
    session: Session, reader: User | None, paper_id: int, file_id: int | None = None
) -> PaperFile:
    """A version of the paper's document `reader` may download (the latest when `file_id` is
    None): see the module docstring for who gets which."""
    paper = readable_paper(session, reader, paper_id)
    editor = reader is None or reader.has_role(Role.EDITOR)
    latest = latest_file(session, paper.id)
    upload = latest if file_id is None else _file_of(session, paper, file_id)
    if upload is None:
        raise messages.nothing_uploaded()
    if not editor and (upload is not latest or not _circulated(session, paper)):
        raise messages.no_file()
    return upload


def _circulated(session: Session, paper: AgendaPaper) -> bool:
    query = exists().where(AgendaVersion.meeting_id == paper.item.meeting_id)
    return bool(session.scalar(select(query)))


def _file_of(session: Session, paper: AgendaPaper, file_id: int) -> PaperFile:
    upload = session.get(PaperFile, file_id)
    if upload is None or upload.paper_id != paper.id:
        raise messages.no_file()
    return upload


def _lock_paper(session: Session, paper_id: int) -> None:
    """Hold the paper's row until the transaction ends (SQLite writers queue anyway)."""
    session.execute(select(AgendaPaper.id).where(AgendaPaper.id == paper_id).with_for_update())
