"""The audit actions the notification sweep reads back are one enum shared with the writers."""

from __future__ import annotations

from app.audit.actions import AuditAction
from app.meetings.models import MeetingStatus
from app.meetings.tasks import ACTIONS, STATUS_ACTIONS


def test_every_meeting_status_has_its_action_and_values_are_the_stored_strings():
    assert {AuditAction.status_change(s.value) for s in MeetingStatus} == STATUS_ACTIONS
    assert AuditAction.MEETING_MOVED == "meeting.moved"
    assert set(AuditAction) >= ACTIONS
