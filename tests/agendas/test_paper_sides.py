"""A paper for one side is cited in that side's edition only: in every format, in the frozen
versions, in the change summaries, and in what the other side may reach by id.

The defect: a UK-only paper under a joint item was cited in the EU edition (HTML, PDF, Word,
Markdown, the version's JSON and page), because the editions filtered items but not papers
and circulated versions did not record a paper's side at all.
"""

from __future__ import annotations

import io

import pytest
from docx import Document
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.agendas import access, export, papers, versions
from app.agendas import services as agendas
from app.agendas.document import build_document
from app.agendas.numbering import papers_for
from app.agendas.overview import document_for
from app.agendas.services import MAX_DEPTH
from app.agendas.source import AgendaSource, PaperRow
from app.core.errors import NotFound
from tests import side_papers
from tests.agendas.conftest import pdf_pages
from tests.side_papers import EU_WORDS, UK_WORDS, leaked

FORMATS = ("html", "md", "pdf", "docx")


def _text(content: bytes, fmt: str) -> str:
    if fmt == "pdf":
        return "\n".join(pdf_pages(content))
    if fmt == "docx":
        word = Document(io.BytesIO(content))
        cells = [cell.text for table in word.tables for row in table.rows for cell in row.cells]
        return "\n".join([p.text for p in word.paragraphs] + cells)
    return content.decode()


@pytest.fixture
def scenario(session, make):
    return side_papers.build(session, make)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("language", ["en", "fr", "en-fr"])
def test_each_sides_edition_cites_its_own_papers_only(session, scenario, fmt, language):
    meeting_id = scenario.meeting.id
    for side, own, other in (("uk", UK_WORDS, EU_WORDS), ("eu", EU_WORDS, UK_WORDS)):
        doc = document_for(session, None, meeting_id, side=side, language=language)
        text = _text(export.export(doc, fmt).content, fmt)
        assert leaked(text, other) == [], (side, fmt, language)
        assert leaked(text, own) == list(own), (side, fmt, language)
        assert "ENT 1/27" in text  # the joint paper stays in both
    whole = document_for(session, None, meeting_id, language=language)
    text = _text(export.export(whole, fmt).content, fmt)
    assert leaked(text, UK_WORDS + EU_WORDS) == list(UK_WORDS + EU_WORDS)


def test_a_frozen_version_keeps_each_papers_side(session, scenario):
    """The snapshot records the side: changing the paper later does not open the version."""
    snapshot = versions.latest_version(session, scenario.meeting.id).snapshot
    cited = {p["reference"]: p["visibility"] for row in snapshot["items"] for p in row["papers"]}
    assert cited == {"ENT 1/27": "all", "UKO 7/27": "uk", "EUO 9/27": "eu"}
    papers.remove_paper(session, None, scenario.uk_paper.id)
    doc = document_for(session, None, scenario.meeting.id, version=1, side="eu")
    assert leaked(_text(export.export(doc, "md").content, "md"), UK_WORDS) == []


def test_versions_frozen_before_papers_had_sides_read_as_for_both(session, scenario):
    """Snapshots without the key (frozen before it existed) still load."""
    data = versions.latest_version(session, scenario.meeting.id).snapshot
    for row in data["items"]:
        for paper in row["papers"]:
            del paper["visibility"]
    source = AgendaSource.from_json(data)
    assert {p.visibility.value for row in source.items for p in row.papers} == {"all"}


def test_the_other_sides_paper_is_not_found_by_id(session, scenario):
    eu = scenario.eu_editor
    with pytest.raises(NotFound):
        access.readable_paper(session, eu, scenario.joint.id, scenario.uk_paper.id)
    found = access.readable_paper(session, eu, scenario.joint.id, scenario.eu_paper.id)
    assert found.id == scenario.eu_paper.id
    assert [p.reference for p in papers_for(scenario.joint, "eu")] == ["ENT 1/27", "EUO 9/27"]


def test_change_summaries_name_only_the_sides_own_papers(session, scenario):
    meeting_id = scenario.meeting.id
    papers.add_paper(session, None, scenario.joint.id, "UKO 8/27", title="Kingfisher annex")
    added = session.get(type(scenario.uk_paper), _paper_id(scenario, "UKO 8/27"))
    papers.update_paper_details(
        session,
        None,
        added.id,
        papers.PaperDetails(added.marking.value, "en", "uk", None, None),
    )
    agendas.update_item(
        session,
        None,
        scenario.joint.id,
        agendas.AgendaItemInput(title="Joint discussion (revised)", duration_minutes=30),
    )
    version = versions.circulate(session, None, meeting_id)
    joint = versions.changes_for(session, version, None)
    assert any("Kingfisher" in line or "UKO 8/27" in line for line in joint)
    eu = versions.changes_for(session, version, "eu")
    assert eu
    assert all(leaked(line, (*UK_WORDS, "UKO 8/27")) == [] for line in eu)
    assert any("Joint discussion (revised)" in line for line in eu)
    uk = versions.changes_for(session, version, "uk")
    assert any("UKO 8/27" in line for line in uk)
    first = versions.changes_for(session, versions.get_version(session, meeting_id, 1), "eu")
    assert first == ["First circulation: 2 items"]  # the joint item and the EU one


def _paper_id(scenario, reference: str) -> int:
    return next(p.id for p in scenario.joint.papers if p.reference == reference)


# The whole class: whatever agenda is built, no side's edition or change summary cites a
# paper or an item that side may not read.
VISIBILITY = st.sampled_from(["all", "uk", "eu"])
ITEM = st.tuples(
    VISIBILITY, st.integers(min_value=-1, max_value=3), st.lists(VISIBILITY, max_size=3)
)


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(first=st.lists(ITEM, min_size=1, max_size=5), second=st.lists(ITEM, max_size=4))
def test_no_edition_or_summary_cites_what_its_side_may_not_read(session, make, first, second):
    meeting = make.meeting()
    counter = iter(range(1, 1000))
    created: list = []
    words: dict[str, str] = {}  # a unique word -> the side it is for (through its item)
    _build(session, meeting, first, created, words, counter)
    versions.circulate(session, None, meeting.id)
    _build(session, meeting, second, created, words, counter)
    if second:
        versions.circulate(session, None, meeting.id)
    for side in ("uk", "eu"):
        hidden = [word for word, for_side in words.items() if for_side not in ("all", side)]
        for version in versions.list_versions(session, meeting.id):
            source = versions.version_source(version)
            doc = build_document(source, version, side=side)
            text = export.export(doc, "md").content.decode()
            summary = "\n".join(versions.changes_for(session, version, side))
            assert [w for w in hidden if w in text] == [], (side, version.number)
            assert [w for w in hidden if w in summary] == [], (side, version.number)
            cited = [p for line in doc.lines for p in line.item.papers]
            assert all(isinstance(p, PaperRow) for p in cited)
            assert all(p.visibility.value in ("all", side) for p in cited)


def _build(session, meeting, items, created, words, counter) -> None:
    """Add `items` (visibility, index of an earlier item to go under, papers' sides)."""
    for visibility, parent_index, paper_sides in items:
        parent = created[parent_index] if 0 <= parent_index < len(created) else None
        if parent is not None and _depth(parent) + 1 >= MAX_DEPTH:
            parent = None
        number = next(counter)
        item_word = f"Itemword{number}q"
        item = agendas.add_item(
            session,
            None,
            meeting.id,
            agendas.AgendaItemInput(title=item_word, visibility=visibility, duration_minutes=10),
            parent_id=parent.id if parent else None,
        )
        item_side = _narrowest(visibility, words[parent.title] if parent else "all")
        words[item_word] = item_side
        created.append(item)
        for paper_side in paper_sides:
            paper_number = next(counter)
            reference, title = f"PAP {paper_number}/27", f"Paperword{paper_number}q"
            paper = papers.add_paper(session, None, item.id, reference, title=title)
            details = papers.PaperDetails(paper.marking.value, "en", paper_side, None, None)
            papers.update_paper_details(session, None, paper.id, details)
            words[title] = words[reference] = _narrowest(paper_side, item_side)


def _depth(item) -> int:
    return 0 if item.parent is None else 1 + _depth(item.parent)


def _narrowest(own: str, above: str) -> str:
    """Who may read something marked `own` under something readable by `above` ("none":
    neither side, as a UK-only paper under an EU-only item)."""
    if own == "all":
        return above
    if above in ("all", own):
        return own
    return "none"
