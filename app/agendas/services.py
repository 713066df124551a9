"""Agenda items: add, edit, move, remove; numbering and approximate start times."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.agendas import rules
from app.agendas.models import AgendaItem, ItemVisibility, Purpose
from app.agendas.numbering import NumberedItem, number_items
from app.audit import services as audit
from app.core import validation
from app.core.errors import InvalidTransition, NotFound, ValidationError
from app.core.timezones import utc_to_local
from app.meetings.models import Meeting
from app.meetings.services import get_meeting
from app.people.services import get_person
from app.topics.services import get_topic

if TYPE_CHECKING:
    from app.auth.models import User

MAX_DEPTH = 3


@dataclass
class AgendaItemInput:
    title: str
    purpose: Purpose | str | None = None
    lead_person_id: int | None = None
    lead_text: str = ""
    duration_minutes: int | None = None
    visibility: ItemVisibility | str = ItemVisibility.ALL
    topic_id: int | None = None
    notes: str = ""
    title_fr: str | None = None


def items_of(session: Session, meeting_id: int) -> Sequence[AgendaItem]:
    """The meeting's agenda items, every level, in position order with their papers loaded."""
    return session.scalars(
        select(AgendaItem)
        .where(AgendaItem.meeting_id == meeting_id)
        .order_by(AgendaItem.position)
        .options(selectinload(AgendaItem.papers))
    ).all()


def numbered(
    meeting: Meeting, items: Sequence[AgendaItem], visible_to: str | None = None
) -> list[NumberedItem[AgendaItem]]:
    """Items in reading order with numbers 1, 2, 2.1 and start times from the meeting start.

    `visible_to` ("uk" or "eu") drops items only the other side may see, with their children.
    """
    return number_items(items, utc_to_local(meeting.start_utc, meeting.timezone), visible_to)


def add_item(
    session: Session,
    actor: User | None,
    meeting_id: int,
    data: AgendaItemInput,
    *,
    parent_id: int | None = None,
) -> AgendaItem:
    """Add an item at the end of the top level or of `parent_id`'s children; refuses a
    cancelled meeting (InvalidTransition) or a parent too deep or elsewhere (ValidationError)."""
    meeting = editable_meeting(session, meeting_id)
    parent = _parent(session, meeting.id, parent_id)
    siblings = _siblings(session, meeting.id, parent_id)
    item = AgendaItem(
        meeting_id=meeting.id, parent_id=parent.id if parent else None, position=len(siblings) + 1
    )
    _apply(session, item, data)
    session.add(item)
    session.flush()
    audit.record(
        session,
        actor,
        "agenda_item.added",
        "meeting",
        meeting.id,
        f"Agenda item “{item.title}” added",
        _snapshot(item),
    )
    return item


def update_item(
    session: Session, actor: User | None, item_id: int, data: AgendaItemInput
) -> AgendaItem:
    """Apply edited fields to an item, auditing only what changed; refuses a cancelled meeting."""
    item = get_item(session, item_id)
    editable_meeting(session, item.meeting_id)
    before = _snapshot(item)
    _apply(session, item, data)
    changes = audit.diff(before, _snapshot(item))
    if changes:
        session.flush()
        audit.record(
            session,
            actor,
            "agenda_item.updated",
            "meeting",
            item.meeting_id,
            f"Agenda item “{item.title}” updated",
            {"item_id": item.id, **changes},
        )
    return item


def move_item(
    session: Session,
    actor: User | None,
    item_id: int,
    position: int,
    *,
    parent_id: int | None = None,
) -> AgendaItem:
    """Put an item at `position` (1-based) under `parent_id` (None: top level). Reordering
    moves both sides' items: not for one side's delegates."""
    rules.require_both_sides(session, actor, _("Reordering the agenda"))
    item = get_item(session, item_id)
    editable_meeting(session, item.meeting_id)
    parent = _parent(session, item.meeting_id, parent_id)
    if parent is not None and _is_within(parent, item):
        raise ValidationError(_("An item cannot be moved under itself"), field="parent_id")
    old_parent = item.parent_id
    old_siblings = [s for s in _siblings(session, item.meeting_id, old_parent) if s.id != item.id]
    new_siblings = (
        old_siblings
        if old_parent == parent_id
        else list(_siblings(session, item.meeting_id, parent_id))
    )
    if not 1 <= position <= len(new_siblings) + 1:
        raise ValidationError(
            _("Position must be between 1 and %(value)s", value=len(new_siblings) + 1),
            field="position",
        )
    item.parent_id = parent_id
    new_siblings.insert(position - 1, item)
    _renumber(old_siblings if old_parent != parent_id else [])
    _renumber(new_siblings)
    session.flush()
    audit.record(
        session,
        actor,
        "agenda_item.moved",
        "meeting",
        item.meeting_id,
        f"Agenda item “{item.title}” moved",
        {"item_id": item.id, "parent_id": parent_id, "position": position},
    )
    return item


def remove_item(session: Session, actor: User | None, item_id: int) -> None:
    """Delete an item (its children go with it) and close the gap in its siblings' positions."""
    item = get_item(session, item_id)
    editable_meeting(session, item.meeting_id)
    siblings = [s for s in _siblings(session, item.meeting_id, item.parent_id) if s.id != item.id]
    audit.record(
        session,
        actor,
        "agenda_item.removed",
        "meeting",
        item.meeting_id,
        f"Agenda item “{item.title}” removed",
        {"item_id": item.id},
    )
    session.delete(item)
    session.flush()
    _renumber(siblings)
    session.flush()


def get_item(session: Session, item_id: int) -> AgendaItem:
    """The agenda item with this id, or NotFound."""
    item = session.get(AgendaItem, item_id)
    if item is None:
        raise NotFound(_("No agenda item with id %(item_id)s", item_id=item_id), field="item")
    return item


def editable_meeting(session: Session, meeting_id: int) -> Meeting:
    """The meeting, if its agenda may change: InvalidTransition once it is cancelled."""
    meeting = get_meeting(session, meeting_id)
    if meeting.is_cancelled:
        raise InvalidTransition(
            _("The agenda of a cancelled meeting cannot change"), field="meeting"
        )
    return meeting


def _parent(session: Session, meeting_id: int, parent_id: int | None) -> AgendaItem | None:
    if parent_id is None:
        return None
    parent = session.get(AgendaItem, parent_id)
    if parent is None or parent.meeting_id != meeting_id:
        raise ValidationError(
            _("The parent item must belong to the same meeting"), field="parent_id"
        )
    if _depth(parent) + 1 >= MAX_DEPTH:
        raise ValidationError(
            _("Agenda items nest at most %(MAX_DEPTH)s levels", MAX_DEPTH=MAX_DEPTH),
            field="parent_id",
        )
    return parent


def _depth(item: AgendaItem) -> int:
    depth = 0
    while item.parent is not None:
        item = item.parent
        depth += 1
    return depth


def _is_within(candidate: AgendaItem, ancestor: AgendaItem) -> bool:
    node: AgendaItem | None = candidate
    while node is not None:
        if node.id == ancestor.id:
            return True
        node = node.parent
    return False


def _siblings(session: Session, meeting_id: int, parent_id: int | None) -> list[AgendaItem]:
    query = select(AgendaItem).where(AgendaItem.meeting_id == meeting_id)
    query = query.where(
        AgendaItem.parent_id.is_(None) if parent_id is None else AgendaItem.parent_id == parent_id
    )
    return list(session.scalars(query.order_by(AgendaItem.position)))


def _renumber(items: list[AgendaItem]) -> None:
    for index, item in enumerate(items, start=1):
        item.position = index


def _apply(session: Session, item: AgendaItem, data: AgendaItemInput) -> None:
    item.title = validation.text(data.title, "title", max_length=500)
    item.title_fr = validation.optional_text(data.title_fr, "title_fr", max_length=500)
    item.purpose = validation.choice(Purpose, data.purpose, "purpose") if data.purpose else None
    item.lead_person_id = (
        get_person(session, data.lead_person_id).id if data.lead_person_id else None
    )
    item.lead_text = validation.text(data.lead_text, "lead_text", max_length=200, required=False)
    if data.duration_minutes is not None and not 0 <= data.duration_minutes <= 1440:
        raise ValidationError(
            _("Duration must be between 0 and 1440 minutes"), field="duration_minutes"
        )
    item.duration_minutes = data.duration_minutes
    item.visibility = validation.choice(ItemVisibility, data.visibility, "visibility")
    item.topic_id = get_topic(session, data.topic_id).id if data.topic_id else None
    item.notes = validation.text(
        data.notes, "notes", max_length=5000, required=False, multiline=True
    )


def _snapshot(item: AgendaItem) -> dict[str, Any]:
    return {
        "title": item.title,
        "title_fr": item.title_fr,
        "purpose": item.purpose,
        "lead_person_id": item.lead_person_id,
        "lead_text": item.lead_text,
        "duration_minutes": item.duration_minutes,
        "visibility": item.visibility,
        "topic_id": item.topic_id,
        "notes": item.notes,
        "parent_id": item.parent_id,
        "position": item.position,
    }
