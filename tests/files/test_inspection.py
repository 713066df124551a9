"""The content decides what a file is; each refused kind has its own message."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from app.core.errors import ValidationError
from app.files.inspection import DOCX, ODT, PDF, ArchiveLimits, document_type
from app.files.names import clean_filename, content_disposition
from tests.files import documents

DEFAULT_LIMITS = ArchiveLimits()
REFUSED: list[tuple[Callable[[], bytes], str]] = [
    (documents.pdf_with_javascript, "runs scripts or programs when opened"),
    (documents.pdf_with_open_action_script, r"runs scripts .* \(/JavaScript\)"),
    (documents.pdf_with_launch, r"runs scripts .* \(/Launch\)"),
    (documents.pdf_with_attachment, "carries embedded files"),
    (documents.encrypted_pdf, "encrypted"),
    (documents.docx_with_macros, "contains macros"),
    (documents.odt_with_macros, "contains macros"),
    (documents.legacy_doc, "older Office format"),
    (documents.plain_zip, "not a document Entente accepts"),
    (documents.docx_with_broken_compression, "damaged archive"),
    (lambda: b"%PDF-1.7\nnot really", "damaged"),
    # Lines after the end marker: pypdf alone took minutes over tens of megabytes of them.
    (lambda: documents.pdf() + b"trailing line\n" * 200_000, "damaged"),
    (lambda: b"MZ\x90\x00 a program", "not a document Entente accepts"),
]


def judged(tmp_path: Path, content: bytes, limits: ArchiveLimits = DEFAULT_LIMITS) -> str:
    path = tmp_path / "upload"
    path.write_bytes(content)
    return document_type(path, limits)


@pytest.mark.parametrize(
    ("make", "media_type"),
    [(documents.pdf, PDF), (documents.docx, DOCX), (documents.odt, ODT)],
)
def test_documents_are_known_by_their_content(tmp_path, make, media_type):
    assert judged(tmp_path, make()) == media_type


@pytest.mark.parametrize(("make", "message"), REFUSED, ids=lambda v: getattr(v, "__name__", ""))
def test_what_is_not_a_plain_document_is_refused(app, tmp_path, make, message):
    with pytest.raises(ValidationError, match=message):
        judged(tmp_path, make())


def test_a_few_bytes_after_the_end_marker_are_tolerated(tmp_path):
    """Writers pad with NULs or a line break after %%EOF; readers look in the last 1024."""
    assert judged(tmp_path, documents.pdf() + b"\0" * 1000) == PDF


@pytest.mark.parametrize("padding", [b"\0", b"\r\n", b" \t\x0c"])
def test_padding_after_the_end_marker_is_set_aside_however_long(tmp_path, padding):
    """Whitespace and NULs after %%EOF are padding, not damage: megabytes of them are judged
    at once, the parser never walking them line by line."""
    assert judged(tmp_path, documents.pdf() + padding * 2_000_000) == PDF


def test_a_pdf_header_then_padding_alone_is_damaged(app, tmp_path):
    with pytest.raises(ValidationError, match="damaged"):
        judged(tmp_path, b"%PDF-1.7\n" + b"\0" * 5000)


def test_a_zip_bomb_is_refused_by_what_it_declares(app, tmp_path):
    with pytest.raises(ValidationError, match="zip bomb"):
        judged(tmp_path, documents.docx_bomb(64 * 1024 * 1024), ArchiveLimits(32 * 1024 * 1024))


def test_a_zip_bomb_is_refused_by_its_ratio_while_expanding(app, tmp_path):
    bomb = documents.docx_bomb(20 * 1024 * 1024)  # ~1000:1, under the size limit
    with pytest.raises(ValidationError, match="zip bomb"):
        judged(tmp_path, bomb)
    generous = ArchiveLimits(max_ratio=10_000)
    assert judged(tmp_path, bomb, generous) == DOCX


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("../etc/passwd.pdf", "folder"),
        ("C:\\papers\\x.pdf", "folder"),
        ("paper\x00.pdf", "control or invisible"),
        ("paper\n.pdf", "control or invisible"),
        ("cod\u202eexe.pdf", "control or invisible"),
        ("", "Choose a file"),
        ("..", "at most"),
    ],
)
def test_names_with_paths_or_control_characters_are_refused(app, name, message):
    with pytest.raises(ValidationError, match=message):
        clean_filename(name, ".pdf")


def test_a_name_gets_the_extension_of_its_content(app):
    assert clean_filename("Note.PDF", ".pdf") == "Note.PDF"
    assert clean_filename("note.exe", ".pdf") == "note.exe.pdf"


def test_a_download_is_named_in_ascii_and_in_utf8():
    assert content_disposition('Séance "été" ; 2027.pdf') == (
        'attachment; filename="Seance _ete_ _ 2027.pdf"; '
        "filename*=UTF-8''S%C3%A9ance%20%22%C3%A9t%C3%A9%22%20%3B%202027.pdf"
    )
