"""Who may act on an agenda is checked by the services (app/agendas/rules.py), so a caller that
skips the page and the API (a script, a job, a new endpoint) meets the same refusals, and the
page and the API answer alike."""

from __future__ import annotations

import pytest

from app.agendas import outcomes, versions
from app.agendas import services as agendas
from app.agendas.overview import document_for
from app.agendas.versions import latest_version
from app.auth import services as auth
from app.auth.models import Role, User
from app.core.errors import PermissionDenied
from app.people.models import Side
from tests.factories import Factory
from tests.web.conftest import sign_in


def _delegate(make: Factory, side: Side) -> User:
    """An editor linked to one side's delegate: reads and edits that side's items only."""
    user = make.user(Role.EDITOR)
    user.person_id = make.person(make.organisation(side)).id
    return user


def test_one_sides_delegate_is_refused_what_acts_on_both_sides(make, session, agenda_meeting):
    delegate = _delegate(make, Side.EU)
    versions.circulate(session, None, agenda_meeting.id)
    first = agendas.items_of(session, agenda_meeting.id)[0]
    placed = (first.parent_id, first.position)
    make.item(agenda_meeting, "A change since version 1")
    refused = {
        "Circulating": lambda: versions.circulate(session, delegate, agenda_meeting.id),
        "Reordering": lambda: agendas.move_item(session, delegate, first.id, 2),
        "Carrying": lambda: outcomes.carry_forward(session, delegate, agenda_meeting.id),
    }
    for what, call in refused.items():
        with pytest.raises(PermissionDenied, match=f"^{what} .* acts on both sides' items"):
            call()
    with pytest.raises(PermissionDenied, match="name both sides' items"):
        versions.compare(session, delegate, agenda_meeting.id, 1, 1)
    assert latest_version(session, agenda_meeting.id).number == 1  # nothing circulated
    session.refresh(first)
    assert (first.parent_id, first.position) == placed  # nothing moved


def test_the_secretariat_and_the_cli_may_circulate_and_reorder(make, session, agenda_meeting):
    secretariat = make.user(Role.EDITOR)
    first = agendas.items_of(session, agenda_meeting.id)[0]
    agendas.move_item(session, secretariat, first.id, 2)
    assert versions.circulate(session, secretariat, agenda_meeting.id).number == 1
    make.item(agenda_meeting, "Late addition")
    assert versions.circulate(session, None, agenda_meeting.id).number == 2


def test_the_draft_is_for_editors(make, session, agenda_meeting):
    viewer, editor = make.user(Role.VIEWER), make.user(Role.EDITOR)
    versions.circulate(session, None, agenda_meeting.id)
    with pytest.raises(PermissionDenied, match="Only editors") as compared:
        versions.compare(session, viewer, agenda_meeting.id, 1, 0)
    assert compared.value.field == "old"
    with pytest.raises(PermissionDenied, match="Only editors") as exported:
        document_for(session, viewer, agenda_meeting.id, draft=True)
    assert exported.value.field == "draft"
    assert versions.compare(session, viewer, agenda_meeting.id, 1, 1) == []
    assert versions.compare(session, editor, agenda_meeting.id, 1, 0) == []
    assert document_for(session, editor, agenda_meeting.id, draft=True).version is None
    assert document_for(session, None, agenda_meeting.id, draft=True).version is None


def test_page_and_api_refuse_a_viewer_the_draft_alike(app, client, make, session, agenda_meeting):
    viewer = make.user(Role.VIEWER)
    token = auth.issue_api_token(session, None, viewer.id, "test")
    versions.circulate(session, None, agenda_meeting.id)
    session.commit()
    api = client.get(
        f"/api/v1/meetings/{agenda_meeting.id}/agenda/compare?old=1&new=0",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert (api.status_code, api.get_json()["field"]) == (403, "old")
    sign_in(client, viewer)
    base = f"/meetings/{agenda_meeting.id}/agenda"
    assert client.get(f"{base}/compare?from=1&to=0").status_code == 403
    assert client.get(f"{base}/compare?from=1&to=1").status_code == 200
    assert client.get(f"{base}.md?draft=1").status_code == 403
    assert client.get(f"{base}.md").status_code == 200
