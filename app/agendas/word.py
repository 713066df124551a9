"""The agenda as a Word document the secretariat edits before clearance.

Real headings (Title, Heading 1), the items in one editable table, the marking in the header
and footer of every page with "Page X of Y" fields. python-docx escapes text itself, and
characters XML cannot hold at all (control characters) are dropped first.
"""

from __future__ import annotations

import io
import re

from docx import Document
from docx.document import Document as WordDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Length, Mm, Pt
from docx.table import Table, _Row
from docx.text.paragraph import Paragraph

from app.agendas import labels
from app.agendas.document import AgendaDocument
from app.agendas.labels import gettext as _
from app.agendas.numbering import Withheld

XML_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
COLUMN_WIDTHS = (Mm(12), Mm(14), Mm(90), Mm(34), Mm(24))  # 174 mm: the A4 text width
BILINGUAL_WIDTHS = (Mm(11), Mm(16), Mm(52), Mm(52), Mm(24), Mm(19))  # 174 mm too
FACT_WIDTHS = (Mm(28), Mm(146))
PAPER_SIZE = Pt(9)


def clean(value: object) -> str:
    return XML_UNSAFE.sub("", str(value))


def render_docx(doc: AgendaDocument) -> bytes:
    with labels.document_locale(doc.language):
        word = Document()
        _page_setup(word, doc)
        _title_block(word, doc)
        _items_table(word, doc)
        if doc.times_approximate:
            note = word.add_paragraph()
            note.add_run(
                _(
                    "All times are approximate and given in local time (%(zone)s).",
                    zone=doc.starts.tzname(),
                )
            ).italic = True
        buffer = io.BytesIO()
        word.save(buffer)
        return buffer.getvalue()


def _kind(doc: AgendaDocument) -> str:
    if doc.version is None:
        return labels.stage(None)
    return labels.stage(doc.version.stage, doc.version.revision)


def _page_setup(word: WordDocument, doc: AgendaDocument) -> None:
    section = word.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(18)
    section.top_margin, section.bottom_margin = Mm(24), Mm(22)
    normal = word.styles["Normal"]
    normal.font.name = "Noto Serif"
    normal.font.size = Pt(10.5)
    marking = doc.head.marking.value
    header = section.header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    header.add_run(marking).bold = True
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run(marking).bold = True
    pages = section.footer.add_paragraph()
    pages.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    pages.add_run(f"{clean(doc.reference)} · {_('Page')} ")
    _field(pages, "PAGE")
    pages.add_run(" / " if doc.bilingual else f" {_('of')} ")
    _field(pages, "NUMPAGES")


def _title_block(word: WordDocument, doc: AgendaDocument) -> None:
    issuer = word.add_paragraph()
    issuer.add_run(_("UK–EU Security and Defence Partnership")).bold = True
    issuer.add_run("\n" + _("Joint Secretariat"))
    reference = word.add_paragraph()
    reference.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    reference.add_run(clean(doc.reference)).bold = True
    if doc.version is not None and doc.circulated_local is not None:
        reference.add_run(
            "\n"
            + _("Version %(number)s", number=doc.version.number)
            + " · "
            + labels.short_date(doc.circulated_local, doc.language)
        )
    if doc.is_draft:
        draft = word.add_paragraph()
        draft.alignment = WD_ALIGN_PARAGRAPH.CENTER
        draft.add_run(_("Draft – not for circulation").upper()).bold = True
    word.add_heading(_kind(doc), level=0)
    word.add_heading(clean(doc.title), level=1)
    if doc.bilingual:
        word.add_heading(clean(doc.title_fr), level=2)
    if doc.side:
        edition = word.add_paragraph()
        edition.add_run(labels.edition(doc.side)).italic = True
    facts = word.add_table(rows=0, cols=2)
    place = doc.head.venue
    if doc.head.host_city and doc.head.host_city not in place:
        place = f"{place}, {doc.head.host_city}" if place else doc.head.host_city
    for label, value in (
        (_("Date"), labels.long_date(doc.starts, doc.language)),
        (_("Time"), f"{doc.starts:%H:%M}–{doc.ends:%H:%M} {doc.ends.tzname()}"),
        (_("Venue"), place),
    ):
        cells = facts.add_row().cells
        cells[0].text = label
        cells[1].text = clean(value)
    _fix_widths(facts, FACT_WIDTHS)
    word.add_paragraph()


def _items_table(word: WordDocument, doc: AgendaDocument) -> None:
    """One row per item; the bilingual edition has the English and the French title side by
    side (notes and papers under the English, in the language they were written in)."""
    items = [_("Item")] if not doc.bilingual else [labels.AUTONYMS["en"], labels.AUTONYMS["fr"]]
    headings = (_("No."), _("Time"), *items, _("Purpose"), _("Lead"))
    table = word.add_table(rows=1, cols=len(headings))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, headings, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
    _repeat_header(table.rows[0])
    for line in doc.rows:
        cells = table.add_row().cells
        cells[0].text = line.number
        cells[1].text = f"{line.starts_at:%H:%M}" if line.starts_at else ""
        if isinstance(line, Withheld):
            cells[2].paragraphs[0].add_run(labels.withheld(line.visibility)).italic = True
            cells[-2].text = labels.minutes(line.minutes)
            continue
        row = line.item
        body = cells[2].paragraphs[0]
        title = body.add_run(clean(doc.title_of(row)))
        title.bold = line.depth == 0
        only = labels.visibility(row.visibility)
        if only and not doc.side:
            body.add_run(f" [{only}]").italic = True
        if row.notes:
            cells[2].add_paragraph(clean(row.notes))
        for paper in row.papers:
            _paper_line(cells[2].add_paragraph(), clean(paper.citation), clean(paper.title))
        if doc.bilingual:
            french = cells[3].paragraphs[0].add_run(clean(row.title_fr or row.title))
            french.bold = line.depth == 0
            french.italic = not row.title_fr  # no French title: the English one, marked
        purpose = labels.purpose(row.purpose)
        if line.minutes:
            purpose = f"{purpose}\n{labels.minutes(line.minutes)}".strip()
        cells[-2].text = purpose
        cells[-1].text = clean(row.lead)
    _fix_widths(table, BILINGUAL_WIDTHS if doc.bilingual else COLUMN_WIDTHS)
    for table_row in table.rows:
        _keep_row_together(table_row)


def _paper_line(paragraph: Paragraph, citation: str, title: str) -> None:
    """A paper under its item, smaller than the item: the reference in bold, then its title."""
    reference = paragraph.add_run(citation)
    reference.bold = True
    reference.font.size = PAPER_SIZE
    if title:
        paragraph.add_run(f" – {title}").font.size = PAPER_SIZE


def _fix_widths(table: Table, widths: tuple[Length, ...]) -> None:
    """Set the widths both on the grid (LibreOffice, Google Docs) and on every cell (Word)."""
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for table_row in table.rows:
        for cell, width in zip(table_row.cells, widths, strict=True):
            cell.width = width


def _keep_row_together(row: _Row) -> None:
    """An item never breaks across pages (the header row repeats on the next one)."""
    properties = row._tr.get_or_add_trPr()
    keep = OxmlElement("w:cantSplit")
    keep.set(qn("w:val"), "true")
    properties.append(keep)


def _repeat_header(row: _Row) -> None:
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _field(paragraph: Paragraph, code: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word fills in when it lays the document out."""
    run = paragraph.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    instruction = OxmlElement("w:instrText")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = code
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run._r.append(begin)
    run._r.append(instruction)
    run._r.append(end)
