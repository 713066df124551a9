"""Invitations from Brussels: the EU organiser's calendar REQUEST, its updates and its CANCEL.

The inbound pipeline (app.inbound) calls `receive_from_organiser` for a METHOD:REQUEST, a
METHOD:CANCEL or a plain .ics from an allow-listed sender. A first REQUEST makes a tentative
meeting and an invitation from the organiser's organisation to the UK, awaiting the
secretariat's decision; a later REQUEST with a higher SEQUENCE updates the same meeting and
records what changed; an older or equal one is ignored; a CANCEL cancels the meeting. Whatever
cannot be applied raises CalendarRefused, and the message goes to quarantine.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from flask_babel import gettext as _
from icalendar import Calendar
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.audit import services as audit
from app.audit.actions import AuditAction
from app.core.errors import EntenteError, InvalidTransition, StaleVersion
from app.core.unique import refused_key
from app.invitations.models import Invitation, ReceivedInvitation
from app.invitations.received_parse import (
    CalendarRefused,
    OrganiserEvent,
    applied_at_once,
    domain_of,
    read_organiser_event,
    same_organisation,
)
from app.invitations.received_parties import eu_organisation, meeting_kind, uk_organisation
from app.invitations.received_reply import PARTSTAT
from app.invitations.services import InvitationInput, get_invitation, issue_invitation
from app.meetings import services as meetings
from app.meetings.models import Access, Meeting, MeetingStatus
from app.notifications.rendering import when, where

if TYPE_CHECKING:
    from app.auth.models import User

__all__ = ["CalendarRefused", "confirm_reply", "receive_from_organiser"]


def receive_from_organiser(
    session: Session, calendar: Calendar, *, sender: str, received_at: datetime
) -> str:
    """Apply an organiser's REQUEST, CANCEL or plain calendar; a one-line summary of what was
    done (or why nothing was). CalendarRefused when the message must be quarantined. Flushes;
    the caller commits."""
    event = read_organiser_event(calendar, sender)
    # A refusal half-way (the meeting made, the invitation refused) leaves nothing behind,
    # whatever the caller then does with its transaction.
    with session.begin_nested():
        return _apply(session, event, sender, received_at)


def _apply(session: Session, event: OrganiserEvent, sender: str, received_at: datetime) -> str:
    received = session.scalar(
        select(ReceivedInvitation).where(ReceivedInvitation.organiser_uid == event.uid)
    )
    if received is None:
        if event.cancelled:
            raise CalendarRefused(_("A cancellation for a meeting Entente never received."))
        return _create(session, event, sender, received_at)
    if not same_organisation(domain_of(received.organiser_email), domain_of(event.organiser_email)):
        raise CalendarRefused(
            _(
                "This UID belongs to a meeting organised at %(domain)s.",
                domain=domain_of(received.organiser_email),
            )
        )
    meeting = received.invitation.meeting
    if event.sequence < received.organiser_sequence or (
        event.sequence == received.organiser_sequence and not event.cancelled
    ):
        return _(
            "Ignored: SEQUENCE %(new)d of “%(title)s” is not newer than %(old)d.",
            new=event.sequence,
            title=meeting.title,
            old=received.organiser_sequence,
        )
    if event.cancelled:
        return _cancel(session, received, event)
    return _update(session, received, event, received_at)


def _create(session: Session, event: OrganiserEvent, sender: str, received_at: datetime) -> str:
    if session.scalar(select(Meeting.id).where(Meeting.uid == event.uid)) is not None:
        raise CalendarRefused(_("The UID is that of a meeting Entente itself sends."))
    assert event.start is not None
    inviter = eu_organisation(session, event.organiser_email)
    invitee = uk_organisation(session)
    kind = meeting_kind(session, event.title)
    data = meetings.MeetingInput(
        title=event.title or _("Meeting organised by %(name)s", name=inviter.name),
        kind=kind.id,
        start=event.start,
        end=event.end or event.start + timedelta(minutes=kind.default_duration_minutes),
        timezone=event.timezone,
        venue=event.location,
        status=MeetingStatus.TENTATIVE,
        access=Access.RESTRICTED if event.private else Access.INTERNAL,
        description=event.description,
    )
    try:
        meeting = meetings.create_meeting(session, None, data).meeting
        invitation = issue_invitation(
            session,
            None,
            InvitationInput(meeting_id=meeting.id, inviter_id=inviter.id, invitee_id=invitee.id),
            issued_at=received_at,
        )
    except EntenteError as error:
        raise CalendarRefused(error.message) from error
    received = ReceivedInvitation(
        invitation=invitation,
        organiser_uid=event.uid,
        organiser_sequence=event.sequence,
        organiser_email=event.organiser_email,
        organiser_name=event.organiser_name,
        sender=sender[:254],
        received_at=received_at,
        changes=[],
    )
    session.add(received)
    try:
        session.flush()
    except IntegrityError as error:  # the same UID, applied by another fetcher at this moment
        if refused_key(error) not in {"uq_received_invitations_organiser_uid", ""}:
            raise
        raise applied_at_once() from error
    audit.record(
        session,
        None,
        AuditAction.INVITATION_RECEIVED,
        "invitation",
        invitation.id,
        f"Invitation received from {inviter.code} ({event.organiser_email})",
        {"uid": event.uid, "sequence": event.sequence, "sender": received.sender},
    )
    return _(
        "Received invitation: “%(title)s” from %(code)s (meeting %(id)d).",
        title=meeting.title,
        code=inviter.code,
        id=meeting.id,
    )


def _update(
    session: Session, received: ReceivedInvitation, event: OrganiserEvent, received_at: datetime
) -> str:
    invitation = received.invitation
    meeting = invitation.meeting
    if meeting.is_cancelled:
        raise CalendarRefused(
            _(
                "“%(title)s” was cancelled; an update cannot reopen it. Record it by hand.",
                title=meeting.title,
            )
        )
    assert event.start is not None
    before = _shown(meeting)
    current = meetings.input_from(meeting)
    data = dataclasses.replace(
        current,
        title=event.title or current.title,
        start=event.start,
        end=event.end or event.start + (meeting.end_utc - meeting.start_utc),
        timezone=event.timezone,
        venue=event.location,
        description=event.description,
    )
    try:
        meetings.update_meeting(session, None, meeting.id, data)
    except EntenteError as error:
        raise CalendarRefused(error.message) from error
    lines = _what_changed(before, _shown(meeting))
    if lines and invitation.replied_at is not None:
        lines.append(_("You replied before this change; the organiser may expect a new reply."))
    old_sequence = received.organiser_sequence
    received.organiser_sequence = event.sequence
    if lines:
        received.changes = lines
        received.changed_at = received_at
    session.flush()
    audit.record(
        session,
        None,
        AuditAction.INVITATION_ORGANISER_CHANGED,
        "invitation",
        invitation.id,
        f"The organiser updated “{meeting.title}”",
        {"sequence": [old_sequence, event.sequence], "changes": lines},
    )
    if not lines:
        return _(
            "Updated “%(title)s” to SEQUENCE %(sequence)d: nothing Entente keeps changed.",
            title=meeting.title,
            sequence=event.sequence,
        )
    return _(
        "Updated “%(title)s” to SEQUENCE %(sequence)d: %(changes)s",
        title=meeting.title,
        sequence=event.sequence,
        changes="; ".join(lines),
    )


def _cancel(session: Session, received: ReceivedInvitation, event: OrganiserEvent) -> str:
    invitation = received.invitation
    meeting = invitation.meeting
    if meeting.is_cancelled:
        return _("Ignored: “%(title)s” is already cancelled.", title=meeting.title)
    meetings.cancel_meeting(session, None, meeting.id, reason=_("Cancelled by the organiser"))
    old_sequence = received.organiser_sequence
    received.organiser_sequence = event.sequence
    session.flush()
    audit.record(
        session,
        None,
        AuditAction.INVITATION_ORGANISER_CANCELLED,
        "invitation",
        invitation.id,
        f"The organiser cancelled “{meeting.title}”",
        {"sequence": [old_sequence, event.sequence]},
    )
    return _("Cancelled “%(title)s” (the organiser's CANCEL).", title=meeting.title)


def _shown(meeting: Meeting) -> dict[str, str]:
    """What the secretariat reads of a meeting, to say what an update changed."""
    return {
        "title": meeting.title,
        "when": when(meeting),
        "where": where(meeting),
        "description": meeting.description,
    }


def _what_changed(before: dict[str, str], after: dict[str, str]) -> list[str]:
    lines = []
    if before["title"] != after["title"]:
        lines.append(_("Title: %(old)s → %(new)s", old=before["title"], new=after["title"]))
    if before["when"] != after["when"]:
        lines.append(_("Time: %(old)s → %(new)s", old=before["when"], new=after["when"]))
    if before["where"] != after["where"]:
        lines.append(_("Place: %(old)s → %(new)s", old=before["where"], new=after["where"]))
    if before["description"] != after["description"]:
        lines.append(_("The description changed."))
    return lines


def confirm_reply(
    session: Session, actor: User | None, invitation_id: int, *, expected_version: int | None = None
) -> Invitation:
    """Send the organiser the invitation's answer again, for their latest update (a moved
    meeting resets the answers in the organiser's calendar). The notice of what changed is
    done with; the audit log keeps it."""
    invitation = get_invitation(session, invitation_id)
    if expected_version is not None and expected_version != invitation.version:
        raise StaleVersion(_("This invitation was changed by someone else; reload it"))
    received = invitation.received
    if received is None:
        raise InvalidTransition(_("This invitation did not come from an organiser by e-mail"))
    if invitation.status not in PARTSTAT or invitation.meeting.is_cancelled:
        raise InvalidTransition(_("Only an answered invitation to a meeting still on is confirmed"))
    received.changes = []
    session.flush()
    audit.record(
        session,
        actor,
        AuditAction.INVITATION_REPLY_CONFIRMED,
        "invitation",
        invitation.id,
        f"{invitation.invitee.code} confirmed its reply ({invitation.status.value}) to "
        f"the organiser's update of “{invitation.meeting.title}”",
        {"status": invitation.status, "sequence": received.organiser_sequence},
    )
    return invitation
