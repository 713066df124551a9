"""A stored file as an HTTP download: streamed from its chunks, never rendered by the browser."""

from __future__ import annotations

from flask import Response
from sqlalchemy.orm import Session

from app.files.names import content_disposition
from app.files.storage import open_blob_detached


def file_response(
    session: Session, *, sha256: str, filename: str, media_type: str, size: int
) -> Response:
    """`attachment` with a safe name, nosniff, no caching: one chunk in memory at a time."""
    response = Response(open_blob_detached(session, sha256), mimetype=media_type)
    response.headers["Content-Length"] = str(size)
    response.headers["Content-Disposition"] = content_disposition(filename)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["ETag"] = f'"{sha256}"'
    return response
