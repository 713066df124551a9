"""Applying an invitee's iTIP REPLY (or COUNTER) to the invitation it answers.

Our invitations carry the meeting's UID and one ATTENDEE, the invited person's address
(app/notifications/itip.py), so a reply is matched by UID and the answering ATTENDEE. The
matching is done for a whole batch of messages with one query per table (`Matcher`).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from icalendar import Calendar, Component, Event
from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from app.audit import services as audit
from app.core.errors import EntenteError
from app.feeds.stamp import current_stamps
from app.inbound.models import EmailReply, InboundMessage, InboundOutcome, ReplyKind
from app.inbound.screening import ITipObject, Refused, address_of
from app.invitations import services as invitations
from app.invitations.models import Invitation, InvitationStatus
from app.meetings.models import Meeting
from app.notifications import itip
from app.notifications.models import OutboxMessage
from app.people.models import Person

STATUSES = {
    "ACCEPTED": InvitationStatus.ACCEPTED,
    "DECLINED": InvitationStatus.DECLINED,
    "TENTATIVE": InvitationStatus.TENTATIVE,
}
DELEGATED = "DELEGATED"
_SEQUENCE = re.compile(r"^SEQUENCE:(\d+)\r?$", re.MULTILINE)


@dataclass(frozen=True)
class Outcome:
    outcome: InboundOutcome
    summary: str


@dataclass
class Matcher:
    """Meetings, invitations and the SEQUENCE last sent, for the UIDs of one batch."""

    meetings: dict[str, Meeting] = field(default_factory=dict)
    invitations: dict[tuple[int, str], Invitation] = field(default_factory=dict)
    sent_sequence: dict[tuple[int, str], int] = field(default_factory=dict)
    stamps: dict[int, int] = field(default_factory=dict)
    seen_keys: set[str] = field(default_factory=set)  # stored before, or earlier in the batch

    @classmethod
    def load(cls, session: Session, calendars: Iterable[Calendar]) -> Matcher:
        uids = {str(event.get("UID", "")) for c in calendars for event in c.walk("VEVENT")}
        matcher = cls()
        uids.discard("")
        if not uids:
            return matcher
        for meeting in session.scalars(select(Meeting).where(Meeting.uid.in_(sorted(uids)))):
            matcher.meetings[meeting.uid] = meeting
        ids = [meeting.id for meeting in matcher.meetings.values()]
        if not ids:
            return matcher
        rows = session.execute(
            select(Invitation, func.lower(Person.email))
            .join(Person, Person.id == Invitation.invitee_person_id)
            .where(Invitation.meeting_id.in_(ids))
            .options(joinedload(Invitation.meeting), joinedload(Invitation.invitee))
            .order_by(Invitation.id)
        ).all()
        for invitation, address in rows:
            if address:  # the latest invitation to that person wins
                matcher.invitations[(invitation.meeting_id, address)] = invitation
        sent = session.execute(
            select(OutboxMessage.meeting_id, OutboxMessage.recipient, OutboxMessage.calendar)
            .where(
                OutboxMessage.meeting_id.in_(ids),
                OutboxMessage.calendar_method == itip.REQUEST,
            )
            .order_by(OutboxMessage.id)
        ).all()
        for meeting_id, recipient, calendar in sent:
            found = _SEQUENCE.search(calendar or "")
            if meeting_id is not None and found:
                matcher.sent_sequence[(meeting_id, recipient.lower())] = int(found.group(1))
        stamps = current_stamps(session, list(matcher.meetings.values()))
        matcher.stamps = {meeting_id: stamp.sequence for meeting_id, stamp in stamps.items()}
        matcher.seen_keys = _stored_keys(session, calendars)
        return matcher

    def sequence_of(self, meeting: Meeting, attendee: str) -> int:
        """The SEQUENCE of the last REQUEST sent to `attendee`, else the calendar's current."""
        sent = self.sent_sequence.get((meeting.id, attendee))
        return sent if sent is not None else self.stamps.get(meeting.id, 0)


def _stored_keys(session: Session, calendars: Iterable[Calendar]) -> set[str]:
    """The dedup keys already stored among those the batch's answers could have (one per
    ATTENDEE of each event: which one answers is decided later)."""
    candidates = set()
    for calendar in calendars:
        method = str(calendar.get("METHOD", "")).upper()
        for event in calendar.walk("VEVENT"):
            values = event.get("ATTENDEE")
            for value in values if isinstance(values, list) else [values]:
                address = address_of(value)
                if address is not None:
                    uid = str(event.get("UID", "")).strip()
                    sequence = _int(event.get("SEQUENCE", 0))
                    candidates.add(_dedup_key(method, uid, sequence, address, event))
    if not candidates:
        return set()
    query = select(EmailReply.dedup_key).where(EmailReply.dedup_key.in_(sorted(candidates)))
    return set(session.scalars(query))


def apply_answer(
    session: Session,
    found: ITipObject,
    senders: frozenset[str],
    secretariat: frozenset[str],
    log: InboundMessage,
    matcher: Matcher,
    now: datetime,
) -> Outcome:
    """A REPLY or COUNTER: the reply row, the invitation updated when it applies, an audit
    entry; Refused (quarantine) when it cannot be matched to someone we invited."""
    event = _single_event(found.calendar)
    uid = str(event.get("UID", "")).strip()
    organizer = address_of(event.get("ORGANIZER"))
    if organizer not in secretariat:
        raise Refused(
            _("The ORGANIZER (%(organizer)s) is not the secretariat", organizer=organizer or "-")
        )
    attendee, params = _answering_attendee(event, senders or frozenset({found.sender}))
    meeting = matcher.meetings.get(uid)
    if meeting is None:
        raise Refused(_("Unknown UID: no meeting has UID %(uid)s", uid=uid[:100] or "-"))
    invitation = matcher.invitations.get((meeting.id, attendee))
    if invitation is None:
        raise Refused(
            _("%(attendee)s was not invited to “%(title)s”", attendee=attendee, title=meeting.title)
        )
    sequence = _int(event.get("SEQUENCE", 0))
    key = _dedup_key(found.method, uid, sequence, attendee, event)
    if key in matcher.seen_keys:
        return Outcome(InboundOutcome.DUPLICATE, _("The same answer was already received"))
    matcher.seen_keys.add(key)
    current = matcher.sequence_of(meeting, attendee)
    reply = EmailReply(
        invitation_id=invitation.id,
        inbound_message_id=log.id,
        kind=ReplyKind.COUNTER if found.method == "COUNTER" else ReplyKind.REPLY,
        dedup_key=key,
        attendee=attendee,
        attendee_name=str(params.get("CN", ""))[:200],
        partstat=str(params.get("PARTSTAT", "")).upper()[:32],
        delegated_to=(address_of(params.get("DELEGATED-TO")) or "")[:254],
        sequence=sequence,
        current_sequence=current,
        stale=sequence < current,
        comment=str(event.get("COMMENT", ""))[:2000],
        received_at=now,
    )
    if reply.kind is ReplyKind.COUNTER:
        return _counter(session, reply, invitation, event, meeting)
    return _reply(session, reply, invitation, now)


def _reply(session: Session, reply: EmailReply, invitation: Invitation, now: datetime) -> Outcome:
    if reply.partstat not in STATUSES and reply.partstat != DELEGATED:
        raise Refused(_("A reply must be ACCEPTED, DECLINED, TENTATIVE or DELEGATED"))
    title = invitation.meeting.title
    if reply.stale:
        session.add(reply)
        audit.record(
            session,
            None,
            "invitation.reply_to_old_version",
            "invitation",
            invitation.id,
            f"{reply.attendee} answered {reply.partstat} to the version before the move "
            f"(SEQUENCE {reply.sequence}, now {reply.current_sequence}); not applied",
            {"partstat": reply.partstat, "sequence": reply.sequence},
        )
        return Outcome(InboundOutcome.RECORDED, _("Reply to the version before the move"))
    if reply.partstat == DELEGATED:
        invitations.record_email_delegation(
            session, invitation, attendee=reply.attendee, delegated_to=reply.delegated_to, at=now
        )
        reply.applied = True
        session.add(reply)
        return Outcome(InboundOutcome.APPLIED, f"{reply.attendee} delegated “{title}”")
    try:  # refused before it changes anything (a transition, a cancelled meeting)
        invitations.record_email_reply(
            session, invitation, STATUSES[reply.partstat], attendee=reply.attendee, at=now
        )
    except EntenteError as error:
        session.add(reply)
        return Outcome(
            InboundOutcome.RECORDED, _("Recorded, not applied: %(why)s", why=error.message)
        )
    reply.applied = True
    session.add(reply)
    return Outcome(InboundOutcome.APPLIED, f"{reply.attendee} {reply.partstat} “{title}”")


def _counter(
    session: Session, reply: EmailReply, invitation: Invitation, event: Event, meeting: Meeting
) -> Outcome:
    zone = ZoneInfo(meeting.timezone)
    reply.proposed_start_utc = _utc(event, "DTSTART", zone)
    reply.proposed_end_utc = _utc(event, "DTEND", zone)
    session.add(reply)
    audit.record(
        session,
        None,
        "invitation.counter_proposed",
        "invitation",
        invitation.id,
        f"{reply.attendee} proposed a new time for “{meeting.title}” (not applied)",
        {
            "proposed_start_utc": reply.proposed_start_utc,
            "proposed_end_utc": reply.proposed_end_utc,
        },
    )
    return Outcome(InboundOutcome.RECORDED, _("Proposal of a new time, for the secretariat"))


def _single_event(calendar: Calendar) -> Event:
    events = [e for e in calendar.walk("VEVENT") if "RECURRENCE-ID" not in e]
    if len(events) != 1:
        raise Refused(_("An answer must carry exactly one event"))
    event = events[0]
    if not isinstance(event, Event):  # icalendar gives VEVENTs their own class
        raise Refused(_("An answer must carry exactly one event"))
    return event


def _answering_attendee(event: Event, senders: frozenset[str]) -> tuple[str, dict[str, str]]:
    """The ATTENDEE the message's sender answers for (their own address)."""
    values = event.get("ATTENDEE")
    attendees = values if isinstance(values, list) else [values] if values is not None else []
    for value in attendees:
        address = address_of(value)
        if address is not None and address in senders:
            return address, {str(k).upper(): str(v) for k, v in value.params.items()}
    raise Refused(_("The answer is not from the attendee it speaks for"))


def _dedup_key(method: str, uid: str, sequence: int, attendee: str, event: Component) -> str:
    stamp = str(event.get("DTSTAMP").to_ical().decode() if event.get("DTSTAMP") else "")
    text = "\x1f".join((method, uid, str(sequence), attendee, stamp))
    return hashlib.sha256(text.encode()).hexdigest()


def _int(value: object) -> int:
    try:
        return max(0, min(int(str(value)), 2**31 - 1))
    except ValueError as error:
        raise Refused(_("Malformed iCalendar: SEQUENCE is not a number")) from error


def _utc(event: Event, name: str, zone: ZoneInfo) -> datetime | None:
    if name not in event:
        return None
    value = event.decoded(name)
    if isinstance(value, datetime):
        moment = value if value.tzinfo is not None else value.replace(tzinfo=zone)
        return moment.astimezone(UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=zone).astimezone(UTC)
    return None
