"""Blobs: a file's bytes, named by their SHA-256, kept in the database in 1 MiB chunks.

In the database rather than on a disk so that every web worker and every node sees the same
files, and a database backup holds them all (docs/operations.md).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base, UTCDateTime, utcnow

CHUNK_SIZE = 1024 * 1024


class Blob(Base):
    """One stored content; the same bytes uploaded twice are one blob."""

    __tablename__ = "blobs"
    __table_args__ = (
        CheckConstraint("size >= 0", name="size_not_negative"),
        CheckConstraint("length(sha256) = 64", name="sha256_length"),
    )

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class BlobChunk(Base):
    """The `seq`-th chunk (from 0) of a blob; every chunk but the last is CHUNK_SIZE bytes."""

    __tablename__ = "blob_chunks"
    __table_args__ = (CheckConstraint("seq >= 0", name="seq_not_negative"),)

    sha256: Mapped[str] = mapped_column(
        ForeignKey("blobs.sha256", ondelete="CASCADE"), primary_key=True
    )
    seq: Mapped[int] = mapped_column(primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class PdfRendition(Base):
    """The PDF LibreOffice made of an office file, made once by the `paper-renditions` job so
    that a briefing pack is built from PDFs alone; `pdf_sha256` is None when it could not."""

    __tablename__ = "pdf_renditions"

    source_sha256: Mapped[str] = mapped_column(
        ForeignKey("blobs.sha256", ondelete="CASCADE"), primary_key=True
    )
    pdf_sha256: Mapped[str | None] = mapped_column(ForeignKey("blobs.sha256"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
