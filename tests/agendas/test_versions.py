"""Circulation: provisional, final, revisions; change summaries; frozen versions."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from app.agendas import services as agendas
from app.agendas import versions
from app.agendas.document import build_document
from app.agendas.export import render_pdf
from app.agendas.models import VersionStage
from app.audit import services as audit
from app.core.errors import InvalidTransition, ValidationError
from app.meetings import services as meetings
from tests.agendas.conftest import pdf_pages


def test_stages_run_provisional_final_then_revisions(make, session, agenda_meeting):
    editor = make.user("editor")
    with time_machine.travel(datetime(2027, 3, 1, 9, 0, tzinfo=UTC), tick=False):
        first = versions.circulate(session, editor, agenda_meeting.id, note="For comment")
    assert (first.number, first.stage, first.revision) == (1, VersionStage.PROVISIONAL, 0)
    assert first.circulated_by == editor.email
    assert first.circulated_at == datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
    assert first.changes == ["First circulation: 6 items"]

    with pytest.raises(ValidationError, match="Nothing has changed since version 1"):
        versions.circulate(session, editor, agenda_meeting.id)

    final = versions.circulate(session, editor, agenda_meeting.id, final=True)
    assert (final.number, final.stage) == (2, VersionStage.FINAL)
    assert final.changes == ["Version 1 confirmed as the final agenda"]
    with pytest.raises(InvalidTransition, match="revision"):
        versions.circulate(session, editor, agenda_meeting.id, final=True)

    aob = next(
        i for i in agendas.items_of(session, agenda_meeting.id) if i.title == "Any other business"
    )
    agendas.move_item(session, editor, aob.id, 1)
    revision = versions.circulate(session, editor, agenda_meeting.id)
    assert (revision.number, revision.stage, revision.revision) == (3, VersionStage.REVISION, 1)
    assert "Item 1 “Any other business”: renumbered (was 4)" in revision.changes
    assert versions.version_title(revision) == "Final agenda REV 1"
    entries, _ = audit.list_entries(session, audit.AuditFilter(action="agenda.circulated"))
    assert len(entries) == 3


def test_change_summary_names_added_removed_and_edited_items(make, session, agenda_meeting):
    versions.circulate(session, None, agenda_meeting.id)
    items = {i.title: i for i in agendas.items_of(session, agenda_meeting.id)}
    agendas.remove_item(session, None, items["UK line to take on CSDP"].id)
    agendas.update_item(
        session,
        None,
        items["Opening remarks"].id,
        agendas.AgendaItemInput(title="Opening and adoption of the agenda", duration_minutes=15),
    )
    make.item(agenda_meeting, "Western Balkans", duration_minutes=45)
    edited = meetings.input_from(agenda_meeting)
    edited.venue = "Europa building"
    meetings.update_meeting(session, None, agenda_meeting.id, edited)
    changes = versions.draft_changes(session, agenda_meeting.id)
    assert changes is not None
    assert "Venue changed to Europa building" in changes
    assert "Item 3 “UK line to take on CSDP” removed" in changes
    assert "Item 4 “Western Balkans” added" in changes
    assert any(
        c.startswith("Item 1 “Opening and adoption of the agenda”: title was “Opening remarks”")
        and "duration 10 min → 15 min" in c
        and "purpose now not set" in c
        for c in changes
    )
    second = versions.circulate(session, None, agenda_meeting.id)
    assert second.changes == changes
    assert versions.compare(session, None, agenda_meeting.id, 1, 2) == changes
    assert versions.compare(session, None, agenda_meeting.id, 2, 0) == []


def test_editing_after_circulation_leaves_version_one_untouched(make, session, agenda_meeting):
    versions.circulate(session, None, agenda_meeting.id)
    version_one = versions.get_version(session, agenda_meeting.id, 1)
    before = pdf_pages(
        render_pdf(build_document(versions.version_source(version_one), version_one))
    )
    items = {i.title: i for i in agendas.items_of(session, agenda_meeting.id)}
    agendas.update_item(
        session,
        None,
        items["Opening remarks"].id,
        agendas.AgendaItemInput(title="Renamed opening", duration_minutes=90),
    )
    make.item(agenda_meeting, "Late addition")
    meetings.move_meeting(
        session, None, agenda_meeting.id, datetime(2027, 3, 17, 11, 0), datetime(2027, 3, 17, 17, 0)
    )
    session.expire_all()
    version_one = versions.get_version(session, agenda_meeting.id, 1)
    after = pdf_pages(render_pdf(build_document(versions.version_source(version_one), version_one)))
    assert after == before
    assert "Opening remarks" in after[0]
    assert "Renamed opening" not in after[0]
    assert "Tuesday, 16 March 2027" in after[0]
    assert versions.draft_changes(session, agenda_meeting.id)


def test_the_database_refuses_to_change_a_circulated_version(session, agenda_meeting):
    version = versions.circulate(session, None, agenda_meeting.id)
    with pytest.raises(DatabaseError, match="immutable"), session.begin_nested():
        session.execute(
            text("UPDATE agenda_versions SET note = 'tampered' WHERE id = :id"), {"id": version.id}
        )


def test_circulating_needs_items_and_an_open_meeting(make, session):
    empty = make.meeting()
    with pytest.raises(ValidationError, match="at least one item"):
        versions.circulate(session, None, empty.id)
    meeting = make.meeting()
    make.item(meeting, "Only item")
    meetings.cancel_meeting(session, None, meeting.id)
    with pytest.raises(InvalidTransition):
        versions.circulate(session, None, meeting.id)
