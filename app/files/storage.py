"""Content-addressed blob storage in the database, streamed in and out in chunks.

`store_stream` copies an upload to a temporary file while hashing it (so nothing larger than
one chunk is ever in memory), has the content checked (`app.files.inspection`), then inserts
the blob row and its chunks one by one unless a blob with that SHA-256 is already stored: the
same file uploaded twice is kept once. Two transactions storing the same new content at once
do not fail: the second waits on the first's row and then stores nothing (`ON CONFLICT DO
NOTHING`). `open_blob` reads the chunks back one query at a time.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from flask_babel import gettext as _
from sqlalchemy import Connection, Engine, func, insert, select
from sqlalchemy.orm import Session

from app.core.errors import ValidationError
from app.core.upsert import insert_ignoring_duplicates
from app.files import messages
from app.files.inspection import document_type
from app.files.models import CHUNK_SIZE, Blob, BlobChunk


@dataclass(frozen=True)
class StoredBlob:
    sha256: str
    size: int
    media_type: str


# Judges a spooled file by its content: the media type, or a ValidationError.
Inspector = Callable[[Path], str]


def store_stream(
    session: Session,
    stream: BinaryIO,
    *,
    max_bytes: int,
    inspect: Inspector = document_type,
) -> StoredBlob:
    """Store what `stream` holds (at most `max_bytes`), refused by `inspect` or kept once."""
    with tempfile.TemporaryDirectory(prefix="entente-upload-") as folder:
        spooled = Path(folder) / "upload"
        sha256, size = _spool(stream, spooled, max_bytes)
        media_type = inspect(spooled)
        if insert_ignoring_duplicates(session, Blob, {"sha256": sha256, "size": size}):
            _insert_chunks(session, sha256, spooled)
    return StoredBlob(sha256, size, media_type)


def open_blob(session: Session, sha256: str) -> Iterator[bytes]:
    """The blob's bytes as chunks of CHUNK_SIZE (NotFound at once for an unknown blob)."""
    return _chunks(session, sha256, _chunk_count(session, sha256))


def open_blob_detached(session: Session, sha256: str) -> Iterator[bytes]:
    """As `open_blob`, read through a connection of its own, closed when the chunks are read:
    a download streams after the request's session has gone."""
    count = _chunk_count(session, sha256)
    return _own_session_chunks(session.get_bind(), sha256, count)


def _own_session_chunks(bind: Engine | Connection, sha256: str, count: int) -> Iterator[bytes]:
    if isinstance(bind, Engine):
        with bind.connect() as connection:
            yield from _connection_chunks(connection, sha256, count)
    else:  # already a connection (the tests' one transaction): read through it
        yield from _connection_chunks(bind, sha256, count)


def _connection_chunks(connection: Connection, sha256: str, count: int) -> Iterator[bytes]:
    for seq in range(count):
        query = select(BlobChunk.data).where(BlobChunk.sha256 == sha256, BlobChunk.seq == seq)
        yield bytes(connection.execute(query).scalar_one())


def _chunk_count(session: Session, sha256: str) -> int:
    count = session.scalar(select(func.count()).where(BlobChunk.sha256 == sha256))
    if not count and session.get(Blob, sha256) is None:
        raise messages.no_file()
    return count or 0


def blob_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Blob)) or 0


def _chunks(session: Session, sha256: str, count: int) -> Iterator[bytes]:
    for seq in range(count):
        data = session.scalar(
            select(BlobChunk.data).where(BlobChunk.sha256 == sha256, BlobChunk.seq == seq)
        )
        if data is None:  # pragma: no cover - chunks are written with their blob
            raise messages.no_file()
        yield bytes(data)


def _spool(stream: BinaryIO, target: Path, max_bytes: int) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with target.open("wb") as out:
        while chunk := stream.read(CHUNK_SIZE):
            size += len(chunk)
            if size > max_bytes:
                raise ValidationError(
                    _("The file is larger than %(limit)s MB", limit=_megabytes(max_bytes)),
                    field="file",
                )
            digest.update(chunk)
            out.write(chunk)
    if size == 0:
        raise ValidationError(_("The file is empty"), field="file")
    return digest.hexdigest(), size


def _insert_chunks(session: Session, sha256: str, spooled: Path) -> None:
    with spooled.open("rb") as source:
        seq = 0
        while chunk := source.read(CHUNK_SIZE):
            session.execute(insert(BlobChunk).values(sha256=sha256, seq=seq, data=chunk))
            seq += 1


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:g}"
