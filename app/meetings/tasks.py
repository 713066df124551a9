"""Scheduled sweep: tell participants and invitees that a meeting moved, changed or was
cancelled, with an iTIP REQUEST (or CANCEL) their calendar applies.

The change feed is the audit log: meetings.services writes an audit entry in the same
transaction as every change, so a committed change always has one and a rolled-back change
never does. An entry is done once its id is in `notified_changes`; that row is inserted (or
found taken by a concurrent sweep) in the same transaction as the outbox rows it causes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta
from email.headerregistry import Address

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import Session

from app.agendas import versions
from app.agendas.models import AgendaVersion
from app.audit.actions import AuditAction
from app.audit.models import AuditEntry
from app.core.languages import current_language, format_moment
from app.core.timezones import utc_to_local
from app.core.upsert import insert_ignoring_duplicates
from app.invitations.models import Invitation, InvitationStatus
from app.invitations.tasks import answered_by_email, invitation_key
from app.meetings.models import Meeting, MeetingStatus
from app.meetings.services import CALENDAR_FIELDS
from app.notifications import itip, outbox
from app.notifications.compose import Text, meeting_draft, recipient_of
from app.notifications.models import NotificationKind, NotifiedChange
from app.people.models import Person
from app.settings import Settings

MOVED = AuditAction.MEETING_MOVED
STATUS_ACTIONS = frozenset(AuditAction.status_change(status.value) for status in MeetingStatus)
# agendas.versions records each circulated version on the meeting; from version 2 on it is a
# re-circulation that participants hear about (the first goes out with the papers).
AGENDA_CIRCULATED = AuditAction.AGENDA_CIRCULATED
PARTICIPANT_ADDED = AuditAction.PARTICIPANT_ADDED
PARTICIPANT_REMOVED = AuditAction.PARTICIPANT_REMOVED
ACTIONS = (
    {MOVED, AuditAction.MEETING_UPDATED, PARTICIPANT_ADDED, PARTICIPANT_REMOVED}
    | STATUS_ACTIONS
    | {AGENDA_CIRCULATED}
)
ISSUED = "invitation.issued"
WITHDRAWN = AuditAction.INVITATION_WITHDRAWN  # the invited person gets a CANCEL for their entry
WINDOW = timedelta(days=7)  # older unprocessed changes (a long outage) are not announced
NOT_ATTENDING = (InvitationStatus.DECLINED, InvitationStatus.WITHDRAWN)


def notify_meeting_changes(session: Session, settings: Settings, now: datetime, holder: str) -> int:
    pending = session.scalars(
        select(AuditEntry)
        .where(
            or_(
                and_(AuditEntry.entity_type == "meeting", AuditEntry.action.in_(sorted(ACTIONS))),
                and_(AuditEntry.entity_type == "invitation", AuditEntry.action == WITHDRAWN),
            ),
            AuditEntry.at >= now - WINDOW,
            ~exists().where(NotifiedChange.audit_entry_id == AuditEntry.id),
        )
        .order_by(AuditEntry.id)
    ).all()
    by_meeting: dict[int, list[AuditEntry]] = defaultdict(list)
    for entry in pending:
        meeting_id = _meeting_of(session, entry)
        if meeting_id is not None:
            by_meeting[meeting_id].append(entry)
    queued = 0
    for meeting_id, entries in by_meeting.items():
        claimed = [
            entry
            for entry in entries
            if insert_ignoring_duplicates(
                session, NotifiedChange, {"audit_entry_id": entry.id, "processed_at": now}
            )
        ]
        meeting = session.get(Meeting, meeting_id)
        if not claimed or meeting is None or meeting.end_utc <= now:
            continue
        queued += _announce(session, settings, now, meeting, claimed)
    return queued


def _meeting_of(session: Session, entry: AuditEntry) -> int | None:
    if entry.entity_type == "invitation" and entry.entity_id is not None:
        invitation = session.get(Invitation, entry.entity_id)
        return invitation.meeting_id if invitation is not None else None
    return entry.entity_id


def _announce(
    session: Session,
    settings: Settings,
    now: datetime,
    meeting: Meeting,
    entries: Sequence[AuditEntry],
) -> int:
    """One message per recipient for all the changes swept together, with the latest state."""
    last = max(entry.id for entry in entries)
    queued = 0
    added = {e.changes.get("person_id") for e in entries if e.action == PARTICIPANT_ADDED}
    removed = {e.changes.get("person_id") for e in entries if e.action == PARTICIPANT_REMOVED}
    for person_id in sorted(pid for pid in added | removed if isinstance(pid, int)):
        person = session.get(Person, person_id)
        to = recipient_of(person)
        if to is None or meeting.is_cancelled:
            continue
        joined = person_id in added and any(p.person_id == person_id for p in meeting.participants)
        queued += _queue(
            session,
            settings,
            now,
            meeting,
            to,
            key=f"change:{meeting.id}:{last}:{to.addr_spec}",
            headline=_l("You have been added to the delegation for this meeting.")
            if joined
            else _l("You are no longer in the delegation for this meeting."),
            subject=_l("Delegation: %(title)s", title=meeting.title)
            if joined
            else _l("Removed from delegation: %(title)s", title=meeting.title),
            method=itip.REQUEST if joined else itip.CANCEL,
        )
    queued += _cancel_withdrawn(session, settings, now, meeting, entries, last)
    headline, subject, method = _describe(meeting, entries)
    if headline is None:
        return queued
    previous = _previous_when(meeting, entries)
    awaiting = _awaiting_reply(session, meeting)
    pack_url = _pack_url(settings, meeting, entries)
    for to, side in _recipients(session, meeting, announcing=last):
        queued += _queue(
            session,
            settings,
            now,
            meeting,
            to,
            key=f"change:{meeting.id}:{last}:{to.addr_spec}",
            headline=headline,
            subject=_l("%(what)s: %(title)s", what=subject, title=meeting.title),
            method=method,
            previous_when=previous,
            details=_agenda_changes(session, meeting, entries, side),
            # Someone who has not answered is still asked to (RFC 5546: RSVP on the update).
            rsvp=method == itip.REQUEST and to.addr_spec in awaiting,
            pack_url=pack_url,
        )
    return queued


def _agenda_changes(
    session: Session, meeting: Meeting, entries: Sequence[AuditEntry], side: str
) -> list[str]:
    """What the re-circulated versions changed in `side`'s edition: a delegate of one side is
    never told the other side's items or papers (the stored summary names both)."""
    numbers = sorted(
        _version(entry)
        for entry in entries
        if entry.action == AGENDA_CIRCULATED and _version(entry) > 1
    )
    found = (_circulated_version(session, meeting.id, number) for number in numbers)
    return [
        line
        for version in found
        if version is not None
        for line in versions.changes_for(session, version, side)
    ]


def _circulated_version(session: Session, meeting_id: int, number: int) -> AgendaVersion | None:
    return session.scalar(
        select(AgendaVersion).where(
            AgendaVersion.meeting_id == meeting_id, AgendaVersion.number == number
        )
    )


def _pack_url(settings: Settings, meeting: Meeting, entries: Sequence[AuditEntry]) -> str:
    """The briefing packs' address when the circulation asked for it: one link for everyone,
    behind sign-in, where each reader gets their own side's pack (app/packs)."""
    asked = [e for e in entries if e.action == AGENDA_CIRCULATED and e.changes.get("pack_link")]
    if not asked:
        return ""
    number = max(_version(entry) for entry in asked)
    return f"{settings.base_url.rstrip('/')}/meetings/{meeting.id}/pack.pdf?version={number}"


def _cancel_withdrawn(
    session: Session,
    settings: Settings,
    now: datetime,
    meeting: Meeting,
    entries: Sequence[AuditEntry],
    last: int,
) -> int:
    """A withdrawn invitation whose e-mail (with its REQUEST) went out: CANCEL that entry,
    unless the person still attends (invited again, or in the delegation): a REQUEST for that
    may already be queued with the same SEQUENCE, and a CANCEL after it would delete it."""
    ids = [e.entity_id for e in entries if e.action == WITHDRAWN and e.entity_id is not None]
    invited = outbox.existing_keys(session, [invitation_key(i) for i in ids])
    attending = {to.addr_spec for to, _side in _recipients(session, meeting)}
    queued = 0
    for invitation_id in ids:
        invitation = session.get(Invitation, invitation_id)
        to = recipient_of(invitation.invitee_person) if invitation is not None else None
        if (
            to is None
            or invitation_key(invitation_id) not in invited
            or meeting.is_cancelled
            or to.addr_spec in attending
        ):
            continue
        queued += _queue(
            session,
            settings,
            now,
            meeting,
            to,
            key=f"change:{meeting.id}:{last}:{to.addr_spec}",
            headline=_l("The invitation to this meeting has been withdrawn."),
            subject=_l("Invitation withdrawn: %(title)s", title=meeting.title),
            method=itip.CANCEL,
        )
    return queued


def _describe(
    meeting: Meeting, entries: Sequence[AuditEntry]
) -> tuple[Text | None, Text, str | None]:
    """Headline and subject (lazy: written in each recipient's language), iTIP method."""
    actions = {entry.action for entry in entries}
    if meeting.status is MeetingStatus.CANCELLED:
        return _l("This meeting has been cancelled."), _l("Cancelled"), itip.CANCEL
    if meeting.status is MeetingStatus.POSTPONED and any(_postponed(e) for e in entries):
        # Whether it was postponed on its own, with the edit form, or moved at the same time.
        return (
            _l("This meeting has been postponed; a new date will follow."),
            _l("Postponed"),
            itip.REQUEST,
        )
    if MOVED in actions:
        return _l("This meeting has moved."), _l("Moved"), itip.REQUEST
    if actions & STATUS_ACTIONS or any(
        entry.action == AuditAction.MEETING_UPDATED and CALENDAR_FIELDS & entry.changes.keys()
        for entry in entries
    ):
        return _l("The details of this meeting have changed."), _l("Updated"), itip.REQUEST
    recirculated = [
        entry for entry in entries if entry.action == AGENDA_CIRCULATED and _version(entry) > 1
    ]
    with_packs = [
        e for e in entries if e.action == AGENDA_CIRCULATED and e.changes.get("pack_link")
    ]
    if with_packs and not recirculated:  # the first version, sent out with its papers
        return (
            _l(
                "The agenda of this meeting has been circulated (version %(number)s).",
                number=max(_version(entry) for entry in with_packs),
            ),
            _l("Agenda circulated"),
            None,
        )
    if recirculated:
        number = max(_version(entry) for entry in recirculated)
        return (
            _l(
                "The agenda of this meeting has been re-circulated (version %(number)s).",
                number=number,
            ),
            _l("Agenda re-circulated"),
            None,
        )
    return None, "", None


def _postponed(entry: AuditEntry) -> bool:
    """The entry made the meeting postponed: its status action, or an edit whose status
    changed to postponed (recorded as meeting.updated or meeting.moved)."""
    if entry.action == AuditAction.MEETING_POSTPONED:
        return True
    status = entry.changes.get("status")
    return isinstance(status, list) and status[-1:] == [MeetingStatus.POSTPONED.value]


def _version(entry: AuditEntry) -> int:
    value = entry.changes.get("version")
    return value if isinstance(value, int) else 0


def _previous_when(meeting: Meeting, entries: Sequence[AuditEntry]) -> Text:
    moves = [entry for entry in entries if entry.action == MOVED and "start_utc" in entry.changes]
    if not moves:
        return ""
    old_start = datetime.fromisoformat(moves[0].changes["start_utc"][0])
    return LazyString(_local_when, utc_to_local(old_start, meeting.timezone), meeting.timezone)


def _local_when(local: datetime, zone_name: str) -> str:
    """In the language being composed."""
    return f"{format_moment(local, '%a %d %b %Y, %H:%M', current_language())} ({zone_name})"


def _recipients(
    session: Session, meeting: Meeting, *, announcing: int | None = None
) -> list[tuple[Address, str]]:
    """Delegation members and invited people who have not declined, each address once, with
    the side ("uk" or "eu") whose edition of the agenda they read.

    `announcing` (the latest change announced): an invitation issued after it is left out,
    as its own e-mail shows the meeting as it is now; an "Updated" on top would announce a
    change its reader never saw the other side of.
    """
    people: list[Person | None] = [participant.person for participant in meeting.participants]
    invitations = session.scalars(
        select(Invitation).where(
            Invitation.meeting_id == meeting.id, Invitation.status.not_in(NOT_ATTENDING)
        )
    ).all()
    newer = _issued_after(session, [i.id for i in invitations], announcing)
    for invitation in invitations:
        if invitation.id not in newer:
            people.extend([invitation.invitee_person, invitation.representative])
    found: dict[str, tuple[Address, str]] = {}
    for person in people:
        to = recipient_of(person)
        if person is not None and to is not None:
            found.setdefault(to.addr_spec, (to, person.side.value))
    return list(found.values())


def _issued_after(session: Session, invitation_ids: list[int], entry_id: int | None) -> set[int]:
    if entry_id is None or not invitation_ids:
        return set()
    return set(
        session.scalars(
            select(AuditEntry.entity_id).where(
                AuditEntry.entity_type == "invitation",
                AuditEntry.action == ISSUED,
                AuditEntry.entity_id.in_(invitation_ids),
                AuditEntry.id > entry_id,
            )
        )
    )


def _awaiting_reply(session: Session, meeting: Meeting) -> set[str]:
    """Addresses of invited people who have not answered (in the app or by e-mail)."""
    invitations = session.scalars(
        select(Invitation).where(
            Invitation.meeting_id == meeting.id,
            Invitation.status == InvitationStatus.INVITED,
            ~answered_by_email(),
        )
    )
    found = (recipient_of(invitation.invitee_person) for invitation in invitations)
    return {to.addr_spec for to in found if to is not None}


def _queue(
    session: Session,
    settings: Settings,
    now: datetime,
    meeting: Meeting,
    to: Address,
    *,
    key: str,
    headline: Text,
    subject: Text,
    method: str | None,
    previous_when: Text = "",
    details: Sequence[str] = (),
    rsvp: bool = False,
    pack_url: str = "",
) -> int:
    draft = meeting_draft(
        session,
        key=key,
        kind=NotificationKind.MEETING_CHANGE,
        meeting=meeting,
        to=to,
        template="meeting_change",
        subject=subject,
        settings=settings,
        now=now,
        method=method,
        rsvp=rsvp,
        headline=headline,
        previous_when=previous_when,
        details=list(details),
        pack_url=pack_url,
    )
    return int(outbox.enqueue(session, draft, now))
