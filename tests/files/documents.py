"""Small real documents for upload tests: accepted kinds and every refused kind."""

from __future__ import annotations

import io
import zipfile

from docx import Document
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
DOCM_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"


def pdf(text_pages: int = 1) -> bytes:
    writer = PdfWriter()
    for _ in range(text_pages):
        writer.add_blank_page(width=595, height=842)
    return _written(writer)


def pdf_with_javascript() -> bytes:
    """A document-level script in the /Names tree (run when the document opens)."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    action = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert('hello');"),
        }
    )
    tree = DictionaryObject(
        {NameObject("/Names"): ArrayObject([TextStringObject("x"), writer._add_object(action)])}
    )
    writer.root_object[NameObject("/Names")] = DictionaryObject(
        {NameObject("/JavaScript"): writer._add_object(tree)}
    )
    return _written(writer)


def pdf_with_open_action_script() -> bytes:
    body = (
        b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>\nendobj\n"
        b"2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n"
        b"3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>\nendobj\n"
        b"4 0 obj\n<< /S /JavaScript /JS (app.alert\\(1\\)) >>\nendobj\n"
    )
    return _with_xref(body, objects=4)


def pdf_with_attachment() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_attachment("payload.exe", b"MZ not really a program")
    return _written(writer)


def pdf_with_launch() -> bytes:
    """An /OpenAction that launches a program, its names hex-escaped as attackers write them."""
    body = (
        b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>\nendobj\n"
        b"2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n"
        b"3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>\nendobj\n"
        b"4 0 obj\n<< /S /L#61unch /F (cmd.exe) >>\nendobj\n"
    )
    return _with_xref(body, objects=4)


def encrypted_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.encrypt("secret", algorithm="RC4-128")
    return _written(writer)


def docx(text: str = "A paper") -> bytes:
    document = Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def docx_with_macros() -> bytes:
    """A .docm: the macro-enabled main part and a vbaProject.bin."""
    source = zipfile.ZipFile(io.BytesIO(docx()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            data = source.read(member)
            if member.filename == "[Content_Types].xml":
                data = data.replace(
                    b"application/vnd.openxmlformats-officedocument.wordprocessingml.document"
                    b".main+xml",
                    DOCM_MAIN.encode(),
                )
            target.writestr(member, data)
        target.writestr("word/vbaProject.bin", b"\xd0\xcf\x11\xe0 macro storage")
    return out.getvalue()


def docx_bomb(expanded: int = 600 * 1024 * 1024) -> bytes:
    """A .docx with one part that inflates to `expanded` bytes of zeros (about 1000:1)."""
    source = zipfile.ZipFile(io.BytesIO(docx()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            target.writestr(member, source.read(member))
        with target.open("word/media/zeros.bin", "w", force_zip64=True) as part:
            block = bytes(1024 * 1024)
            for _ in range(expanded // len(block)):
                part.write(block)
    return out.getvalue()


def docx_with_broken_compression() -> bytes:
    """A .docx whose first compressed part starts with a reserved deflate block type: the
    archive's directory reads, but expanding the part fails inside zlib."""
    content = bytearray(docx())
    member = zipfile.ZipFile(io.BytesIO(content)).infolist()[0]
    assert member.compress_type == zipfile.ZIP_DEFLATED
    name_length = int.from_bytes(
        content[member.header_offset + 26 : member.header_offset + 28], "little"
    )
    extra_length = int.from_bytes(
        content[member.header_offset + 28 : member.header_offset + 30], "little"
    )
    data_start = member.header_offset + 30 + name_length + extra_length
    content[data_start] = 0b111  # BFINAL=1, BTYPE=11: "invalid block type"
    return bytes(content)


def odt(extra: dict[str, bytes] | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), ODT_MIMETYPE)
        archive.writestr(
            "content.xml",
            b'<?xml version="1.0"?><office:document-content xmlns:office='
            b'"urn:oasis:names:tc:opendocument:xmlns:office:1.0"/>',
        )
        archive.writestr("META-INF/manifest.xml", b"<manifest/>")
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return out.getvalue()


def odt_with_macros() -> bytes:
    return odt({"Basic/Standard/Module1.xml": b"<script:module/>"})


def legacy_doc() -> bytes:
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2048)


def plain_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("notes.txt", b"not an office file")
    return out.getvalue()


def _written(writer: PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _with_xref(body: bytes, objects: int) -> bytes:
    offsets, position = [], 0
    for number in range(1, objects + 1):
        position = body.index(f"{number} 0 obj".encode(), position)
        offsets.append(position)
    xref = body.__len__()
    table = b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    return (
        body
        + b"xref\n0 %d\n0000000000 65535 f \n" % (objects + 1)
        + table
        + b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (objects + 1, xref)
    )
