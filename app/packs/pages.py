"""The pack's own pages, laid out by WeasyPrint: the cover and contents, and the placeholder
page of each paper that could not be included (templates/packs/)."""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from weasyprint import Document

from app.agendas import labels
from app.agendas.export import STYLESHEET, render_weasy
from app.packs.model import PackInput, PackItem, PackPaper

PACK_STYLESHEET = STYLESHEET.parent / "pack-document.css"


class Missing(enum.StrEnum):
    """Why a paper's own pages are not in the pack."""

    NO_FILE = "no_file"
    UNSUPPORTED = "unsupported"
    UNREADABLE = "unreadable"

    def explain(self) -> str:
        return {
            Missing.NO_FILE: _("No file has been uploaded for this paper yet."),
            Missing.UNSUPPORTED: _(
                "This paper's file is of a kind the pack cannot include (only PDF, Word, "
                "OpenDocument, Excel and PowerPoint files are)."
            ),
            Missing.UNREADABLE: _(
                "This paper's file could not be converted to PDF: it may be damaged."
            ),
        }[self]


@dataclass(frozen=True)
class ContentsLine:
    kind: str  # "section", "item" or "paper"
    title: str
    page: int
    number: str = ""
    depth: int = 0
    missing: Missing | None = None
    has_papers: bool = False


@dataclass(frozen=True)
class Placeholder:
    item: PackItem
    paper: PackPaper
    missing: Missing


def front_pages(pack: PackInput, contents: list[ContentsLine], *, missing: int) -> Document:
    """The cover (one page) and the contents (as many pages as it takes)."""
    return _render(
        "packs/front.html",
        pack,
        contents=contents,
        edition=edition_label(pack.agenda.side, pack.agenda.language),
        stage=stage_label(pack),
        marking=pack.marking.value,
        paper_count=len(pack.papers),
        missing_count=missing,
        has_papers=bool(pack.papers),
    )


def placeholder_pages(pack: PackInput, placeholders: list[Placeholder]) -> Document:
    """One page per paper that is missing from the pack, saying so and why."""
    return _render("packs/placeholders.html", pack, placeholders=placeholders)


def _render(template: str, pack: PackInput, **context: object) -> Document:
    doc = pack.agenda
    with force_locale(doc.language):
        html = render_template(
            template, pack=pack, doc=doc, head=doc.head, labels=labels, **context
        )
    return render_weasy(html, PACK_STYLESHEET)


def folio(language: str) -> Callable[[int, int], str]:
    """(3, 41) -> "Page 3 of 41" ("Page 3 sur 41"), worded as the agenda's page numbers."""
    with force_locale(language):
        page_word, of_word = _("Page"), _("of")
    return lambda page, pages: f"{page_word} {page} {of_word} {pages}"


def stage_label(pack: PackInput) -> str:
    """`Provisional agenda, version 2` (or `Draft agenda`), in the pack's language."""
    doc = pack.agenda
    with force_locale(doc.language):
        if doc.version is None:
            return labels.stage(None)
        kind = labels.stage(doc.version.stage, doc.version.revision)
        return _("%(kind)s, version %(number)s", kind=kind, number=doc.version.number)


def edition_label(side: str | None, language: str) -> str:
    with force_locale(language):
        return labels.edition(side) or _("Secretariat edition (both sides)")
