"""Documents read back: PDF (pypdf) and Word (python-docx), plus HTML and Markdown."""

from __future__ import annotations

import io
import re
from datetime import datetime

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm
from pypdf import PdfReader

from app.agendas import papers, versions
from app.agendas.document import build_document
from app.agendas.export import export, render_html, render_markdown, render_pdf
from app.agendas.word import render_docx
from app.core.errors import ValidationError
from tests.agendas.conftest import docx_text, pdf_pages

HOSTILE = "<script>alert('x')</script> & \"quoted\" <b>bold</b>"
SCRIPTS = "Москва – Αθήνα – 北京外交部"
LONG_WORD = "Donaudampfschifffahrtsgesellschaftskapitän" * 4


def draft(session, meeting, **kwargs):
    return build_document(versions.draft_source(session, meeting.id), None, **kwargs)


def test_pdf_has_items_numbers_times_papers_and_the_marking(session, agenda_meeting):
    version = versions.circulate(session, None, agenda_meeting.id)
    doc = build_document(versions.version_source(version), version)
    pages = pdf_pages(render_pdf(doc))
    text = "\n".join(pages)
    for expected in (
        "PROVISIONAL AGENDA",
        "UK–EU strategic consultation (Brussels)",
        "Tuesday, 16 March 2027",
        "10:00–16:30 CET",
        "EEAS Headquarters, Brussels",
        f"ENT AG {agenda_meeting.id}/27",
        "ENT 12/26 REV 1 (OR. en)",
        "For discussion",
        "All times are approximate",
    ):
        assert expected in text, expected
    rows = [
        ("1", "10:00", "Opening remarks"),
        ("2", "10:10", "Russia's war against Ukraine"),
        ("2.1", "10:10", "Sanctions enforcement"),
        ("2.2", "10:40", "EU internal coordination"),
        ("3", "11:00", "UK line to take on CSDP"),
        ("4", "11:15", "Any other business"),
    ]
    for number, time, title in rows:
        assert re.search(rf"^{re.escape(number)}\s+{time}\s+{re.escape(title)}", text, re.M), title
    for page in pages:
        assert page.count("OFFICIAL-SENSITIVE") == 2  # top and bottom of every page
    assert "Page 1 of 1" in pages[0]


def test_marking_and_page_numbers_on_every_page_of_a_long_agenda(make, session):
    meeting = make.meeting(
        marking="LIMITE", start=datetime(2027, 3, 16, 9), end=datetime(2027, 3, 16, 18)
    )
    for n in range(1, 41):
        make.item(meeting, f"Agenda point number {n} on a topic of interest", duration_minutes=5)
    pages = pdf_pages(render_pdf(draft(session, meeting)))
    assert len(pages) >= 2
    for index, page in enumerate(pages, start=1):
        assert page.count("LIMITE") == 2, index
        assert f"Page {index} of {len(pages)}" in page
    text = "\n".join(pages)
    assert "Agenda point number 40" in text
    assert re.search(r"^40\s+12:15\s+Agenda point number 40", text, re.M)
    assert "DRAFT AGENDA" in text
    assert "Draft – not for circulation".upper() in text


def test_a_side_never_gets_the_other_sides_items(session, agenda_meeting):
    eu = draft(session, agenda_meeting, side="eu")
    uk = draft(session, agenda_meeting, side="uk")
    eu_pdf = "\n".join(pdf_pages(render_pdf(eu)))
    eu_word = docx_text(render_docx(eu))
    eu_cells = " ".join(" ".join(row) for row in eu_word["tables"][1])
    for rendered in (eu_pdf, eu_cells, render_html(eu), render_markdown(eu)):
        assert "UK line to take" not in rendered
        assert "EU internal coordination" in rendered
    assert "EU side edition" in eu_pdf
    # The joint numbers and times, the UK item's place said, not its title (issue 17)
    assert re.search(r"^3\s+11:00\s+UK side only – not in this edition", eu_pdf, re.M)
    assert re.search(r"^4\s+11:15\s+Any other business", eu_pdf, re.M)
    withheld = ["3", "11:00", "UK side only – not in this edition", "15 min", ""]
    assert withheld in eu_word["tables"][1]
    uk_md = render_markdown(uk)
    assert "EU internal coordination" not in uk_md
    assert "2.2. *EU side only – not in this edition*" in uk_md
    assert "UK line to take on CSDP" in uk_md
    full = render_markdown(draft(session, agenda_meeting))
    assert "UK only" in full
    assert "EU only" in full


def test_word_has_real_headings_an_editable_table_and_the_marking(session, agenda_meeting):
    version = versions.circulate(session, None, agenda_meeting.id, final=True)
    word = docx_text(render_docx(build_document(versions.version_source(version), version)))
    assert ("Title", "Final agenda") in word["headings"]
    assert ("Heading 1", "UK–EU strategic consultation (Brussels)") in word["headings"]
    assert word["header"] == "OFFICIAL-SENSITIVE"
    assert word["footer"].startswith("OFFICIAL-SENSITIVE")
    assert "NUMPAGES" in word["footer_xml"]
    assert "PAGE" in word["footer_xml"]
    items = word["tables"][1]
    assert items[0] == ["No.", "Time", "Item", "Purpose", "Lead"]
    assert items[3][:2] == ["2.1", "10:10"]
    assert items[3][2].startswith("Sanctions enforcement")
    assert "ENT 12/26 REV 1 (OR. en)" in items[3][2]
    assert [row[0] for row in items[1:]] == ["1", "2", "2.1", "2.2", "3", "4"]
    assert items[2][3] == "For discussion\n50 min"  # a parent: its sub-items' time, shown


def test_word_table_fits_the_page_and_keeps_each_item_on_one_page(session, agenda_meeting):
    version = versions.circulate(session, None, agenda_meeting.id)
    word = Document(
        io.BytesIO(render_docx(build_document(versions.version_source(version), version)))
    )
    section = word.sections[0]
    text_width = section.page_width - section.left_margin - section.right_margin
    items = word.tables[1]
    grid = [column.width for column in items.columns]
    assert abs(sum(grid) - text_width) < Mm(1)
    assert grid[2] == max(grid)  # the item column is the widest
    assert all(cell.width == grid[n] for row in items.rows for n, cell in enumerate(row.cells))
    assert all(row._tr.trPr.find(qn("w:cantSplit")) is not None for row in items.rows)


def test_french_labels_follow_the_requested_language(session, agenda_meeting):
    doc = draft(session, agenda_meeting, language="fr")
    html = render_html(doc)
    assert 'lang="fr"' in html
    assert "Projet d&#39;ordre du jour" in html or "Projet d'ordre du jour" in html
    assert "mardi 16 mars 2027" in html
    assert "Pour discussion" in html
    word = docx_text(render_docx(doc))
    assert word["tables"][1][0] == ["N°", "Heure", "Point", "Objet", "Intervenant"]
    pdf = "\n".join(pdf_pages(render_pdf(doc)))
    assert "Page 1 sur 1" in pdf
    assert "Tous les horaires sont indicatifs" in pdf
    assert export(doc, "pdf").filename.endswith("-draft-fr.pdf")
    with pytest.raises(ValidationError, match="en, fr or en-fr"):
        draft(session, agenda_meeting, language="de")
    with pytest.raises(ValidationError, match="uk or eu"):
        draft(session, agenda_meeting, side="us")


def test_hostile_text_is_rendered_as_text(make, session):
    meeting = make.meeting(title=f"Talks {HOSTILE}", venue="Château & <Palais>")
    item = make.item(meeting, HOSTILE, lead_text=SCRIPTS, notes="Line one\n# not a heading [x](y)")
    make.item(meeting, SCRIPTS, duration_minutes=20, notes="1. not a list")
    make.item(meeting, "Bullets", notes="- not a list either")
    make.item(meeting, LONG_WORD, duration_minutes=20)
    papers.add_paper(session, None, item.id, "ENT <1>/26 & co", title='"Paper" <i>')
    doc = draft(session, meeting)

    html = render_html(doc)
    assert "<script>" not in html
    assert "<b>bold" not in html
    assert "<i>" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &#34;quoted&#34;" in html

    pdf = render_pdf(doc)
    text = "\n".join(pdf_pages(pdf))
    flat = re.sub(r"\s+", "", text)
    assert re.sub(r"\s+", "", HOSTILE) in flat
    for word in ("Москва", "Αθήνα", "北京外交部"):
        assert word in text
    assert LONG_WORD in flat  # wrapped, but all there
    assert "ENT <1>/26 & co (OR. en)" in text
    _assert_text_stays_on_the_page(pdf)

    word = docx_text(render_docx(doc))
    cells = [row[2] for row in word["tables"][1][1:]]
    assert cells[0].startswith(HOSTILE)
    assert cells[1] == f"{SCRIPTS}\n1. not a list"
    assert cells[3] == LONG_WORD

    markdown = render_markdown(doc)
    assert "\\<script\\>alert" in markdown
    assert "\\&" in markdown
    assert "Line one \\# not a heading \\[x\\](y)" in markdown
    assert "\n1\\. not a list\n" in markdown
    assert "\n\\- not a list either\n" in markdown
    assert "\n# not a heading" not in markdown
    assert SCRIPTS in markdown


def test_the_pdf_fetches_no_file_or_url_its_markup_names(make, session, monkeypatch, tmp_path):
    """Defence in depth: should user text ever become markup, WeasyPrint still loads nothing
    (no file:// reads, no requests to intranet addresses)."""
    secret = tmp_path / "secret.css"
    secret.write_text('body::before { content: "LEAKED-FROM-DISK"; }')
    markup = (
        f'<html><head><link rel="stylesheet" href="{secret.as_uri()}"></head>'
        f'<body><p>Agenda</p><img src="{secret.as_uri()}"></body></html>'
    )
    monkeypatch.setattr("app.agendas.export.render_html", lambda *_args, **_kwargs: markup)
    text = "\n".join(pdf_pages(render_pdf(draft(session, make.meeting()))))
    assert "Agenda" in text
    assert "LEAKED-FROM-DISK" not in text


def _assert_text_stays_on_the_page(pdf: bytes) -> None:
    for page in PdfReader(io.BytesIO(pdf)).pages:
        width = float(page.mediabox.width)
        positions: list[float] = []

        def visit(text, cm, tm, font_dict, font_size, positions=positions):
            if text.strip():
                positions.append(tm[4] * cm[0] + cm[4])

        page.extract_text(visitor_text=visit)
        assert positions
        assert all(0 <= x < width - 30 for x in positions), max(positions)
