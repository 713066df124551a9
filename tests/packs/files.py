"""Papers as real files for pack tests and the bench: Word (python-docx), OpenDocument text
(written as the zip LibreOffice reads), PDF (WeasyPrint), and readers for the pack."""

from __future__ import annotations

import io
import re
import subprocess
import tempfile
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

from docx import Document
from pypdf import PdfReader
from weasyprint import HTML

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"
PDF = "application/pdf"
LOREM = (
    "The Parties reaffirm their commitment to close cooperation on sanctions enforcement, "
    "information exchange and the coordination of positions in multilateral fora. "
)


def docx_bytes(title: str, pages: int = 1) -> bytes:
    """A Word file of about `pages` pages: a title, then paragraphs, a page break between."""
    word = Document()
    word.add_heading(title, 0)
    for page in range(pages):
        if page:
            word.add_page_break()
        word.add_heading(f"{title}: part {page + 1}", 1)
        for _ in range(4):
            word.add_paragraph(LOREM * 3)
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()


def odt_bytes(title: str, paragraphs: int = 3) -> bytes:
    """A minimal OpenDocument text: the mimetype first and stored, the content, a manifest."""
    body = "".join(f"<text:p>{escape(LOREM)}</text:p>" for _ in range(paragraphs))
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f"<office:body><office:text><text:h>{escape(title)}</text:h>{body}"
        "</office:text></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'
        ' manifest:version="1.2">'
        f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{ODT}"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as odt:
        odt.writestr(zipfile.ZipInfo("mimetype"), ODT)
        odt.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
        odt.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def pdf_bytes(title: str, pages: int = 1, *, landscape: bool = False) -> bytes:
    """A PDF paper with `title` and its page number on each page."""
    size = "A4 landscape" if landscape else "A4"
    sheets = "".join(
        f'<section style="break-after: page"><h1>{escape(title)}</h1>'
        f"<p>{escape(title)}, own page {page + 1}</p><p>{LOREM * 4}</p></section>"
        for page in range(pages)
    )
    html = f"<style>@page {{ size: {size}; margin: 15mm }}</style>{sheets}"
    return bytes(HTML(string=html).write_pdf())


BROKEN_DOCX = b"PK\x03\x04" + b"\x00\x17not really a Word file" * 20


def pages_text(pdf: bytes) -> list[str]:
    """Each page's text as poppler's `pdftotext -layout` reads it (a reader's view)."""
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "pack.pdf"
        path.write_bytes(pdf)
        text = subprocess.run(
            ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
        ).stdout
    return text.split("\f")[:-1]


def outline(pdf: bytes) -> list[tuple[int, str, int]]:
    """(depth, title, 1-based page) of every bookmark, in order."""
    reader = PdfReader(io.BytesIO(pdf))
    found: list[tuple[int, str, int]] = []

    def walk(entries: list, depth: int) -> None:
        for entry in entries:
            if isinstance(entry, list):
                walk(entry, depth + 1)
            else:
                found.append((depth, entry.title, reader.get_destination_page_number(entry) + 1))

    walk(reader.outline, 0)
    return found


def contents_pages(pages: list[str]) -> dict[str, int]:
    """The contents read back from the pages after the cover, up to the agenda: each entry's
    title (without its item number) -> the page number it gives."""
    listed: dict[str, int] = {}
    for page in pages[1:]:
        if "PROVISIONAL AGENDA" in page or "ORDRE DU JOUR" in page:
            break
        for line in page.splitlines()[1:-1]:  # not the stamp's lines
            match = re.match(r"^\s*(?:\d+(?:\.\d+)*\s+)?(\S.*?)\s{2,}(\d+)\s*$", line)
            if match:
                title = re.sub(r"\s*\((not included|on the agenda; no papers)\)$", "", match[1])
                listed[title] = int(match[2])
    return listed


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
FLAT_PRESENTATION = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
    ' xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"'
    ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
    ' xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"'
    ' office:version="1.2" office:mimetype="application/vnd.oasis.opendocument.presentation">'
    '<office:body><office:presentation><draw:page draw:name="p1">'
    '<draw:frame svg:x="2cm" svg:y="2cm" svg:width="20cm" svg:height="3cm"><draw:text-box>'
    "<text:p>{text}</text:p></draw:text-box></draw:frame></draw:page></office:presentation>"
    "</office:body></office:document>"
)


def saved_by_libreoffice(name: str, content: bytes, target: str) -> bytes:
    """`content` (a file called `name`) saved by LibreOffice as `target` (xlsx, pptx): real
    Excel and PowerPoint files without a Python library for each."""
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        (folder / name).write_bytes(content)
        subprocess.run(
            [
                "soffice",
                f"-env:UserInstallation={(folder / 'profile').as_uri()}",
                "--headless",
                "--convert-to",
                target,
                "--outdir",
                str(folder),
                str(folder / name),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
        return (folder / f"{Path(name).stem}.{target}").read_bytes()


def xlsx_bytes(rows: list[tuple[str, str]]) -> bytes:
    csv = "\n".join(",".join(row) for row in rows) + "\n"
    return saved_by_libreoffice("sheet.csv", csv.encode(), "xlsx")


def pptx_bytes(text: str) -> bytes:
    return saved_by_libreoffice(
        "deck.fodp", FLAT_PRESENTATION.format(text=escape(text)).encode(), "pptx"
    )
