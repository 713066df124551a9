"""Agenda fixtures: a meeting with a small agenda, and readers for the generated files."""

from __future__ import annotations

import io
from datetime import datetime

import pytest
from docx import Document
from pypdf import PdfReader

from app.agendas import papers


def pdf_pages(content: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages]


def docx_text(content: bytes) -> dict[str, object]:
    """Headings, table rows, header and footer text of a Word file."""
    word = Document(io.BytesIO(content))
    section = word.sections[0]
    return {
        "headings": [
            (p.style.name, p.text)
            for p in word.paragraphs
            if p.style.name.startswith(("Heading", "Title"))
        ],
        "paragraphs": [p.text for p in word.paragraphs],
        "tables": [[[c.text for c in row.cells] for row in table.rows] for table in word.tables],
        "header": " ".join(p.text for p in section.header.paragraphs),
        "footer": " ".join(p.text for p in section.footer.paragraphs),
        "footer_xml": section.footer._element.xml,
    }


@pytest.fixture
def agenda_meeting(make):
    """Brussels, 16 March 2027 10:00 CET: opening, Russia (2.1 sanctions, 2.2 EU-only hybrid),
    a UK-only line to take, AOB; one paper under 2.1."""
    meeting = make.meeting(
        title="UK–EU strategic consultation (Brussels)",
        start=datetime(2027, 3, 16, 10, 0),
        end=datetime(2027, 3, 16, 16, 30),
        timezone="Europe/Brussels",
        venue="EEAS Headquarters",
        host_city="Brussels",
        marking="OFFICIAL-SENSITIVE",
    )
    make.item(meeting, "Opening remarks", duration_minutes=10, purpose="information")
    russia = make.item(
        meeting, "Russia's war against Ukraine", purpose="discussion", lead_text="EEAS"
    )
    sanctions = make.item(
        meeting, "Sanctions enforcement", parent=russia, duration_minutes=30, lead_text="FCDO"
    )
    make.item(
        meeting, "EU internal coordination", parent=russia, duration_minutes=20, visibility="eu"
    )
    make.item(meeting, "UK line to take on CSDP", duration_minutes=15, visibility="uk")
    make.item(meeting, "Any other business", duration_minutes=10)
    papers.add_paper(
        make.session, None, sanctions.id, "ENT 12/26", revision=1, original_language="en"
    )
    return meeting
