"""Sweeps for invitations from Brussels: answer the organiser, tell the secretariat.

Like app.meetings.tasks they read the audit log, which the services write in the same
transaction as each change: a decision on a received invitation becomes the organiser's iTIP
REPLY; a received, updated or cancelled invitation becomes a notice to the secretariat. The
outbox key names the audit entry, so a second sweep queues nothing twice.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.actions import AuditAction
from app.audit.models import AuditEntry
from app.invitations.models import (
    Invitation,
    InvitationScope,
    InvitationStatus,
    ReceivedInvitation,
)
from app.invitations.received_reply import PARTSTAT, REPLY, organiser_reply
from app.notifications import outbox
from app.notifications.addresses import mailbox, one_line
from app.notifications.compose import recipient_of, secretariat, secretariat_draft
from app.notifications.models import NotificationKind
from app.notifications.outbox import Draft
from app.notifications.rendering import render, when
from app.people.models import Person
from app.settings import Settings

WINDOW = timedelta(days=7)  # older unprocessed entries (a long outage) are not acted on
DECISIONS = (
    AuditAction.INVITATION_ACCEPTED,
    AuditAction.INVITATION_DECLINED,
    AuditAction.INVITATION_TENTATIVE,
    AuditAction.INVITATION_REPLY_CONFIRMED,  # the same answer again, after the organiser's update
)
FROM_ORGANISER = (
    AuditAction.INVITATION_RECEIVED,
    AuditAction.INVITATION_ORGANISER_CHANGED,
    AuditAction.INVITATION_ORGANISER_CANCELLED,
)

# What the UK attends, when it is not the whole meeting (read in the COMMENT by the organiser).
ATTENDING = {
    InvitationScope.LUNCH: lambda: _("Attending the working lunch only."),
    InvitationScope.ITEMS: lambda: _("Attending the agenda items the UK was invited to only."),
}


def reply_key(audit_entry_id: int) -> str:
    return f"organiser-reply:{audit_entry_id}"


def notice_key(audit_entry_id: int) -> str:
    return f"received-notice:{audit_entry_id}"


def answer_organisers(session: Session, settings: Settings, now: datetime, holder: str) -> int:
    """Queue the iTIP REPLY for the latest decision on each received invitation."""
    rows = session.execute(
        select(AuditEntry, ReceivedInvitation)
        .join(ReceivedInvitation, ReceivedInvitation.invitation_id == AuditEntry.entity_id)
        .where(
            AuditEntry.entity_type == "invitation",
            AuditEntry.action.in_(sorted(DECISIONS)),
            AuditEntry.at >= now - WINDOW,
        )
        .order_by(AuditEntry.id)
    ).all()
    latest = {received.id: (entry, received) for entry, received in rows}
    done = outbox.existing_keys(session, [reply_key(e.id) for e, _r in latest.values()])
    queued = 0
    for entry, received in latest.values():
        invitation = received.invitation
        if reply_key(entry.id) in done or invitation.status not in PARTSTAT:
            continue
        # By id: the relationship may still hold the representative before this decision.
        representative = (
            session.get(Person, invitation.representative_id)
            if invitation.representative_id is not None
            else None
        )
        with force_locale(settings.default_language):  # the organiser reads the house language
            draft = _reply_draft(
                reply_key(entry.id), received, invitation, representative, settings, now
            )
        queued += outbox.enqueue(session, draft, now)
    return queued


def tell_secretariat(session: Session, settings: Settings, now: datetime, holder: str) -> int:
    """Tell the secretariat of each invitation received, updated or cancelled by its organiser."""
    entries = session.scalars(
        select(AuditEntry)
        .where(
            AuditEntry.entity_type == "invitation",
            AuditEntry.action.in_(sorted(FROM_ORGANISER)),
            AuditEntry.at >= now - WINDOW,
        )
        .order_by(AuditEntry.id)
    ).all()
    done = outbox.existing_keys(session, [notice_key(entry.id) for entry in entries])
    queued = 0
    for entry in entries:
        invitation = session.get(Invitation, entry.entity_id) if entry.entity_id else None
        details = [str(line) for line in entry.changes.get("changes") or []]
        quiet = entry.action == AuditAction.INVITATION_ORGANISER_CHANGED and not details
        if notice_key(entry.id) in done or invitation is None or quiet:
            continue  # (an update that changed nothing Entente keeps: attendees, DTSTAMP)
        with force_locale(settings.default_language):
            headline, subject = _notice(entry.action, invitation)
        draft = secretariat_draft(
            key=notice_key(entry.id),
            kind=NotificationKind.MEETING_CHANGE,
            template="meeting_change",
            subject=f"{subject}: {invitation.meeting.title}",
            settings=settings,
            meeting=invitation.meeting,
            name=_("colleagues"),
            headline=headline,
            previous_when="",
            details=details,
            pack_url="",
        )
        queued += outbox.enqueue(session, draft, now)
    return queued


def _reply_draft(
    key: str,
    received: ReceivedInvitation,
    invitation: Invitation,
    representative: Person | None,
    settings: Settings,
    now: datetime,
) -> Draft:
    meeting = invitation.meeting
    lines = []
    if representative is not None:
        lines.append(_("Represented by %(name)s.", name=representative.display_name))
    if invitation.status is not InvitationStatus.DECLINED and invitation.scope in ATTENDING:
        lines.append(ATTENDING[invitation.scope]())
    if invitation.reply_note:
        lines.append(invitation.reply_note)
    comment = "\n".join(lines)
    answer = {
        "accepted": (_("Accepted"), _("%(who)s accepts your invitation.")),
        "declined": (_("Declined"), _("%(who)s declines your invitation.")),
        "tentative": (_("Tentative"), _("%(who)s tentatively accepts your invitation.")),
    }[invitation.status.value]
    subject = f"{answer[0]}: {meeting.title}"
    to = mailbox(received.organiser_name, received.organiser_email)
    rendered = render(
        "organiser_reply",
        subject=subject,
        name=to.display_name or to.addr_spec,
        headline=answer[1] % {"who": invitation.invitee.name},
        title=meeting.title,
        when=when(meeting),
        comment=comment,
    )
    return Draft(
        key=key,
        kind=NotificationKind.INVITATION,
        recipient=to.addr_spec,
        recipient_name=to.display_name,
        subject=one_line(subject, max_length=300),
        body_text=rendered.text,
        body_html=rendered.html,
        calendar=organiser_reply(
            received,
            invitation,
            # The UK representative when they have an address, else the secretariat.
            attendee=recipient_of(representative) or secretariat(settings),
            comment=comment,
            now=now,
        ),
        calendar_method=REPLY,
        meeting_id=meeting.id,
    )


def _notice(action: str, invitation: Invitation) -> tuple[str, str]:
    organiser = invitation.inviter.name
    if action == AuditAction.INVITATION_RECEIVED:
        return (
            _(
                "%(organiser)s invites %(invitee)s; the invitation waits for your decision.",
                organiser=organiser,
                invitee=invitation.invitee.name,
            ),
            _("Invitation received"),
        )
    if action == AuditAction.INVITATION_ORGANISER_CANCELLED:
        return _("%(organiser)s cancelled this meeting.", organiser=organiser), _("Cancelled")
    return _("%(organiser)s changed this meeting.", organiser=organiser), _(
        "Updated by the organiser"
    )
