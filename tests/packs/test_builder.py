"""The pack builder on plain inputs (no database): pages, contents, outline, stamps,
placeholders. Files are real (python-docx, OpenDocument, WeasyPrint PDFs) and LibreOffice
converts them; the pack is read back with pypdf and poppler's pdftotext."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

import pytest
from pypdf import PdfReader

from app.agendas.document import build_document
from app.agendas.models import AgendaVersion, ItemVisibility, Purpose, VersionStage
from app.agendas.source import AgendaSource, ItemRow, MeetingHead
from app.meetings.models import Marking
from app.packs.builder import Converter, build_pack
from app.packs.model import PackInput, PackItem, PackPaper
from tests.packs.files import (
    BROKEN_DOCX,
    DOCX,
    ODT,
    PDF,
    PPTX,
    XLSX,
    contents_pages,
    docx_bytes,
    odt_bytes,
    outline,
    pages_text,
    pdf_bytes,
    pptx_bytes,
    xlsx_bytes,
)

HEAD = MeetingHead(
    meeting_id=7,
    title="UK–EU strategic consultation (Brussels)",
    start_utc=datetime(2027, 3, 16, 9, 0, tzinfo=UTC),
    end_utc=datetime(2027, 3, 16, 15, 30, tzinfo=UTC),
    timezone="Europe/Brussels",
    venue="EEAS Headquarters",
    host_city="Brussels",
    marking=Marking.OFFICIAL,
    language="en",
)


def row(item_id: int, title: str, position: int, parent: int | None = None) -> ItemRow:
    return ItemRow(
        id=item_id,
        parent_id=parent,
        position=position,
        title=title,
        purpose=Purpose.DISCUSSION,
        lead="EEAS",
        duration_minutes=20,
        visibility=ItemVisibility.ALL,
    )


def paper(citation: str, content: bytes | None, media_type: str = PDF, **kwargs) -> PackPaper:
    def chunks():
        for start in range(0, len(content or b""), 4096):
            yield (content or b"")[start : start + 4096]

    return PackPaper(
        citation=citation,
        title=kwargs.pop("title", ""),
        marking=kwargs.pop("marking", Marking.OFFICIAL),
        media_type=media_type if content is not None else None,
        open=chunks if content is not None else None,
    )


def agenda(rows: list[ItemRow], *, language: str = "en", side: str | None = "uk"):
    version = AgendaVersion(
        number=2,
        stage=VersionStage.PROVISIONAL,
        revision=0,
        circulated_at=datetime(2027, 3, 1, 10, 0, tzinfo=UTC),
        circulated_by="secretariat@example.org",
    )
    return build_document(AgendaSource(HEAD, tuple(rows)), version, side=side, language=language)


def build(pack: PackInput) -> tuple[bytes, object]:
    out = io.BytesIO()
    result = build_pack(pack, out, converter=Converter(timeout=120))
    return out.getvalue(), result


@pytest.fixture
def three_items(app):
    """Item 1 has a 2-page PDF and a Word paper, item 2 (with a sub-item 2.1) has none,
    item 3 an OpenDocument paper and a 1-page landscape PDF."""
    rows = [
        row(1, "Opening and adoption of the agenda", 1),
        row(2, "Russia's war against Ukraine", 2),
        row(21, "Sanctions enforcement", 1, parent=2),
        row(3, "Cyber and hybrid threats", 3),
    ]
    doc = agenda(rows)
    items = (
        PackItem(
            1,
            "1",
            rows[0].title,
            papers=(
                paper("ENT 10/27 (OR. en)", pdf_bytes("Annotated agenda", 2), title="Notes"),
                paper("ENT 11/27 (OR. en)", docx_bytes("Word paper", 2), DOCX),
            ),
        ),
        PackItem(2, "2", rows[1].title),
        PackItem(21, "2.1", rows[2].title, depth=1),
        PackItem(
            3,
            "3",
            rows[3].title,
            papers=(
                paper("ENT 12/27 (OR. fr)", odt_bytes("Document OpenDocument"), ODT),
                paper("ENT 13/27 (OR. en)", pdf_bytes("Wide table", 1, landscape=True)),
            ),
        ),
    )
    return PackInput(doc, items)


def test_pack_has_cover_contents_agenda_and_every_paper_in_order(three_items):
    pdf, result = build(three_items)
    reader = PdfReader(io.BytesIO(pdf))
    pages = pages_text(pdf)
    assert len(reader.pages) == len(pages) == result.pages
    assert result.missing == ()
    assert reader.metadata.title == (
        "Briefing pack – UK–EU strategic consultation (Brussels) – UK side edition"
    )
    assert reader.pdf_header == "%PDF-1.7"
    assert "BRIEFING PACK" in pages[0]
    assert "Tuesday, 16 March 2027" in pages[0]
    assert "10:00–16:30 CET (Europe/Brussels)" in pages[0]
    assert "EEAS Headquarters, Brussels" in pages[0]
    assert "Provisional agenda, version 2" in pages[0]
    assert "UK side edition" in pages[0]
    assert "Contents" in pages[1]
    assert "PROVISIONAL AGENDA" in pages[2]
    # The agenda keeps its size: its running foot shares the stamp's line.
    last = [line for line in pages[2].splitlines() if line.strip()][-1]
    assert re.match(r"^Provisional agenda · Version 2\s+OFFICIAL\s+Page 3 of \d+$", last), last
    # The papers, in agenda order, after the agenda.
    order = ["Annotated agenda", "Word paper", "Document OpenDocument", "Wide table"]
    firsts = [next(i for i, text in enumerate(pages) if title in text) for title in order]
    assert firsts == sorted(firsts)
    assert firsts[0] > 2
    assert sum("Annotated agenda, own page" in text for text in pages) == 2


def test_every_page_carries_the_marking_top_and_bottom_and_its_number(three_items):
    pdf, result = build(three_items)
    pages = pages_text(pdf)
    for number, text in enumerate(pages, start=1):
        lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
        # The marking alone, or after the paper's label on a paper's pages.
        assert re.fullmatch(r"(Item \d+ · ENT \d+/27 \(OR. \w\w\)\s+)?OFFICIAL", lines[0]), (
            number,
            lines[0],
        )
        assert re.search(rf"(^|\s)OFFICIAL\s+Page {number} of {result.pages}$", lines[-1]), (
            number,
            lines[-1],
        )
        assert text.count(f"Page {number} of") == 1


def test_contents_outline_and_pages_agree(three_items):
    pdf, _result = build(three_items)
    pages = pages_text(pdf)
    marks = outline(pdf)
    titles = [(depth, title) for depth, title, _page in marks]
    assert titles == [
        (0, "Cover"),
        (0, "Contents"),
        (0, "Agenda"),
        (0, "1. Opening and adoption of the agenda"),
        (1, "ENT 10/27 (OR. en) – Notes"),
        (1, "ENT 11/27 (OR. en)"),
        (0, "2. Russia's war against Ukraine"),
        (1, "2.1. Sanctions enforcement"),
        (0, "3. Cyber and hybrid threats"),
        (1, "ENT 12/27 (OR. fr)"),
        (1, "ENT 13/27 (OR. en)"),
    ]
    listed = contents_pages(pages)
    at = {title: page for _depth, title, page in marks}
    assert listed["Agenda"] == at["Agenda"] == 3
    for item in three_items.items:
        assert listed[item.title] == at[item.heading], item.title
        for paper in item.papers:
            assert listed[paper.heading] == at[paper.heading], paper.heading
    assert len(listed) == 1 + len(three_items.items) + len(three_items.papers)
    # Each paper's pages name it and its item at the top.
    assert pages[at["ENT 11/27 (OR. en)"] - 1].strip().startswith("Item 1 · ENT 11/27 (OR. en)")
    assert pages[at["ENT 13/27 (OR. en)"] - 1].strip().startswith("Item 3 · ENT 13/27 (OR. en)")
    # Each listed page is where the paper really starts.
    assert "Annotated agenda, own page 1" in pages[at["ENT 10/27 (OR. en) – Notes"] - 1]
    assert "Word paper" in pages[at["ENT 11/27 (OR. en)"] - 1]
    assert "Document OpenDocument" in pages[at["ENT 12/27 (OR. fr)"] - 1]
    assert "Wide table, own page 1" in pages[at["ENT 13/27 (OR. en)"] - 1]
    # An item without papers starts where the agenda lists it.
    assert "Russia's war against Ukraine" in pages[at["2. Russia's war against Ukraine"] - 1]
    assert at["2. Russia's war against Ukraine"] == 3


def test_the_marking_is_the_highest_of_the_agenda_and_the_papers(app):
    doc = agenda([row(1, "Opening", 1)])
    pack = PackInput(
        doc,
        (
            PackItem(
                1,
                "1",
                "Opening",
                papers=(paper("ENT 1/27", pdf_bytes("Limite paper"), marking=Marking.LIMITE),),
            ),
        ),
    )
    pdf, result = build(pack)
    assert result.marking is Marking.LIMITE
    for text in pages_text(pdf):
        assert text.strip().splitlines()[0].split()[-1] == "LIMITE"
        assert text.strip().splitlines()[-1].split()[-5] == "LIMITE"  # before "Page X of Y"


def test_a_paper_that_cannot_be_included_gets_a_placeholder_page(app):
    doc = agenda([row(1, "Opening", 1)])
    pack = PackInput(
        doc,
        (
            PackItem(
                1,
                "1",
                "Opening",
                papers=(
                    paper("ENT 1/27 (OR. en)", BROKEN_DOCX, DOCX, title="Broken"),
                    paper("ENT 2/27 (OR. en)", None, title="Not yet written"),
                    paper("ENT 3/27 (OR. en)", b"%PDF-1.7 nothing else", title="Torn PDF"),
                    paper("ENT 4/27 (OR. en)", b"GIF89a", "image/gif", title="A picture"),
                    paper("ENT 5/27 (OR. en)", pdf_bytes("Good paper"), title="Good"),
                ),
            ),
        ),
    )
    pdf, result = build(pack)
    pages = pages_text(pdf)
    assert len(result.missing) == 4
    at = {title: page for _depth, title, page in outline(pdf)}
    broken = pages[at["ENT 1/27 (OR. en) – Broken"] - 1]
    assert "This paper is not included in the pack" in broken
    assert "could not be converted to PDF" in broken
    assert "No file has been uploaded" in pages[at["ENT 2/27 (OR. en) – Not yet written"] - 1]
    assert "could not be converted" in pages[at["ENT 3/27 (OR. en) – Torn PDF"] - 1]
    assert "cannot include" in pages[at["ENT 4/27 (OR. en) – A picture"] - 1]
    assert "Good paper" in pages[at["ENT 5/27 (OR. en) – Good"] - 1]
    assert "4 not included" in pages[0]
    assert len(re.findall(r"\(not included\)", pages[1])) == 4


def test_french_pack_numbers_pages_in_french(app):
    doc = agenda([row(1, "Ouverture", 1)], language="fr", side="eu")
    pack = PackInput(doc, (PackItem(1, "1", "Ouverture"),))
    pdf, result = build(pack)
    pages = pages_text(pdf)
    assert f"Page 1 sur {result.pages}" in pages[0]
    assert "mardi 16 mars 2027" in pages[0]


def _office_pack() -> PackInput:
    doc = agenda([row(1, "Opening", 1)])
    papers = (
        paper("ENT 1/27 (OR. en)", docx_bytes("Word paper"), DOCX, title="Word"),
        paper("ENT 2/27 (OR. en)", pdf_bytes("PDF paper"), title="PDF"),
    )
    return PackInput(doc, (PackItem(1, "1", "Opening", papers=papers),))


def test_a_converter_that_hangs_is_killed_and_its_papers_become_placeholders(app, tmp_path):
    hanging = tmp_path / "soffice"
    hanging.write_text("#!/bin/sh\nsleep 60 &\nexec sleep 60\n")  # a child of its own too
    hanging.chmod(0o755)
    out = io.BytesIO()
    started = datetime.now(UTC)
    result = build_pack(_office_pack(), out, converter=Converter(str(hanging), timeout=1))
    assert (datetime.now(UTC) - started).total_seconds() < 20
    assert result.missing == ("ENT 1/27 (OR. en) – Word",)
    pages = pages_text(out.getvalue())
    at = {title: page for _depth, title, page in outline(out.getvalue())}
    assert "could not be converted" in pages[at["ENT 1/27 (OR. en) – Word"] - 1]
    assert "PDF paper" in pages[at["ENT 2/27 (OR. en) – PDF"] - 1]


def test_without_libreoffice_office_papers_become_placeholders(app, tmp_path):
    out = io.BytesIO()
    missing = str(tmp_path / "no-such-soffice")
    result = build_pack(_office_pack(), out, converter=Converter(missing, timeout=5))
    assert result.missing == ("ENT 1/27 (OR. en) – Word",)
    assert result.pages == len(pages_text(out.getvalue()))


def test_word_opendocument_excel_and_powerpoint_papers_convert_in_one_run(app):
    doc = agenda([row(1, "Budget", 1)])
    papers = (
        paper("ENT 1/27", docx_bytes("Word budget note"), DOCX),
        paper("ENT 2/27", odt_bytes("OpenDocument budget note"), ODT),
        paper("ENT 3/27", xlsx_bytes([("Country", "Budget 2027"), ("Ireland", "1200")]), XLSX),
        paper("ENT 4/27", pptx_bytes("Slide about hybrid threats"), PPTX),
    )
    pdf, result = build(PackInput(doc, (PackItem(1, "1", "Budget", papers=papers),)))
    assert result.missing == ()
    pages = pages_text(pdf)
    at = {title: page for _depth, title, page in outline(pdf)}
    assert "Word budget note" in pages[at["ENT 1/27"] - 1]
    assert "OpenDocument budget note" in pages[at["ENT 2/27"] - 1]
    assert "Ireland" in pages[at["ENT 3/27"] - 1]
    assert "1200" in pages[at["ENT 3/27"] - 1]
    assert "Slide about hybrid threats" in pages[at["ENT 4/27"] - 1]
    slide = PdfReader(io.BytesIO(pdf)).pages[at["ENT 4/27"] - 1]
    assert slide.mediabox.width > slide.mediabox.height  # a slide gets a landscape sheet
    assert f"Page {at['ENT 4/27']} of {result.pages}" in pages[at["ENT 4/27"] - 1]


def test_contents_longer_than_guessed_still_give_the_right_pages(app):
    """Long titles wrap, so the contents take more pages than a count of lines suggests: the
    pages are laid out again until the numbers they give hold."""
    long_title = "Cooperation on crisis management, hybrid threats and sanctions enforcement " * 3
    rows = [row(n, f"{n}: {long_title}", n) for n in range(1, 41)]
    items = tuple(
        PackItem(
            n,
            str(n),
            rows[n - 1].title,
            papers=(paper(f"ENT {n}/27 (OR. en)", pdf_bytes(f"Paper {n}")),) if n % 8 == 0 else (),
        )
        for n in range(1, 41)
    )
    pdf, result = build(PackInput(agenda(rows), items))
    pages = pages_text(pdf)
    marks = outline(pdf)
    at = {title: page for _depth, title, page in marks}
    assert at["Agenda"] > 4  # cover and three or more pages of contents
    listed = contents_pages(pages)
    for item in items:
        for entry in item.papers:
            assert listed[entry.heading] == at[entry.heading]
            assert f"Paper {item.number}" in pages[at[entry.heading] - 1]
    assert result.pages == len(pages)
