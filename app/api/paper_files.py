"""A paper's document under /api/v1: upload a version (multipart), list versions, download,
delete (editors).

Uploads stream to a temporary file (Werkzeug spools any file past 500 kB to disk) and into
the database a chunk at a time; the request may be `upload_max_bytes` (settings) rather than
the usual body limit. Downloads are `attachment`s, streamed, with `nosniff`. Readers below
editor download the latest version of a paper they may see once the agenda has been
circulated; the meeting's and the sides' rules are the agenda's (app.agendas.paper_files).
"""

from __future__ import annotations

from typing import Any

from apiflask import Schema
from apiflask.fields import DateTime, File, Integer, List, Nested, String
from apiflask.schemas import FileSchema
from flask import Response

from app.agendas import paper_files
from app.agendas.models import AgendaPaper, PaperFile
from app.api.auth import current_api_user, requires
from app.api.common import api_blueprint, no_content
from app.auth.models import Role
from app.extensions import db, db_session
from app.files import messages
from app.files.web import file_response
from app.settings import current_settings
from app.web.security import accepts_uploads

bp = api_blueprint("api_paper_files", __name__, "/agenda-items", "Agendas")
blueprints = (bp,)
FILES = "/<int:item_id>/papers/<int:paper_id>/files"
BINARY = "application/octet-stream"
DOWNLOADED = "The document, as an attachment (Content-Disposition) with its media type"


class PaperFileOut(Schema):
    id = Integer(required=True)
    paper_id = Integer(required=True)
    version = Integer(required=True)
    filename = String(required=True)
    media_type = String(required=True, metadata={"example": "application/pdf"})
    size = Integer(required=True, metadata={"description": "Bytes"})
    sha256 = String(required=True)
    uploaded_by_id = Integer(allow_none=True, required=True)
    uploaded_at = DateTime(required=True)


class ListedFileOut(PaperFileOut):
    """A version nested in a list (a subclass: the spec meets PaperFileOut on its own too)."""


class PaperFilesOut(Schema):
    paper_id = Integer(required=True)
    files = List(Nested(ListedFileOut), required=True, metadata={"description": "Newest first"})


class UploadIn(Schema):
    file = File(
        required=True,
        metadata={
            "description": "PDF, .docx, .odt, .xlsx or .pptx, judged by content; macros,"
            " scripts, embedded files and zip bombs are refused (422)"
        },
    )


@bp.get(FILES)
@requires(bp, Role.EDITOR)
@bp.output(PaperFilesOut)
def list_files(item_id: int, paper_id: int) -> Any:
    """Every uploaded version of the paper's document, newest first."""
    paper = _paper(item_id, paper_id)
    return {"paper_id": paper.id, "files": paper_files.file_versions(db_session(), paper.id)}


@bp.post(FILES)
@accepts_uploads
@requires(bp, Role.EDITOR)
@bp.input(UploadIn, location="files")
@bp.output(PaperFileOut, status_code=201)
def upload_file(item_id: int, paper_id: int, files_data: dict[str, Any]) -> Any:
    """Upload the next version of the paper's document (multipart/form-data, field `file`);
    a refused file stores nothing and gets 422 with the reason."""
    paper = _paper(item_id, paper_id)
    upload = files_data["file"]
    saved = paper_files.upload_file(
        db_session(),
        current_api_user(),
        paper.id,
        upload.stream,
        upload.filename,
        paper_files.UploadLimits.of(current_settings()),
    )
    db.session.commit()
    return saved


@bp.get(f"{FILES}/latest")
@requires(bp, Role.VIEWER)
@bp.output(FileSchema(), content_type=BINARY, description=DOWNLOADED)
def download_latest(item_id: int, paper_id: int) -> Response:
    """The latest version of the paper's document."""
    return _download(item_id, paper_id, None)


@bp.get(f"{FILES}/<int:file_id>")
@requires(bp, Role.VIEWER)
@bp.output(FileSchema(), content_type=BINARY, description=DOWNLOADED)
def download_version(item_id: int, paper_id: int, file_id: int) -> Response:
    """One version of the paper's document (earlier versions: editors only)."""
    return _download(item_id, paper_id, file_id)


@bp.delete(f"{FILES}/<int:file_id>")
@requires(bp, Role.EDITOR)
@bp.output({}, status_code=204)
def delete_file(item_id: int, paper_id: int, file_id: int) -> Any:
    """Delete one version; the stored bytes go too unless another version holds them."""
    paper = _paper(item_id, paper_id)
    paper_files.delete_file(db_session(), current_api_user(), paper.id, file_id)
    db.session.commit()
    return no_content()


def _paper(item_id: int, paper_id: int) -> AgendaPaper:
    paper = paper_files.readable_paper(db_session(), current_api_user(), paper_id)
    if paper.item_id != item_id:
        raise messages.no_paper(paper_id)
    return paper


def _download(item_id: int, paper_id: int, file_id: int | None) -> Response:
    paper = _paper(item_id, paper_id)
    upload: PaperFile = paper_files.readable_file(
        db_session(), current_api_user(), paper.id, file_id
    )
    return file_response(
        db_session(),
        sha256=upload.sha256,
        filename=upload.filename,
        media_type=upload.media_type,
        size=upload.size,
    )
