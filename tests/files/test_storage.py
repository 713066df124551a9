"""Blob storage: content-addressed, chunked both ways, refused content stores nothing."""

from __future__ import annotations

import hashlib
import io
import os
import tracemalloc
import zipfile

import pytest
from sqlalchemy import func, select

from app.core.errors import NotFound, ValidationError
from app.files.inspection import DOCX
from app.files.models import CHUNK_SIZE, BlobChunk
from app.files.storage import blob_count, open_blob, store_stream
from tests.files import documents


def anything(_path: object) -> str:
    return "application/octet-stream"


def test_a_file_is_stored_in_chunks_and_read_back_whole(session):
    content = os.urandom(2 * CHUNK_SIZE + 123)
    stored = store_stream(session, io.BytesIO(content), max_bytes=10 * CHUNK_SIZE, inspect=anything)
    assert stored.sha256 == hashlib.sha256(content).hexdigest()
    assert stored.size == len(content)
    chunks = list(open_blob(session, stored.sha256))
    assert [len(chunk) for chunk in chunks] == [CHUNK_SIZE, CHUNK_SIZE, 123]
    assert b"".join(chunks) == content


def test_the_same_content_twice_is_stored_once(session):
    content = documents.docx("Twice")
    before = blob_count(session)
    first = store_stream(session, io.BytesIO(content), max_bytes=CHUNK_SIZE)
    second = store_stream(session, io.BytesIO(content), max_bytes=CHUNK_SIZE)
    assert first == second
    assert first.media_type == DOCX
    assert blob_count(session) == before + 1
    count = select(func.count()).where(BlobChunk.sha256 == first.sha256)
    assert session.scalar(count) == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty"),
        (os.urandom(3000), "The file is larger than 0.002 MB"),
        (b"plain text, not a document", "not a document Entente accepts"),
    ],
)
def test_refused_content_stores_nothing(session, content, message):
    before = blob_count(session)
    with pytest.raises(ValidationError, match=message) as refused:
        store_stream(session, io.BytesIO(content), max_bytes=2000)
    assert refused.value.field == "file"
    assert blob_count(session) == before


def test_an_unknown_blob_is_not_found_at_once(session):
    with pytest.raises(NotFound):
        open_blob(session, "0" * 64)


def test_a_50_mb_document_is_stored_and_read_with_bounded_memory(session, tmp_path):
    """Copied, checked, stored and read back a chunk at a time: the peak stays far below the
    file's size (tracemalloc sees every Python allocation, the database driver's included)."""
    path = tmp_path / "big.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", _docx_types())
        with archive.open("word/media/image1.bin", "w", force_zip64=True) as part:
            for _ in range(50):
                part.write(os.urandom(CHUNK_SIZE))
    tracemalloc.start()
    try:
        with path.open("rb") as stream:
            stored = store_stream(session, stream, max_bytes=60 * CHUNK_SIZE)
        digest = hashlib.sha256()
        for chunk in open_blob(session, stored.sha256):
            digest.update(chunk)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert stored.size == path.stat().st_size > 50 * CHUNK_SIZE
    assert digest.hexdigest() == stored.sha256
    assert peak < 12 * CHUNK_SIZE, f"peak {peak / CHUNK_SIZE:.1f} MiB"


def _docx_types() -> bytes:
    zipped = zipfile.ZipFile(io.BytesIO(documents.docx()))
    return zipped.read("[Content_Types].xml")
