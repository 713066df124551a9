"""Audit action names that code reads back as events (meetings.tasks turns them into e-mail).

A StrEnum, so the stored values are the plain strings they always were; the services that
write an entry and the sweep that reads it name the same member.
"""

from __future__ import annotations

from enum import StrEnum


class AuditAction(StrEnum):
    MEETING_UPDATED = "meeting.updated"
    MEETING_MOVED = "meeting.moved"
    MEETING_TENTATIVE = "meeting.tentative"
    MEETING_CONFIRMED = "meeting.confirmed"
    MEETING_POSTPONED = "meeting.postponed"
    MEETING_CANCELLED = "meeting.cancelled"
    PARTICIPANT_ADDED = "participant.added"
    PARTICIPANT_REMOVED = "participant.removed"
    AGENDA_CIRCULATED = "agenda.circulated"
    INVITATION_WITHDRAWN = "invitation.withdrawn"
    # Invitations from Brussels (app.invitations.received_calendar): read back by the sweeps
    # that tell the secretariat and answer the organiser.
    INVITATION_RECEIVED = "invitation.received"
    INVITATION_ORGANISER_CHANGED = "invitation.organiser_changed"
    INVITATION_ORGANISER_CANCELLED = "invitation.organiser_cancelled"
    INVITATION_ACCEPTED = "invitation.accepted"
    INVITATION_DECLINED = "invitation.declined"
    INVITATION_TENTATIVE = "invitation.tentative"
    INVITATION_REPLY_CONFIRMED = "invitation.reply_confirmed"

    @classmethod
    def status_change(cls, status: str) -> AuditAction:
        """The action recorded when a meeting moves to `status` (a MeetingStatus value)."""
        return cls(f"meeting.{status}")
