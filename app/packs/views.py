"""`/meetings/<id>/pack.pdf`: one side's briefing pack, built on request."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from typing import IO

from flask import Blueprint, Response, request
from flask.typing import ResponseReturnValue

from app.auth.models import Role
from app.auth.web import current_actor, role_required
from app.extensions import db_session
from app.packs.services import PackRequest, write_pack

bp = Blueprint("packs", __name__)
CHUNK = 256 * 1024


@bp.get("/meetings/<int:meeting_id>/pack.pdf")
@role_required(Role.VIEWER)
def pack(meeting_id: int) -> ResponseReturnValue:
    """`?side=uk|eu&version=N&lang=en|fr`: the latest circulated version by default, the
    reader's own side for a one-side delegate. The PDF is spooled to a temporary file and
    streamed from there, never held whole in memory."""
    asked = PackRequest.from_args(request.args)
    spool = tempfile.TemporaryFile(prefix="entente-pack-")  # noqa: SIM115 - _stream closes it
    try:
        built = write_pack(db_session(), current_actor(), meeting_id, asked, spool)
        size = spool.tell()
        spool.seek(0)
    except BaseException:
        spool.close()
        raise
    response = Response(_stream(spool), mimetype="application/pdf")
    response.headers["Content-Length"] = str(size)
    response.headers["Content-Disposition"] = f'inline; filename="{built.filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _stream(spool: IO[bytes]) -> Iterator[bytes]:
    """The spooled PDF in chunks; the file goes when the response is done (or dropped)."""
    try:
        while chunk := spool.read(CHUNK):
            yield chunk
    finally:
        spool.close()
