"""Scheduled sweeps: invitation e-mails, and reply reminders before the deadline.

Each is an idempotent sweep of "due and not yet done": what is done is an outbox row with the
notification's key, written in the sweep's own transaction.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from sqlalchemy import Exists, exists, select
from sqlalchemy.orm import Session

from app.core.languages import current_language, format_moment
from app.inbound.models import EmailReply, ReplyKind
from app.invitations.models import Invitation, InvitationStatus
from app.meetings.models import Meeting, MeetingStatus
from app.notifications import itip, outbox
from app.notifications.compose import meeting_draft, recipient_of
from app.notifications.models import NotificationKind, OutboxStatus
from app.settings import Settings

OPEN = (InvitationStatus.INVITED, InvitationStatus.TENTATIVE)


def invitation_key(invitation_id: int) -> str:
    return f"invitation:{invitation_id}"


def reminder_key(invitation_id: int, lead_days: int) -> str:
    """One reminder per invitation and lead time, whatever later happens to the deadline."""
    return f"reminder:{invitation_id}:{lead_days}"


def reminder_due_at(deadline: datetime, lead_days: int, zone_name: str) -> datetime:
    """`lead_days` calendar days before the deadline in the meeting's zone, so "7 days before
    17:00" is 17:00 local a week earlier even when the clocks change in between."""
    local = deadline.astimezone(ZoneInfo(zone_name))
    return (local - timedelta(days=lead_days)).astimezone(deadline.tzinfo)


def format_deadline(deadline: datetime | None, zone_name: str) -> str:
    if deadline is None:
        return ""
    local = deadline.astimezone(ZoneInfo(zone_name))
    return f"{format_moment(local, '%a %d %b %Y %H:%M', current_language())} ({zone_name})"


def send_invitations(session: Session, settings: Settings, now: datetime, holder: str) -> int:
    """Queue the invitation e-mail (with a calendar REQUEST) for each open invitation to a
    named person; returns how many were queued."""
    invitations = session.scalars(
        select(Invitation)
        .join(Meeting, Meeting.id == Invitation.meeting_id)
        .where(
            Invitation.status.in_(OPEN),
            Invitation.invitee_person_id.is_not(None),
            Meeting.status != MeetingStatus.CANCELLED,
            Meeting.end_utc > now,
        )
        .order_by(Invitation.id)
    ).all()
    done = outbox.existing_keys(session, [invitation_key(i.id) for i in invitations])
    queued = 0
    for invitation in invitations:
        key = invitation_key(invitation.id)
        to = recipient_of(invitation.invitee_person)
        if key in done or to is None:
            continue
        meeting = invitation.meeting
        draft = meeting_draft(
            session,
            key=key,
            kind=NotificationKind.INVITATION,
            meeting=meeting,
            to=to,
            template="invitation",
            subject=_l("Invitation: %(title)s", title=meeting.title),
            settings=settings,
            now=now,
            method=itip.REQUEST,
            rsvp=True,
            inviter=invitation.inviter.name,
            invitee=invitation.invitee.name,
            deadline=LazyString(format_deadline, invitation.reply_deadline, meeting.timezone),
            message=invitation.message,
        )
        queued += outbox.enqueue(session, draft, now)
    return queued


def send_reply_reminders(session: Session, settings: Settings, now: datetime, holder: str) -> int:
    """Remind invitees who have not answered (invited or tentative, and no answer by e-mail),
    `reminder_lead_days` before the reply deadline. Declined, accepted and withdrawn invitations
    are never reminded.

    When several lead times are due at once (the scheduler was down, or the deadline moved
    closer), only the nearest is sent and the others are recorded as skipped.
    """
    leads = sorted({lead for lead in settings.reminder_lead_days if lead > 0}, reverse=True)
    if not leads:
        return 0
    invitations = session.scalars(
        select(Invitation)
        .join(Meeting, Meeting.id == Invitation.meeting_id)
        .where(
            Invitation.status.in_(OPEN),
            Invitation.invitee_person_id.is_not(None),
            Invitation.reply_deadline.is_not(None),
            Invitation.reply_deadline > now,
            Meeting.status != MeetingStatus.CANCELLED,
            ~answered_by_email(),
        )
        .order_by(Invitation.id)
    ).all()
    done = outbox.existing_keys(
        session, [reminder_key(i.id, lead) for i in invitations for lead in leads]
    )
    queued = 0
    for invitation in invitations:
        queued += _remind(session, settings, now, invitation, leads, done)
    return queued


def answered_by_email() -> Exists:
    """The invitee answered by e-mail (tentative, or delegated to someone else included): they
    replied, so they are not chased; an answer to an older version of the meeting is not one."""
    return exists().where(
        EmailReply.invitation_id == Invitation.id,
        EmailReply.kind == ReplyKind.REPLY,
        EmailReply.applied.is_(True),
    )


def _remind(
    session: Session,
    settings: Settings,
    now: datetime,
    invitation: Invitation,
    leads: list[int],
    done: set[str],
) -> int:
    assert invitation.reply_deadline is not None
    meeting = invitation.meeting
    due = []
    for lead in leads:
        due_at = reminder_due_at(invitation.reply_deadline, lead, meeting.timezone)
        # Not due yet, or the invitation was issued after this reminder's moment.
        if due_at <= now and invitation.created_at < due_at:
            due.append(lead)
    to = recipient_of(invitation.invitee_person)
    if not due or to is None:
        return 0
    nearest = min(due)
    queued = 0
    for lead in due:
        key = reminder_key(invitation.id, lead)
        if key in done:
            continue
        draft = meeting_draft(
            session,
            key=key,
            kind=NotificationKind.REMINDER,
            meeting=meeting,
            to=to,
            template="reminder",
            subject=LazyString(_reminder_subject, invitation, meeting),
            settings=settings,
            now=now,
            inviter=invitation.inviter.name,
            invitee=invitation.invitee.name,
            deadline=LazyString(format_deadline, invitation.reply_deadline, meeting.timezone),
            lead=lead,
        )
        if lead == nearest:
            queued += outbox.enqueue(session, draft, now)
        else:
            outbox.enqueue(
                session,
                draft,
                now,
                status=OutboxStatus.SKIPPED,
                note=f"Superseded by the {nearest}-day reminder",
            )
    return queued


def _reminder_subject(invitation: Invitation, meeting: Meeting) -> str:
    """Built when composed, so in the recipient's language."""
    assert invitation.reply_deadline is not None
    local = invitation.reply_deadline.astimezone(ZoneInfo(meeting.timezone))
    day = format_moment(local, "%d %b", current_language())
    return gettext("Reply needed by %(date)s: %(title)s", date=day, title=meeting.title)
