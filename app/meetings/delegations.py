"""Each side's delegation to a meeting, in protocol order."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit import services as audit
from app.audit.actions import AuditAction
from app.core import clock, validation
from app.core.errors import DuplicateError, InvalidTransition, NotFound, ValidationError
from app.meetings.conflicts import Warning, find_conflicts
from app.meetings.locking import lock_meeting
from app.meetings.models import Attendance, DelegateRole, Meeting, Participant
from app.people.services import get_person

if TYPE_CHECKING:
    from app.auth.models import User


def delegation(meeting: Meeting) -> dict[str, list[Participant]]:
    """Participants grouped by side ("uk", "eu"), each in protocol order."""
    grouped: dict[str, list[Participant]] = {"uk": [], "eu": []}
    for participant in sorted(meeting.participants, key=lambda p: (p.side.value, p.protocol_order)):
        grouped.setdefault(participant.side.value, []).append(participant)
    return grouped


def add_participant(
    session: Session,
    actor: User | None,
    meeting_id: int,
    person_id: int,
    *,
    role: DelegateRole | str = DelegateRole.ADVISER,
    attendance: Attendance | str = Attendance.WHOLE,
    protocol_order: int | None = None,
) -> tuple[Participant, list[Warning]]:
    """Add someone to their side's delegation; returns any double-booking it causes."""
    meeting = _open_meeting(session, meeting_id)
    person = get_person(session, person_id)
    if any(p.person_id == person.id for p in meeting.participants):
        raise DuplicateError(
            _("%(display_name)s is already in the delegation", display_name=person.display_name),
            field="person_id",
        )
    side = person.organisation.side
    same_side = [p for p in meeting.participants if p.side is side]
    last = max((p.protocol_order for p in same_side), default=0)
    order = last + 1 if protocol_order is None else protocol_order
    if order < 1 or order > last + 1:
        raise ValidationError(
            _("Protocol order must be between 1 and %(value)s", value=last + 1),
            field="protocol_order",
        )
    _shift_orders(session, same_side, from_order=order, by=1)
    participant = Participant(
        meeting=meeting,
        person=person,
        side=side,
        protocol_order=order,
        role=validation.choice(DelegateRole, role, "role"),
        attendance=validation.choice(Attendance, attendance, "attendance"),
    )
    session.add(participant)
    meeting.updated_at = clock.now()
    meeting.sequence += 1  # the calendar description lists the delegation
    session.flush()
    audit.record(
        session,
        actor,
        AuditAction.PARTICIPANT_ADDED,
        "meeting",
        meeting.id,
        f"{person.display_name} added to the {side.label} delegation",
        {
            "person_id": person.id,
            "side": side,
            "protocol_order": order,
            "role": participant.role,
            "attendance": participant.attendance,
        },
    )
    return participant, [w for w in find_conflicts(session, meeting) if w.person_id == person.id]


def remove_participant(
    session: Session, actor: User | None, meeting_id: int, person_id: int
) -> None:
    """Take someone out of the delegation; NotFound when they are not in it; audited."""
    meeting = _open_meeting(session, meeting_id)
    participant = next((p for p in meeting.participants if p.person_id == person_id), None)
    if participant is None:
        raise NotFound(_("That person is not in the delegation"), field="person_id")
    side, order = participant.side, participant.protocol_order
    meeting.participants.remove(participant)
    session.flush()
    later = [p for p in meeting.participants if p.side is side and p.protocol_order > order]
    _shift_orders(session, later, from_order=order + 1, by=-1)
    meeting.updated_at = clock.now()
    meeting.sequence += 1
    session.flush()
    audit.record(
        session,
        actor,
        AuditAction.PARTICIPANT_REMOVED,
        "meeting",
        meeting.id,
        "Participant removed from the delegation",
        {"person_id": person_id},
    )


def people_in(session: Session, meeting_ids: Sequence[int]) -> dict[int, list[Participant]]:
    """The participants of several meetings in one query, by meeting id."""
    rows = session.scalars(select(Participant).where(Participant.meeting_id.in_(meeting_ids)))
    found: dict[int, list[Participant]] = {}
    for row in rows:
        found.setdefault(row.meeting_id, []).append(row)
    return found


def _open_meeting(session: Session, meeting_id: int) -> Meeting:
    """The meeting, locked: two changes to one delegation queue, so the second sees the first
    (someone already added, protocol orders already shifted) instead of racing it."""
    meeting = lock_meeting(session, meeting_id)
    if meeting.is_cancelled:
        raise InvalidTransition(
            _("A cancelled meeting's delegation cannot change"), field="meeting"
        )
    return meeting


def _shift_orders(
    session: Session, participants: list[Participant], *, from_order: int, by: int
) -> None:
    """Renumber without tripping the (meeting, side, order) unique constraint mid-update."""
    moving = sorted(
        (p for p in participants if p.protocol_order >= from_order),
        key=lambda p: p.protocol_order,
        reverse=by > 0,
    )
    for participant in moving:
        participant.protocol_order += by
        session.flush()
