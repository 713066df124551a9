"""Issuing invitations, recording replies, withdrawing them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from flask_babel import gettext as _
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from app.agendas.models import AgendaItem
from app.agendas.numbering import visible_to
from app.agendas.rules import own_side
from app.audit import services as audit
from app.audit.actions import AuditAction
from app.core import clock, validation
from app.core.errors import (
    DuplicateError,
    InvalidTransition,
    NotFound,
    StaleVersion,
    ValidationError,
)
from app.core.paging import Page, paginate
from app.core.unique import flush_unique
from app.invitations.models import (
    INVITATION_TRANSITIONS,
    STANDING_STATUSES,
    Invitation,
    InvitationScope,
    InvitationStatus,
)
from app.meetings.access import may_read, readable_by
from app.meetings.models import Meeting, MeetingStatus, meeting_topics
from app.meetings.services import get_meeting
from app.people.models import Person
from app.people.services import get_organisation, get_person

if TYPE_CHECKING:
    from app.auth.models import User


@dataclass
class InvitationInput:
    meeting_id: int
    inviter_id: int
    invitee_id: int
    invitee_person_id: int | None = None
    scope: InvitationScope | str = InvitationScope.WHOLE
    agenda_item_ids: Sequence[int] = field(default_factory=list)
    reply_deadline: datetime | None = None
    message: str = ""


@dataclass(frozen=True)
class InvitationFilter:
    meeting_id: int | None = None
    invitee_id: int | None = None
    status: InvitationStatus | None = None
    topic_id: int | None = None
    open_only: bool = False


def get_invitation(session: Session, invitation_id: int) -> Invitation:
    """The invitation with this id, or NotFound (whoever may read it: see readable_invitation)."""
    invitation = session.get(Invitation, invitation_id)
    if invitation is None:
        raise NotFound(
            _("No invitation with id %(invitation_id)s", invitation_id=invitation_id),
            field="invitation",
        )
    return invitation


def readable_invitation(session: Session, actor: User | None, invitation_id: int) -> Invitation:
    """The invitation, if `actor` may read its meeting; otherwise as if there were none."""
    invitation = get_invitation(session, invitation_id)
    if not may_read(session, actor, invitation.meeting):
        raise NotFound(
            _("No invitation with id %(invitation_id)s", invitation_id=invitation_id),
            field="invitation",
        )
    return invitation


def list_invitations(
    session: Session, actor: User | None, filters: InvitationFilter = InvitationFilter()
) -> Sequence[Invitation]:
    """Invitations to the meetings `actor` may read, soonest reply deadline first."""
    return session.scalars(_invitations_query(actor, filters)).all()


def page_of_invitations(
    session: Session,
    actor: User | None,
    filters: InvitationFilter,
    *,
    page: int = 1,
    per_page: int = 50,
) -> Page[Invitation]:
    """One page of `list_invitations`, for lists that grow long."""
    return paginate(session, _invitations_query(actor, filters), page, per_page)


def _invitations_query(actor: User | None, filters: InvitationFilter) -> Select[Invitation]:
    query = (
        select(Invitation)
        .join(Meeting, Meeting.id == Invitation.meeting_id)
        .where(readable_by(actor))
    )
    if filters.meeting_id is not None:
        query = query.where(Invitation.meeting_id == filters.meeting_id)
    if filters.invitee_id is not None:
        query = query.where(Invitation.invitee_id == filters.invitee_id)
    if filters.status is not None:
        query = query.where(Invitation.status == filters.status)
    if filters.open_only:
        query = query.where(
            Invitation.status.in_([InvitationStatus.INVITED, InvitationStatus.TENTATIVE])
        )
    if filters.topic_id is not None:
        query = query.where(
            Invitation.meeting_id.in_(
                select(meeting_topics.c.meeting_id).where(
                    meeting_topics.c.topic_id == filters.topic_id
                )
            )
        )
    return query.order_by(Invitation.reply_deadline, Invitation.id)


def issue_invitation(
    session: Session,
    actor: User | None,
    data: InvitationInput,
    *,
    issued_at: datetime | None = None,
) -> Invitation:
    """Invite an organisation to a meeting that has not ended yet. `issued_at` (default: now)
    is for the demo, which seeds invitations to meetings already held as they were issued."""
    now = issued_at or clock.now()
    meeting = get_meeting(session, data.meeting_id)
    if meeting.status is MeetingStatus.CANCELLED:
        raise InvalidTransition(
            _("Cannot invite anyone to a cancelled meeting"), field="meeting_id"
        )
    if meeting.end_utc <= now:
        raise InvalidTransition(
            _("The meeting has ended: nobody can be invited to it any more"), field="meeting_id"
        )
    inviter = get_organisation(session, data.inviter_id)
    invitee = get_organisation(session, data.invitee_id)
    if inviter.id == invitee.id:
        raise ValidationError(_("An organisation cannot invite itself"), field="invitee_id")
    if _open_invitation_exists(session, meeting.id, invitee.id):
        raise _already_invited(invitee.name)
    person_id = _person_of(session, data.invitee_person_id, invitee.id, "invitee_person_id")
    scope = validation.choice(InvitationScope, data.scope, "scope")
    side = own_side(session, actor)
    items = _agenda_items(session, meeting.id, scope, data.agenda_item_ids, side)
    deadline = _deadline(data.reply_deadline, meeting.start_utc)
    invitation = Invitation(
        meeting_id=meeting.id,
        inviter_id=inviter.id,
        invitee_id=invitee.id,
        invitee_person_id=person_id,
        scope=scope,
        reply_deadline=deadline,
        message=validation.text(
            data.message, "message", max_length=5000, required=False, multiline=True
        ),
        agenda_items=items,
        created_at=now,
        updated_at=now,
    )
    session.add(invitation)
    # The check above cannot see a simultaneous issue; the unique index can.
    flush_unique(session, {"uq_invitations_open": _already_invited(invitee.name)})
    audit.record(
        session,
        actor,
        "invitation.issued",
        "invitation",
        invitation.id,
        f"{inviter.code} invited {invitee.code} to “{meeting.title}”",
        {
            "meeting_id": meeting.id,
            "inviter_id": inviter.id,
            "invitee_id": invitee.id,
            "invitee_person_id": person_id,
            "scope": scope,
            "reply_deadline": deadline,
            "agenda_item_ids": [item.id for item in items],
            "status": invitation.status,
            "message": invitation.message,
            "representative_id": None,
            "reply_note": "",
        },
    )
    return invitation


def reply_to_invitation(
    session: Session,
    actor: User | None,
    invitation_id: int,
    status: InvitationStatus | str,
    *,
    representative_id: int | None = None,
    note: str = "",
    scope: InvitationScope | str | None = None,
    expected_version: int | None = None,
) -> Invitation:
    """Record the invitee's answer: accepted (with who represents and, when `scope` is given,
    what they attend: the whole meeting, the lunch, or the invited agenda items), declined or
    tentative."""
    invitation = _for_change(session, invitation_id, expected_version)
    new_status = validation.choice(InvitationStatus, status, "status")
    if new_status in {InvitationStatus.INVITED, InvitationStatus.WITHDRAWN}:
        raise ValidationError(_("A reply is accepted, declined or tentative"), field="status")
    if invitation.meeting.status is MeetingStatus.CANCELLED:
        raise InvalidTransition(
            _("The meeting was cancelled; no reply can be recorded"), field="status"
        )
    _check_transition(invitation.status, new_status)
    representative = _person_of(
        session, representative_id, invitation.invitee_id, "representative_id"
    )
    new_scope = _reply_scope(invitation, scope)
    before = _reply_fields(invitation)
    invitation.status = new_status
    invitation.scope = new_scope
    invitation.representative_id = (
        representative if new_status is not InvitationStatus.DECLINED else None
    )
    invitation.reply_note = validation.text(
        note, "note", max_length=2000, required=False, multiline=True
    )
    # What was stored, not what was asked: a decline keeps no representative.
    changes = audit.diff(before, _reply_fields(invitation))
    invitation.replied_at = clock.now()
    invitation.updated_at = clock.now()
    # Accepting a declined invitation while a newer one stands would make two.
    flush_unique(session, {"uq_invitations_open": _already_invited(invitation.invitee.name)})
    audit.record(
        session,
        actor,
        f"invitation.{new_status.value}",
        "invitation",
        invitation.id,
        f"{invitation.invitee.code} {new_status.value} “{invitation.meeting.title}”",
        changes,
    )
    return invitation


def withdraw_invitation(
    session: Session,
    actor: User | None,
    invitation_id: int,
    *,
    reason: str = "",
    expected_version: int | None = None,
) -> Invitation:
    """Withdraw an invitation, with an optional reason for the audit log; StaleVersion if
    `expected_version` is out of date, InvalidTransition if its status does not allow it."""
    invitation = _for_change(session, invitation_id, expected_version)
    _check_transition(invitation.status, InvitationStatus.WITHDRAWN)
    changes = {"status": [invitation.status.value, InvitationStatus.WITHDRAWN.value]}
    invitation.status = InvitationStatus.WITHDRAWN
    invitation.updated_at = clock.now()
    session.flush()
    summary = f"Invitation of {invitation.invitee.code} withdrawn"
    if reason:
        summary += f": {validation.text(reason, 'reason', max_length=300)}"
    audit.record(
        session,
        actor,
        AuditAction.INVITATION_WITHDRAWN,
        "invitation",
        invitation.id,
        summary,
        changes,
    )
    return invitation


def set_reply_deadline(
    session: Session,
    actor: User | None,
    invitation_id: int,
    deadline: datetime | None,
    *,
    expected_version: int | None = None,
) -> Invitation:
    """Set or clear (None) the reply deadline of an unanswered invitation; it needs a time
    zone and must fall before the meeting starts (ValidationError)."""
    invitation = _for_change(session, invitation_id, expected_version)
    if not invitation.status.is_open:
        raise InvalidTransition(
            _("Only an unanswered invitation has a reply deadline"), field="reply_deadline"
        )
    new_deadline = _deadline(deadline, invitation.meeting.start_utc)
    changes = {"reply_deadline": [invitation.reply_deadline, new_deadline]}
    invitation.reply_deadline = new_deadline
    invitation.updated_at = clock.now()
    session.flush()
    audit.record(
        session,
        actor,
        "invitation.deadline_set",
        "invitation",
        invitation.id,
        "Reply deadline changed",
        changes,
    )
    return invitation


def _reply_scope(invitation: Invitation, scope: InvitationScope | str | None) -> InvitationScope:
    """What the invitee attends: as invited unless the reply says otherwise; agenda items
    only when the invitation lists some (a reply does not choose new items)."""
    if scope is None or scope == "":
        return invitation.scope
    chosen = validation.choice(InvitationScope, scope, "scope")
    if chosen is InvitationScope.ITEMS and not invitation.agenda_items:
        raise ValidationError(
            _("This invitation lists no agenda items; reply for the whole meeting or the lunch"),
            field="scope",
        )
    return chosen


def _reply_fields(invitation: Invitation) -> dict[str, object]:
    return {
        "scope": invitation.scope,
        "status": invitation.status,
        "representative_id": invitation.representative_id,
        "reply_note": invitation.reply_note,
    }


def _for_change(session: Session, invitation_id: int, expected_version: int | None) -> Invitation:
    invitation = get_invitation(session, invitation_id)
    if expected_version is not None and expected_version != invitation.version:
        raise StaleVersion(
            _("This invitation was changed by someone else; reload it and try again")
        )
    return invitation


def _check_transition(old: InvitationStatus, new: InvitationStatus) -> None:
    if new not in INVITATION_TRANSITIONS[old]:
        raise InvalidTransition(
            _(
                "An invitation that is %(value)s cannot become %(value2)s",
                value=old.value,
                value2=new.value,
            ),
            field="status",
        )


def _already_invited(name: str) -> DuplicateError:
    return DuplicateError(
        _("%(name)s already has an open invitation to this meeting", name=name), field="invitee_id"
    )


def _open_invitation_exists(session: Session, meeting_id: int, invitee_id: int) -> bool:
    return (
        session.scalar(
            select(Invitation.id).where(
                Invitation.meeting_id == meeting_id,
                Invitation.invitee_id == invitee_id,
                Invitation.status.in_(STANDING_STATUSES),
            )
        )
        is not None
    )


def _person_of(
    session: Session, person_id: int | None, organisation_id: int, field_name: str
) -> int | None:
    """A person who may speak for the invited organisation: anyone on its side."""
    if person_id is None:
        return None
    try:
        person = get_person(session, person_id)
    except NotFound as exc:
        raise ValidationError(exc.message, field=field_name) from exc
    organisation = get_organisation(session, organisation_id)
    if person.organisation.side is not organisation.side:
        raise ValidationError(
            _(
                "%(display_name)s is not on the %(label)s side",
                display_name=person.display_name,
                label=organisation.side.label,
            ),
            field=field_name,
        )
    return person.id


def _agenda_items(
    session: Session,
    meeting_id: int,
    scope: InvitationScope,
    item_ids: Sequence[int],
    side: str | None = None,
) -> list[AgendaItem]:
    """The items an invitation covers: of this meeting, and of `side`'s edition when the
    editor is one side's (the other side's items are not theirs to name)."""
    if scope is not InvitationScope.ITEMS:
        if item_ids:
            raise ValidationError(
                _("Agenda items are listed only when the scope is 'items'"), field="agenda_item_ids"
            )
        return []
    if not item_ids:
        raise ValidationError(
            _("List the agenda items the invitation covers"), field="agenda_item_ids"
        )
    items = list(session.scalars(select(AgendaItem).where(AgendaItem.id.in_(item_ids))))
    if len(items) != len(set(item_ids)) or any(
        item.meeting_id != meeting_id or not visible_to(item, side) for item in items
    ):
        raise ValidationError(
            _("Every listed agenda item must belong to this meeting"), field="agenda_item_ids"
        )
    return items


def _deadline(deadline: datetime | None, meeting_start: datetime) -> datetime | None:
    if deadline is None:
        return None
    if deadline.tzinfo is None:
        raise ValidationError(_("Reply deadline needs a time zone"), field="reply_deadline")
    validation.in_range(deadline, "reply_deadline")
    if deadline >= meeting_start:
        raise ValidationError(
            _("The reply deadline must be before the meeting starts"), field="reply_deadline"
        )
    return deadline


def record_email_reply(
    session: Session,
    invitation: Invitation,
    status: InvitationStatus,
    *,
    attendee: str,
    at: datetime,
) -> Invitation:
    """An answer that came by e-mail (app.inbound): the same transitions as a reply typed in,
    the same answer twice changes nothing but its time. Accepting names the person who answered
    as the representative when none is known yet."""
    if invitation.meeting.status is MeetingStatus.CANCELLED:
        raise InvalidTransition(_("The meeting was cancelled; no reply can be recorded"))
    if status is not invitation.status:
        _check_transition(invitation.status, status)
    before = _reply_fields(invitation)
    invitation.status = status
    if status is InvitationStatus.ACCEPTED and invitation.representative_id is None:
        invitation.representative_id = invitation.invitee_person_id
    if status is InvitationStatus.DECLINED:
        invitation.representative_id = None
    invitation.reply_note = f"By e-mail from {attendee}"
    invitation.replied_at = at
    invitation.updated_at = at
    flush_unique(session, {"uq_invitations_open": _already_invited(invitation.invitee.name)})
    audit.record(
        session,
        None,
        f"invitation.{status.value}",
        "invitation",
        invitation.id,
        f"{invitation.invitee.code} {status.value} “{invitation.meeting.title}” by e-mail "
        f"({attendee})",
        {**audit.diff(before, _reply_fields(invitation)), "by": "e-mail"},
    )
    return invitation


def record_email_delegation(
    session: Session,
    invitation: Invitation,
    *,
    attendee: str,
    delegated_to: str,
    at: datetime,
) -> Invitation:
    """The invited person passed the invitation on by e-mail (iTIP PARTSTAT=DELEGATED): who
    and when are recorded, the delegate becomes the representative when they are a known
    person on the invited side; the status stays for the secretariat to settle."""
    delegate = session.scalar(
        select(Person).where(func.lower(Person.email) == delegated_to.lower())
    )
    before = _reply_fields(invitation)
    if delegate is not None and delegate.organisation.side is invitation.invitee.side:
        invitation.representative_id = delegate.id
    invitation.reply_note = f"Delegated by e-mail from {attendee} to {delegated_to or 'someone'}"
    invitation.replied_at = at
    invitation.updated_at = at
    session.flush()
    audit.record(
        session,
        None,
        "invitation.delegated",
        "invitation",
        invitation.id,
        f"{attendee} delegated “{invitation.meeting.title}” to {delegated_to or 'someone'} "
        "by e-mail",
        {**audit.diff(before, _reply_fields(invitation)), "by": "e-mail"},
    )
    return invitation
