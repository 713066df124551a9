"""Content in two languages: French titles beside the English ones, and the bilingual edition
(issue 17, part 4)."""

from __future__ import annotations

import re

import pytest

from app.agendas import services as agendas
from app.agendas import versions
from app.agendas.document import build_document
from app.agendas.export import export, render_html, render_markdown, render_pdf
from app.agendas.source import AgendaSource
from app.agendas.word import render_docx
from app.core.errors import ValidationError
from app.meetings import services as meetings
from app.topics import services as topics
from tests.agendas.conftest import docx_text, pdf_pages


def _french(make, meeting):
    meeting.title_fr = "Consultation stratégique UE–Royaume-Uni (Bruxelles)"
    items = {item.title: item for item in agendas.items_of(make.session, meeting.id)}
    items["Opening remarks"].title_fr = "Ouverture"
    items["Russia's war against Ukraine"].title_fr = "Guerre de la Russie contre l'Ukraine"
    make.session.flush()


def draft(session, meeting, **kwargs):
    return build_document(versions.draft_source(session, meeting.id), None, **kwargs)


def test_the_bilingual_edition_puts_english_and_french_side_by_side(make, session, agenda_meeting):
    _french(make, agenda_meeting)
    doc = draft(session, agenda_meeting, language="en-fr")
    pdf = "\n".join(pdf_pages(render_pdf(doc)))
    assert "UK–EU strategic consultation (Brussels)" in pdf
    assert "Consultation stratégique UE–Royaume-Uni (Bruxelles)" in pdf
    assert re.search(r"^1\s+10:00\s+Opening remarks\s+Ouverture", pdf, re.M)
    assert "Date / Date" in pdf or "Date" in pdf
    assert "Tuesday, 16 March 2027 / mardi 16 mars 2027" in pdf
    assert "Page 1 / 1" in pdf  # not "Page 1 of / sur 1"
    word = docx_text(render_docx(doc))
    items = word["tables"][1]
    assert items[0][:4] == ["No. / N°", "Time / Heure", "English", "Français"]
    assert items[1][2:4] == ["Opening remarks", "Ouverture"]
    # No French title: the English one in the French column (italic in Word, marked in HTML)
    assert items[6][2:4] == ["Any other business", "Any other business"]
    html = render_html(doc)
    assert (
        '<span class="item__title item__title--untranslated" lang="en">Any other business' in html
    )
    assert "Guerre de la Russie contre l&#39;Ukraine" in html
    assert "Ouverture" in render_markdown(doc)
    assert export(doc, "docx").filename.endswith("-draft-en-fr.docx")


def test_french_documents_use_the_french_titles_and_versions_keep_them(
    make, session, agenda_meeting
):
    _french(make, agenda_meeting)
    version = versions.circulate(session, None, agenda_meeting.id)
    agenda_meeting.title_fr = "Changé après la diffusion"
    session.flush()
    doc = build_document(versions.version_source(version), version, language="fr")
    word = docx_text(render_docx(doc))
    assert ("Heading 1", "Consultation stratégique UE–Royaume-Uni (Bruxelles)") in word["headings"]
    assert word["tables"][1][1][2] == "Ouverture"
    assert word["tables"][1][6][2] == "Any other business"  # none in French: the English
    english = build_document(versions.version_source(version), version, language="en")
    assert "Opening remarks" in render_markdown(english)
    # The French title is part of what changes between versions.
    assert "French title now “Changé après la diffusion”" in versions.draft_changes(
        session, agenda_meeting.id
    )


def test_a_version_frozen_before_french_titles_still_reads(session, agenda_meeting):
    version = versions.circulate(session, None, agenda_meeting.id)
    snapshot = version.snapshot
    del snapshot["meeting"]["title_fr"]
    for row in snapshot["items"]:
        del row["title_fr"]
    source = AgendaSource.from_json(snapshot)
    assert source.head.title_fr is None
    doc = build_document(source, version, language="en-fr")
    assert "Opening remarks" in render_markdown(doc)


def test_french_titles_are_saved_checked_and_cleared(make, session):
    topic = topics.create_topic(
        session, None, "hybrid", "Hybrid threats", name_fr="Menaces hybrides"
    )
    assert topic.name_fr == "Menaces hybrides"
    topic = topics.update_topic(session, None, topic.id, name="Hybrid threats", name_fr="  ")
    assert topic.name_fr is None  # blank: no French name, the English one is used
    data = make.meeting_input(title="Consultation", title_fr="Consultation\nforgée")
    with pytest.raises(ValidationError, match="single line"):
        meetings.create_meeting(session, None, data)
