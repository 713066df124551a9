"""Agenda documents: one `AgendaDocument` rendered as HTML, PDF, Word or Markdown.

HTML, PDF and Markdown come from templates in templates/agendas/export/; Word is built with
python-docx (`app.agendas.word`). Everything renders inside `labels.document_locale` so the
labels follow the document's language (both, in the bilingual edition), not the reader's.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from flask import render_template
from weasyprint import CSS, HTML, Document
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from app.agendas import labels
from app.agendas.document import AgendaDocument
from app.agendas.word import render_docx

STYLESHEET = Path(__file__).resolve().parent.parent / "static" / "css" / "agenda-document.css"
# In a briefing pack the pack's stamp writes the marking and the page numbers.
IN_PACK_STYLESHEET = STYLESHEET.parent / "agenda-in-pack.css"
FORMATS = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "html": "text/html; charset=utf-8",
    "md": "text/markdown; charset=utf-8",
}
MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|&~])")
LIST_MARKER = re.compile(r"^(\d+)([.)])|^([-+])")


class NoResources(URLFetcher):
    """The PDF needs nothing but its stylesheet, which it gets directly: whatever URL the
    document names (an image, a stylesheet, file:///etc/passwd, an intranet address) is never
    fetched, so user text that ever became markup could not read files or reach servers."""

    def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
        raise ValueError(f"Agenda documents load no resources ({url[:60]})")


@dataclass(frozen=True)
class ExportedFile:
    content: bytes
    mimetype: str
    filename: str


def export(doc: AgendaDocument, fmt: str, *, stylesheet_href: str | None = None) -> ExportedFile:
    if fmt == "pdf":
        content = render_pdf(doc)
    elif fmt == "docx":
        content = render_docx(doc)
    elif fmt == "html":
        content = render_html(doc, stylesheet_href=stylesheet_href).encode()
    elif fmt == "md":
        content = render_markdown(doc).encode()
    else:
        raise ValueError(f"unknown format {fmt!r}")
    return ExportedFile(content, FORMATS[fmt], filename(doc, fmt))


def render_html(
    doc: AgendaDocument, *, stylesheet_href: str | None = None, for_pdf: bool = False
) -> str:
    with labels.document_locale(doc.language):
        return render_template(
            "agendas/export/document.html",
            doc=doc,
            labels=labels,
            _=labels.gettext,
            stylesheet_href=stylesheet_href,
            for_pdf=for_pdf,
        )


def render_pdf(doc: AgendaDocument) -> bytes:
    return bytes(render_pages(doc).write_pdf())


def render_pages(doc: AgendaDocument, *, in_pack: bool = False) -> Document:
    """The agenda laid out in pages (each page's `anchors` name the items on it, `item-<id>`);
    `in_pack` leaves the marking and the page numbers to the pack's stamp."""
    return render_weasy(
        render_html(doc, for_pdf=True),
        STYLESHEET,
        *([IN_PACK_STYLESHEET] if in_pack else []),
    )


def render_weasy(html: str, *stylesheets: Path) -> Document:
    """HTML to pages with the given stylesheets, fetching nothing the HTML names."""
    fonts = _font_config()
    page = HTML(string=html, base_url=str(STYLESHEET.parent), url_fetcher=NoResources())
    return page.render(
        stylesheets=[_stylesheet(fonts, path) for path in stylesheets], font_config=fonts
    )


def render_markdown(doc: AgendaDocument) -> str:
    with labels.document_locale(doc.language):
        text = render_template(
            "agendas/export/agenda.md", doc=doc, labels=labels, md=md_escape, _=labels.gettext
        )
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def md_escape(value: object) -> str:
    """User text as literal Markdown: punctuation escaped, line breaks folded."""
    text = MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(str(value).split()))
    # Text that may start a line must not start a list ("- x", "+ x", "1. x").
    return LIST_MARKER.sub(lambda m: f"{m[1]}\\{m[2]}" if m[1] else f"\\{m[3]}", text)


def filename(doc: AgendaDocument, fmt: str) -> str:
    """`agenda-2027-03-16-uk-eu-strategic-consultation-brussels-v2-eu-fr.pdf` (ASCII only)."""
    ascii_title = (
        unicodedata.normalize("NFKD", doc.title).encode("ascii", "ignore").decode().lower()
    )
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title).strip("-")[:60].strip("-") or "meeting"
    parts = ["agenda", f"{doc.starts:%Y-%m-%d}", slug]
    parts.append(f"v{doc.version.number}" if doc.version else "draft")
    if doc.side:
        parts.append(doc.side)
    parts.append(doc.language)
    return "-".join(parts) + f".{fmt}"


@lru_cache(maxsize=1)
def _font_config() -> FontConfiguration:
    """Fonts are looked up once per process: the costly part of a first PDF."""
    return FontConfiguration()


@lru_cache(maxsize=8)
def _stylesheet(fonts: FontConfiguration, path: Path = STYLESHEET) -> CSS:
    return CSS(filename=str(path), font_config=fonts)
