"""What may be uploaded as a paper: judged by the content, never by the name.

Accepted: PDF, Word (.docx), Excel (.xlsx), PowerPoint (.pptx) and OpenDocument text (.odt).
Refused, each with its own message: anything else (legacy .doc/.xls included), Office files
with macros (a vbaProject part, a macro-enabled content type, OpenDocument Basic or Scripts),
PDFs that act when opened (JavaScript, Launch actions) or carry embedded files, encrypted PDFs
(they cannot be checked), and archives that expand past a limit or by too high a ratio
(zip bombs). The archive is expanded here, a chunk at a time, so the check meets the real size
rather than the size the archive claims.
"""

from __future__ import annotations

import io
import warnings
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from flask_babel import gettext as _
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from app.core.errors import ValidationError

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
ODT = "application/vnd.oasis.opendocument.text"
EXTENSIONS = {PDF: ".pdf", DOCX: ".docx", XLSX: ".xlsx", PPTX: ".pptx", ODT: ".odt"}

# The main part of each OOXML kind, by its content type in [Content_Types].xml.
OOXML_MAIN = {
    b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": DOCX,
    b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": XLSX,
    b"application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": PPTX,
}
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# PDF names that run code, open other programs or carry files (keys or values).
PDF_ACTIVE = frozenset(
    {"/JavaScript", "/JS", "/Launch", "/EmbeddedFile", "/EmbeddedFiles", "/RichMedia"}
)
MAX_PDF_OBJECTS = 2_000_000
PDF_EOF, PDF_EOF_WINDOW = b"%%EOF", 1024
PDF_WHITESPACE = b"\x00\t\n\x0c\r "  # ISO 32000-1, 7.2.2: padding writers may leave
MAX_ZIP_MEMBERS = 10_000
# What reading a damaged zip raises: its structure, its compressed streams, its sizes.
ARCHIVE_DAMAGE = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    EOFError,
    NotImplementedError,
    OSError,
)
READ_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class ArchiveLimits:
    """How far an Office file may expand: in all, and as a ratio once past `ratio_from`."""

    max_expanded_bytes: int = 512 * 1024 * 1024
    max_ratio: int = 100
    ratio_from: int = 16 * 1024 * 1024


DEFAULT_LIMITS = ArchiveLimits()


def document_type(path: Path, limits: ArchiveLimits = DEFAULT_LIMITS) -> str:
    """The media type of the document at `path`, or a ValidationError saying why it is refused."""
    with path.open("rb") as handle:
        head = handle.read(8)
    if head.startswith(b"%PDF-"):
        _check_pdf(path)
        return PDF
    if head.startswith(b"PK\x03\x04") and zipfile.is_zipfile(path):
        return _archive_type(path, limits)
    if head.startswith(OLE2_MAGIC):
        raise _refused(
            _(
                "This is an older Office format (.doc, .xls or .ppt), which can carry macros:"
                " save it as .docx, .xlsx or .pptx, or as PDF, and upload that"
            )
        )
    raise _refused(_not_a_document())


def _not_a_document() -> str:
    return _(
        "This file is not a document Entente accepts: upload a PDF, Word (.docx),"
        " OpenDocument (.odt), Excel (.xlsx) or PowerPoint (.pptx) file"
    )


def _refused(message: str) -> ValidationError:
    return ValidationError(message, field="file")


# --- PDF ------------------------------------------------------------------------------------


def _check_pdf(path: Path) -> None:
    with warnings.catch_warnings(), path.open("rb") as handle:
        warnings.simplefilter("ignore")
        end = _content_end(handle)
        if not _ends_as_a_pdf(handle, end):
            raise _refused(_("This PDF is damaged and cannot be read"))
        try:
            reader = PdfReader(io.BufferedReader(_Prefix(handle, end)))
            encrypted = reader.is_encrypted
            found = None if encrypted else _active_content(reader)
        except ValidationError:
            raise
        except Exception as error:  # any parser failure: the PDF is not readable
            raise _refused(_("This PDF is damaged and cannot be read")) from error
    if encrypted:
        raise _refused(_("This PDF is encrypted, so it cannot be checked: upload it unprotected"))
    if found in {"/EmbeddedFile", "/EmbeddedFiles"}:
        raise _refused(_("This PDF carries embedded files: remove them and upload it again"))
    if found is not None:
        raise _refused(
            _("This PDF runs scripts or programs when opened (%(what)s): it is refused", what=found)
        )


def _content_end(handle: BinaryIO) -> int:
    """Where the file ends once trailing whitespace and NUL padding are set aside."""
    end = handle.seek(0, 2)
    while end > 0:
        start = max(0, end - READ_CHUNK)
        handle.seek(start)
        kept = handle.read(end - start).rstrip(PDF_WHITESPACE)
        if kept:
            return start + len(kept)
        end = start
    return 0


def _ends_as_a_pdf(handle: BinaryIO, end: int) -> bool:
    """Whether `%%EOF` is in the last 1024 bytes before the padding, where readers look for it
    (Adobe's rule, PDF 1.7 implementation note 18). Past that, pypdf would search the whole
    file backwards a line at a time: minutes for tens of megabytes of trailing lines."""
    handle.seek(max(0, end - PDF_EOF_WINDOW))
    found = PDF_EOF in handle.read(min(end, PDF_EOF_WINDOW))
    handle.seek(0)
    return found


class _Prefix(io.RawIOBase):
    """The first `end` bytes of a file, so the parser never walks the padding after them."""

    def __init__(self, handle: BinaryIO, end: int) -> None:
        super().__init__()
        self._handle, self._end, self._position = handle, end, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self._end}[whence]
        self._position = min(max(0, base + offset), self._end)
        return self._position

    def tell(self) -> int:
        return self._position

    def readinto(self, buffer: Any) -> int:
        self._handle.seek(self._position)
        data = self._handle.read(min(len(buffer), self._end - self._position))
        buffer[: len(data)] = data
        self._position += len(data)
        return len(data)


def _active_content(reader: PdfReader) -> str | None:
    """The first active name met walking every object reachable from the trailer."""
    stack: list[Any] = [reader.trailer]
    seen: set[tuple[int, int]] = set()
    visited = 0
    while stack:
        node = stack.pop()
        if isinstance(node, IndirectObject):
            key = (node.idnum, node.generation)
            if key in seen:
                continue
            seen.add(key)
            node = node.get_object()
            visited += 1
            if visited % 1000 == 0:  # keep memory bounded: streams are read again if needed
                reader.resolved_objects.clear()
            if visited > MAX_PDF_OBJECTS:
                raise _refused(_("This PDF is too complex to check"))
        if isinstance(node, DictionaryObject):
            for name, value in node.items():
                if name in PDF_ACTIVE:
                    return str(name)
                if isinstance(value, str) and value in PDF_ACTIVE and name in {"/S", "/Type"}:
                    return str(value)
                stack.append(value)
        elif isinstance(node, ArrayObject):
            stack.extend(node)
    return None


# --- Office and OpenDocument (zip) ----------------------------------------------------------


def _archive_type(path: Path, limits: ArchiveLimits) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            if len(members) > MAX_ZIP_MEMBERS:
                raise _refused(_("This archive holds too many files"))
            _check_expansion(archive, members, path.stat().st_size, limits)
            names = [member.filename for member in members]
            if "[Content_Types].xml" in names:
                return _ooxml_type(archive, names)
            if names and names[0] == "mimetype":
                return _odf_type(archive, names)
    except ARCHIVE_DAMAGE as error:
        raise _refused(_("This file is a damaged archive and cannot be read")) from error
    raise _refused(_not_a_document())


def _check_expansion(
    archive: zipfile.ZipFile, members: list[zipfile.ZipInfo], size: int, limits: ArchiveLimits
) -> None:
    """Expand every member (a chunk at a time, nothing kept) and stop past the limits."""
    expanded = 0
    for member in members:
        if expanded + member.file_size > limits.max_expanded_bytes:
            raise _too_large(limits)
        with archive.open(member) as content:
            while chunk := content.read(READ_CHUNK):
                expanded += len(chunk)
                if expanded > limits.max_expanded_bytes:
                    raise _too_large(limits)
                if expanded > limits.ratio_from and expanded > limits.max_ratio * size:
                    raise _too_large(limits)


def _too_large(limits: ArchiveLimits) -> ValidationError:
    return _refused(
        _(
            "This file expands to more than %(limit)s MB or by more than %(ratio)s times its"
            " size, as a zip bomb does: it is refused",
            limit=limits.max_expanded_bytes // 1_000_000,
            ratio=limits.max_ratio,
        )
    )


def _ooxml_type(archive: zipfile.ZipFile, names: list[str]) -> str:
    types = archive.read("[Content_Types].xml")[: 4 * READ_CHUNK]
    if any(name.lower().endswith("vbaproject.bin") for name in names) or (
        b"macroenabled" in types.lower() or b"vbaproject" in types.lower()
    ):
        raise _macros()
    found = [media for marker, media in OOXML_MAIN.items() if marker in types]
    if len(found) != 1:
        raise _refused(_not_a_document())
    return found[0]


def _odf_type(archive: zipfile.ZipFile, names: list[str]) -> str:
    if archive.read("mimetype").strip() != ODT.encode():
        raise _refused(_not_a_document())
    if any(name.lower().startswith(("basic/", "scripts/")) for name in names):
        raise _macros()
    return ODT


def _macros() -> ValidationError:
    return _refused(
        _(
            "This Office file contains macros, which Entente does not accept: save it without"
            " macros (as .docx, .xlsx, .pptx or .odt) and upload it again"
        )
    )
