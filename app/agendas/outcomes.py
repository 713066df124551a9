"""After the meeting: outcomes and follow-up actions per item, carried into the next round.

Outcomes are not part of the circulated agenda (recording one does not make the draft differ
from the last version); they are the secretariat's record of what each item concluded.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.agendas import rules
from app.agendas.models import ActionStatus, AgendaItem, FollowUpAction, ItemVisibility, Purpose
from app.agendas.services import AgendaItemInput, add_item, get_item, items_of
from app.audit import services as audit
from app.core import validation
from app.core.errors import NotFound, ValidationError
from app.core.timezones import utc_to_local
from app.meetings.models import Meeting, MeetingStatus
from app.meetings.services import get_meeting

if TYPE_CHECKING:
    from app.auth.models import User

CARRIED_TITLE = "Follow-up to the previous round"


@dataclass(frozen=True)
class CarryResult:
    meeting: Meeting
    item: AgendaItem
    carried: int


def record_outcome(session: Session, actor: User | None, item_id: int, outcome: str) -> AgendaItem:
    """Set what an item concluded (empty clears it); audited only when it changes."""
    item = get_item(session, item_id)
    before = item.outcome
    item.outcome = validation.text(
        outcome, "outcome", max_length=5000, required=False, multiline=True
    )
    if item.outcome != before:
        session.flush()
        audit.record(
            session,
            actor,
            "agenda_item.outcome",
            "meeting",
            item.meeting_id,
            f"Outcome recorded for “{item.title}”",
            {"item_id": item.id, "outcome": [before, item.outcome]},
        )
    return item


def add_action(
    session: Session,
    actor: User | None,
    item_id: int,
    description: str,
    *,
    owner: str = "",
    due_on: date | None = None,
) -> FollowUpAction:
    """A follow-up action under an item, open, with an optional owner and due date; audited."""
    item = get_item(session, item_id)
    action = FollowUpAction(
        item_id=item.id,
        description=validation.text(description, "description", max_length=1000),
        owner=validation.text(owner, "owner", max_length=200, required=False),
        due_on=validation.in_range(due_on, "due_on") if due_on is not None else None,
        status=ActionStatus.OPEN,
    )
    session.add(action)
    session.flush()
    audit.record(
        session,
        actor,
        "agenda_action.added",
        "meeting",
        item.meeting_id,
        f"Follow-up action under “{item.title}”: {action.description}",
        {"item_id": item.id, "action_id": action.id, "owner": action.owner, "due_on": due_on},
    )
    return action


def set_action_status(
    session: Session, actor: User | None, action_id: int, status: ActionStatus | str
) -> FollowUpAction:
    """Mark an action open or done; audited only when it changes."""
    action = get_action(session, action_id)
    new = validation.choice(ActionStatus, status, "status")
    if new is not action.status:
        old, action.status = action.status, new
        session.flush()
        audit.record(
            session,
            actor,
            "agenda_action.status",
            "meeting",
            action.item.meeting_id,
            f"Follow-up action marked {new.value}: {action.description}",
            {"action_id": action.id, "status": [old, new]},
        )
    return action


def get_action(session: Session, action_id: int) -> FollowUpAction:
    """A follow-up action by id; NotFound (field `action`) otherwise."""
    action = session.get(FollowUpAction, action_id)
    if action is None:
        raise NotFound(
            _("No follow-up action with id %(action_id)s", action_id=action_id), field="action"
        )
    return action


def actions_of(session: Session, meeting_id: int) -> Sequence[FollowUpAction]:
    """Every follow-up action under a meeting's items, in the order they were added."""
    return session.scalars(
        select(FollowUpAction)
        .join(AgendaItem, FollowUpAction.item_id == AgendaItem.id)
        .where(AgendaItem.meeting_id == meeting_id)
        .order_by(FollowUpAction.id)
    ).all()


def next_round(session: Session, meeting: Meeting) -> Meeting | None:
    """The next meeting of the same series that has not been cancelled."""
    if meeting.series_id is None:
        return None
    return session.scalar(
        select(Meeting)
        .where(
            Meeting.series_id == meeting.series_id,
            Meeting.start_utc > meeting.start_utc,
            Meeting.status != MeetingStatus.CANCELLED,
        )
        .order_by(Meeting.start_utc)
        .limit(1)
    )


def carry_forward(session: Session, actor: User | None, meeting_id: int) -> CarryResult:
    """Put the open, not yet carried actions on the next round's agenda, one sub-item each.

    The next round gets one item, "Follow-up to the previous round", created once and reused
    when more actions are carried later; each action remembers the item that took it over.
    It moves both sides' actions: not for one side's delegates.
    """
    rules.require_both_sides(session, actor, _("Carrying actions forward"))
    meeting = get_meeting(session, meeting_id)
    target = next_round(session, meeting)
    if target is None:
        raise ValidationError(
            _("This meeting has no later round in its series to carry actions into"), field="series"
        )
    pending = [
        a
        for a in actions_of(session, meeting.id)
        if a.status is ActionStatus.OPEN and a.carried_to_item_id is None
    ]
    if not pending:
        raise ValidationError(_("There are no open follow-up actions to carry"), field="actions")
    held_on = utc_to_local(meeting.start_utc, meeting.timezone)
    parent = next(
        (
            i
            for i in items_of(session, target.id)
            if i.parent_id is None and i.title == CARRIED_TITLE
        ),
        None,
    ) or add_item(
        session,
        actor,
        target.id,
        AgendaItemInput(
            title=CARRIED_TITLE,
            purpose=Purpose.INFORMATION,
            lead_text="Co-chairs",
            notes=f"Open actions from {meeting.title}, {held_on:%d %B %Y}.",
        ),
    )
    for action in pending:
        source_item = action.item
        child = add_item(
            session,
            actor,
            target.id,
            AgendaItemInput(
                title=action.description,
                purpose=Purpose.INFORMATION,
                lead_text=action.owner,
                visibility=source_item.visibility or ItemVisibility.ALL,
                topic_id=source_item.topic_id,
                notes=_action_note(source_item, action),
            ),
            parent_id=parent.id,
        )
        action.carried_to_item_id = child.id
    session.flush()
    audit.record(
        session,
        actor,
        "agenda_actions.carried",
        "meeting",
        meeting.id,
        f"{len(pending)} follow-up actions carried to {target.title}",
        {"to_meeting": target.id, "actions": [a.id for a in pending]},
    )
    return CarryResult(target, parent, len(pending))


def _action_note(item: AgendaItem, action: FollowUpAction) -> str:
    due = f" Due {action.due_on:%d %B %Y}." if action.due_on else ""
    outcome = f" Outcome: {item.outcome}" if item.outcome else ""
    return f"From “{item.title}”.{due}{outcome}"[:5000]
