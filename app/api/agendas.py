"""A meeting's agenda items: numbered reading order with start times; add, edit, move, remove.

The agenda's ETag is a digest of its items and the papers listed under them (both are
circulated): an edit sent with If-Match is refused (412) when anyone changed the agenda since
it was read. Edits of one meeting's agenda take its row lock
first, so the check and the change are one step.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from apiflask import Schema
from apiflask.fields import Date, Integer, List, Method, Nested
from apiflask.validators import Length, OneOf, Range

from app.agendas import access
from app.agendas import services as agendas
from app.agendas.locking import lock_agenda
from app.agendas.models import AgendaItem, ItemVisibility, Purpose
from app.agendas.numbering import papers_for
from app.agendas.overview import reader_side
from app.api.auth import current_api_user, requires
from app.api.common import (
    VERSIONED_RESPONSES,
    Id,
    IfMatchHeader,
    T,
    Text,
    api_blueprint,
    if_match_write,
    no_content,
)
from app.auth.models import Role
from app.extensions import db_session
from app.meetings.services import get_meeting

bp = api_blueprint("api_agendas", __name__, "/meetings", "Agendas")
items_bp = api_blueprint("api_agenda_items", __name__, "/agenda-items", "Agendas")
blueprints = (bp, items_bp)
PURPOSES = [purpose.value for purpose in Purpose]
VISIBILITIES = [visibility.value for visibility in ItemVisibility]
OPTIONAL_IF_MATCH = {412: "If-Match was sent and the agenda changed since"}


class AgendaItemOut(Schema):
    id = Integer(required=True)
    meeting_id = Integer(required=True)
    parent_id = Integer(required=True, allow_none=True)
    position = Integer(required=True)
    title = Text(required=True)
    title_fr = Text(
        required=True,
        allow_none=True,
        metadata={"description": "French title; null: the English one is used in French"},
    )
    purpose = Text(required=True, allow_none=True, validate=OneOf(PURPOSES))
    lead_person_id = Integer(required=True, allow_none=True)
    lead_text = Text(required=True)
    duration_minutes = Integer(required=True, allow_none=True)
    visibility = Text(required=True, validate=OneOf(VISIBILITIES))
    topic_id = Integer(required=True, allow_none=True)
    notes = Text(required=True)


class AgendaPaperOut(Schema):
    id = Integer(required=True)
    item_id = Integer(required=True)
    position = Integer(required=True)
    reference = Text(required=True)
    revision = Integer(required=True)
    original_language = Text(required=True)
    title = Text(required=True)
    citation = Text(required=True, metadata={"example": "ENT 12/26 REV 1 (OR. en)"})
    marking = Method("_marking", required=True, metadata={"type": "string"})
    visibility = Method("_visibility", required=True, metadata={"type": "string"})
    owner_id = Integer(required=True, allow_none=True)
    due_on = Date(
        required=True,
        allow_none=True,
        metadata={"description": "Set by an editor; null: the default from the meeting"},
    )

    def _marking(self, paper: Any) -> str:
        return str(paper.marking.value)

    def _visibility(self, paper: Any) -> str:
        return str(paper.visibility.value)


class ListedPaperOut(AgendaPaperOut):
    """A paper nested in a list (a subclass: the spec meets AgendaPaperOut on its own too)."""


class NumberedItemOut(AgendaItemOut):
    number = Text(required=True, metadata={"description": "The joint agenda's number"})
    depth = Integer(required=True)
    minutes = Integer(
        required=True,
        allow_none=True,
        metadata={
            "description": "How long it takes: for an item with sub-items, theirs added up or "
            "its own duration if longer (null: unknown)"
        },
    )
    papers = List(Nested(ListedPaperOut), required=True)
    starts_at = Method(
        "_starts_at",
        required=True,
        metadata={"type": ["string", "null"], "format": "date-time"},
    )

    def _starts_at(self, numbered: Any) -> str | None:
        return numbered.starts_at.isoformat() if numbered.starts_at else None


class AgendaOut(Schema):
    meeting_id = Integer(required=True)
    items = List(Nested(NumberedItemOut), required=True)


class ItemFields(Schema):
    title = Text(validate=Length(min=1, max=500))
    title_fr = Text(
        allow_none=True, validate=Length(max=500), metadata={"description": "French title"}
    )
    purpose = Text(allow_none=True, validate=OneOf(PURPOSES))
    lead_person_id = Id(allow_none=True)
    lead_text = Text(validate=Length(max=200))
    duration_minutes = Integer(allow_none=True, validate=Range(min=0, max=1440))
    visibility = Text(validate=OneOf(VISIBILITIES))
    topic_id = Id(allow_none=True)
    notes = Text(validate=Length(max=5000))


class ItemIn(ItemFields):
    title = Text(required=True, validate=Length(min=1, max=500))
    parent_id = Id(load_default=None, allow_none=True)


class SideQuery(Schema):
    side = Text(validate=OneOf(["uk", "eu"]), metadata={"description": "Only one side's items"})


class MoveIn(Schema):
    position = Integer(required=True, validate=Range(min=1, max=1000))
    parent_id = Id(load_default=None, allow_none=True)


class _Numbered:
    """A numbered item read like its item, for NumberedItemOut, with only the papers `side`
    may read (None: all of them)."""

    def __init__(self, numbered: agendas.NumberedItem, side: str | None) -> None:
        self.number = numbered.number
        self.depth = numbered.depth
        self.starts_at = numbered.starts_at
        self.minutes = numbered.minutes
        self.papers = papers_for(numbered.item, side)
        self._item = numbered.item

    def __getattr__(self, name: str) -> Any:
        return getattr(self._item, name)


def agenda_etag(items: list[AgendaItem] | Any) -> str:
    fields = list(AgendaItemOut().fields)
    state = [
        {name: _plain(getattr(item, name)) for name in fields}
        | {"papers": [[p.reference, p.revision, p.original_language, p.title] for p in item.papers]}
        for item in items
    ]
    digest = hashlib.sha256(json.dumps(state, sort_keys=True).encode()).hexdigest()[:20]
    return f'"{digest}"'


def _plain(value: Any) -> Any:
    return getattr(value, "value", value)


def agenda_write(
    meeting_id: int,
    write: Callable[[], T],
    *,
    required: bool = False,
    status: int = 200,
    answer_etag: bool = True,
) -> tuple[T, int, dict[str, str]]:
    """An agenda edit: lock the agenda, then `if_match_write` against the agenda's ETag."""

    def current() -> str:
        lock_agenda(db_session(), meeting_id)
        return current_agenda_etag(meeting_id)

    new_etag = (lambda _saved: current_agenda_etag(meeting_id)) if answer_etag else None
    return if_match_write(current, write, required=required, new_etag=new_etag, status=status)


def current_agenda_etag(meeting_id: int) -> str:
    return agenda_etag(agendas.items_of(db_session(), meeting_id))


def with_agenda_etag(payload: Any, meeting_id: int, status: int = 200) -> Any:
    return payload, status, {"ETag": current_agenda_etag(meeting_id)}


@bp.get("/<int:meeting_id>/agenda")
@requires(bp, Role.EDITOR)
@bp.input(SideQuery, location="query")
@bp.output(AgendaOut, headers={"ETag": Text(metadata={"description": "The agenda's state"})})
def get_agenda(meeting_id: int, query_data: dict[str, Any]) -> Any:
    """The draft agenda (editors; others read circulated versions) in reading order, numbered
    1, 2, 2.1, with approximate local start times; one side's items on request."""
    session = db_session()
    side = reader_side(session, current_api_user(), query_data.get("side"))
    meeting = get_meeting(session, meeting_id)
    items = agendas.items_of(session, meeting_id)
    numbered = [_Numbered(entry, side) for entry in agendas.numbered(meeting, items, side)]
    return {"meeting_id": meeting.id, "items": numbered}, 200, {"ETag": agenda_etag(items)}


@bp.post("/<int:meeting_id>/agenda/items")
@requires(bp, Role.EDITOR)
@bp.input(IfMatchHeader, location="headers", arg_name="headers")
@bp.input(ItemIn, location="json")
@bp.output(AgendaItemOut, status_code=201)
@bp.doc(responses=OPTIONAL_IF_MATCH)
def add_item(meeting_id: int, json_data: dict[str, Any], headers: Any) -> Any:
    """Add an item at the end of the agenda or under `parent_id` (If-Match honoured)."""
    values = dict(json_data)
    parent_id = values.pop("parent_id")

    def add() -> AgendaItem:
        if parent_id is not None:
            access.readable_item(db_session(), current_api_user(), parent_id, meeting_id=meeting_id)
        return agendas.add_item(
            db_session(),
            current_api_user(),
            meeting_id,
            agendas.AgendaItemInput(**values),
            parent_id=parent_id,
        )

    return agenda_write(meeting_id, add, status=201)


@items_bp.patch("/<int:item_id>")
@requires(items_bp, Role.EDITOR)
@items_bp.input(IfMatchHeader, location="headers", arg_name="headers")
@items_bp.input(ItemFields, location="json")
@items_bp.output(AgendaItemOut)
@items_bp.doc(responses=VERSIONED_RESPONSES)
def update_item(item_id: int, json_data: dict[str, Any], headers: Any) -> Any:
    """Change some fields of an item (If-Match with the agenda's ETag required)."""
    session = db_session()
    item = access.readable_item(session, current_api_user(), item_id)
    current = {name: getattr(item, name) for name in ItemFields().fields}
    data = agendas.AgendaItemInput(**{**current, **json_data})
    return agenda_write(
        item.meeting_id,
        lambda: agendas.update_item(session, current_api_user(), item_id, data),
        required=True,
    )


@items_bp.post("/<int:item_id>/move")
@requires(items_bp, Role.EDITOR)
@items_bp.input(IfMatchHeader, location="headers", arg_name="headers")
@items_bp.input(MoveIn, location="json")
@items_bp.output(AgendaItemOut)
@items_bp.doc(responses=OPTIONAL_IF_MATCH)
def move_item(item_id: int, json_data: dict[str, Any], headers: Any) -> Any:
    """Put an item at `position` (1-based) under `parent_id` (If-Match honoured)."""
    session = db_session()
    item = access.readable_item(session, current_api_user(), item_id)
    return agenda_write(
        item.meeting_id,
        lambda: agendas.move_item(session, current_api_user(), item_id, **json_data),
    )


@items_bp.delete("/<int:item_id>")
@requires(items_bp, Role.EDITOR)
@items_bp.input(IfMatchHeader, location="headers", arg_name="headers")
@items_bp.output({}, status_code=204)
@items_bp.doc(responses=OPTIONAL_IF_MATCH)
def remove_item(item_id: int, headers: Any) -> Any:
    """Remove an item and its sub-items (If-Match honoured); the rest are renumbered."""
    session = db_session()
    item = access.removable_item(session, current_api_user(), item_id)
    agenda_write(
        item.meeting_id,
        lambda: agendas.remove_item(session, current_api_user(), item_id),
        answer_etag=False,
    )
    return no_content()
