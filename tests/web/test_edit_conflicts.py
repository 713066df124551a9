"""Every form that carries an optimistic-lock version recovers from an edit conflict.

Someone else saves between showing the form and submitting it: the answer is 409, the form
comes back with the current version (the user's input kept) and with what changed, and
submitting that form again succeeds.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import timedelta
from html.parser import HTMLParser
from typing import Any

import pytest
from flask.testing import FlaskClient
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict

import app.invitations.forms
import app.meetings.forms
from app.auth.models import Role
from app.invitations import services as invitations
from app.invitations.models import InvitationStatus
from app.meetings import services as meetings
from app.meetings.models import MeetingStatus
from tests import factories
from tests.web.conftest import sign_in

SEEN = "Reply deadline changed"  # the audit summary of the colleague's change


class FormValues(HTMLParser):
    """The (name, value) pairs a browser sends for the form posting to `action`."""

    def __init__(self, action: str) -> None:
        super().__init__()
        self.action, self.pairs, self._in_form = action, MultiDict(), False
        self._select: str = ""
        self._chosen: dict[str, str] = {}
        self._textarea: str = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        if tag == "form":
            self._in_form = found.get("action", "") == self.action
        elif not self._in_form:
            return
        elif tag == "input" and "name" in found:
            if found.get("type") not in ("checkbox", "radio") or "checked" in found:
                self.pairs.add(found["name"], found.get("value", ""))
        elif tag == "select":
            self._select = found.get("name", "")
        elif tag == "option" and self._select:
            if "selected" in found or self._select not in self._chosen:
                self._chosen[self._select] = found.get("value", "")
        elif tag == "textarea":
            self._textarea = found.get("name", "")
            self.pairs.add(self._textarea, "")

    def handle_data(self, data: str) -> None:
        if self._textarea:
            # WTForms starts a textarea with a newline, which browsers drop.
            self.pairs.setlist(self._textarea, [data.removeprefix("\r\n").removeprefix("\n")])

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._in_form = False
        elif tag == "select":
            self._select = ""
        elif tag == "textarea":
            self._textarea = ""

    def close(self) -> None:
        super().close()
        for name, value in self._chosen.items():
            self.pairs.add(name, value)


def form_values(html: str, action: str) -> MultiDict[str, str]:
    parser = FormValues(action)
    parser.feed(html)
    parser.close()
    assert parser.pairs, f"no form posting to {action!r}"
    return parser.pairs


@dataclasses.dataclass
class Case:
    page: str
    action: str  # the form's action attribute ("" posts to the page itself)
    edit: dict[str, str]  # what the user types
    changed_elsewhere: Callable[[], int]  # a colleague saves; the record's new version
    done: Callable[[], bool]  # the user's change is in
    seen: str  # a sign of the colleague's change, shown with the conflict


def _meeting_case(make: factories.Factory, session: Any, form: str) -> Case:
    meeting = make.meeting(title="Original", venue="Lancaster House")

    def colleague() -> int:
        data = dataclasses.replace(meetings.input_from(meeting), venue="Palais d'Egmont")
        meetings.update_meeting(session, None, meeting.id, data)
        return meeting.version

    def fresh() -> Any:
        session.refresh(meeting)
        return meeting

    base = f"/meetings/{meeting.id}"
    cases = {
        "MeetingForm": (f"{base}/edit", {"title": "Mine"}, lambda: fresh().title == "Mine"),
        "MoveForm": (
            f"{base}/move",
            {"start_time": "11:00"},
            lambda: meetings.input_from(fresh()).start.hour == 11,
        ),
        "CancelForm": (
            f"{base}/cancel",
            {"reason": "Postponed"},
            lambda: fresh().status is MeetingStatus.CANCELLED,
        ),
    }
    page, edit, done = cases[form]
    return Case(page, "", edit, colleague, done, "Palais d&#39;Egmont")


def _invitation_case(make: factories.Factory, session: Any, form: str) -> Case:
    invitation = make.invitation()

    def colleague() -> int:
        deadline = invitation.meeting.start_utc - timedelta(days=9)
        invitations.set_reply_deadline(session, None, invitation.id, deadline)
        return invitation.version

    def status() -> InvitationStatus:
        session.refresh(invitation)
        return invitation.status

    page = f"/invitations/{invitation.id}/reply"
    if form == "ReplyForm":
        edit = {"status": "tentative", "note": "Probably"}
        return Case(page, "", edit, colleague, lambda: status() is InvitationStatus.TENTATIVE, SEEN)
    edit = {"withdraw-reason": "Format changed"}
    action = f"/invitations/{invitation.id}/withdraw"
    return Case(page, action, edit, colleague, lambda: status() is InvitationStatus.WITHDRAWN, SEEN)


BUILDERS = {
    "MeetingForm": _meeting_case,
    "MoveForm": _meeting_case,
    "CancelForm": _meeting_case,
    "ReplyForm": _invitation_case,
    "WithdrawForm": _invitation_case,
}


def _versioned_forms() -> set[str]:
    """Every form class in the app that carries a `version` field."""
    found: set[str] = set()
    pending = list(FlaskForm.__subclasses__())
    while pending:
        form = pending.pop()
        pending.extend(form.__subclasses__())
        if form.__module__.startswith("app.") and hasattr(form, "version"):
            found.add(form.__name__)
    return found


def test_every_versioned_form_is_walked() -> None:
    assert app.meetings.forms  # imported: their classes are known
    assert app.invitations.forms
    assert _versioned_forms() == set(BUILDERS)


@pytest.mark.parametrize("form", sorted(BUILDERS))
def test_a_stale_form_answers_409_with_the_current_version_and_then_succeeds(
    form: str, client: FlaskClient, make: factories.Factory, session: Any
) -> None:
    case = BUILDERS[form](make, session, form)
    session.commit()  # so that the view's rollback keeps the record
    sign_in(client, make.user(Role.EDITOR))
    shown = form_values(client.get(case.page).get_data(as_text=True), case.action)
    for name, value in case.edit.items():
        shown.setlist(name, [value])
    current = case.changed_elsewhere()
    session.commit()

    conflict = client.post(case.action or case.page, data=shown)
    html = conflict.get_data(as_text=True)
    assert conflict.status_code == 409, (conflict.status_code, html[-3000:])
    assert "changed by someone else" in html
    assert case.seen in html  # what changed is shown
    again = form_values(html, case.action)
    assert again.getlist("withdraw-version" if form == "WithdrawForm" else "version") == [
        str(current)
    ]
    for name, value in case.edit.items():  # the user's input is kept
        assert again.get(name) == value, (name, again)
    assert not case.done()

    resubmitted = client.post(case.action or case.page, data=again)
    assert resubmitted.status_code == 302, resubmitted.get_data(as_text=True)
    assert case.done()
