"""After the meeting: an item's outcome, follow-up actions, and carrying open actions into
the next round of the series. Editors only, as on the agenda and item pages: outcomes and
actions belong to the draft items, which readers do not see.

Neither is part of the circulated agenda, so neither changes the agenda's ETag. An outcome
has its own ETag (a digest of its text) and is replaced with PUT and If-Match (required); the
meeting's actions share one ETag (a digest of all of them), honoured by every action write.
Each write takes the meeting's agenda lock first, so the check and the change are one step.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from apiflask import Schema
from apiflask.fields import Integer
from apiflask.validators import Length, OneOf

from app.agendas import access, outcomes
from app.agendas.locking import lock_agenda
from app.agendas.models import ActionStatus, AgendaItem
from app.api.agendas import OPTIONAL_IF_MATCH
from app.api.auth import current_api_user, requires
from app.api.common import (
    VERSIONED_RESPONSES,
    Day,
    IfMatchHeader,
    Moment,
    T,
    Text,
    api_blueprint,
    if_match_write,
)
from app.auth.models import Role
from app.extensions import db_session
from app.meetings.services import get_meeting

meetings_bp = api_blueprint("api_agenda_actions", __name__, "/meetings", "Agendas")
items_bp = api_blueprint("api_agenda_item_outcomes", __name__, "/agenda-items", "Agendas")
actions_bp = api_blueprint("api_follow_up_actions", __name__, "/agenda-actions", "Agendas")
blueprints = (meetings_bp, items_bp, actions_bp)
STATUSES = [status.value for status in ActionStatus]
OUTCOME_ETAG: dict[str, Any] = {"ETag": Text(metadata={"description": "The outcome's state"})}
ACTIONS_ETAG: dict[str, Any] = {
    "ETag": Text(metadata={"description": "The state of the meeting's actions"})
}


class OutcomeOut(Schema):
    item_id = Integer(required=True, attribute="id")
    outcome = Text(required=True)


class OutcomeIn(Schema):
    outcome = Text(
        required=True,
        validate=Length(max=5000),
        metadata={"description": "What the item concluded; empty to clear it"},
    )


class ActionOut(Schema):
    id = Integer(required=True)
    meeting_id = Integer(required=True, attribute="item.meeting_id")
    item_id = Integer(required=True)
    item_title = Text(required=True, attribute="item.title")
    description = Text(required=True)
    owner = Text(required=True)
    due_on = Day(required=True, allow_none=True)
    status = Text(required=True, validate=OneOf(STATUSES))
    carried_to_item_id = Integer(
        required=True,
        allow_none=True,
        metadata={"description": "The next round's item that took the action over"},
    )
    created_at = Moment(required=True)


class ActionIn(Schema):
    description = Text(required=True, validate=Length(min=1, max=1000))
    owner = Text(load_default="", validate=Length(max=200))
    due_on = Day(load_default=None, allow_none=True)


class ActionStatusIn(Schema):
    status = Text(required=True, validate=OneOf(STATUSES))


class ActionsQuery(Schema):
    status = Text(validate=OneOf(STATUSES), metadata={"description": "Only open or done ones"})


class CarriedOut(Schema):
    meeting_id = Integer(required=True, metadata={"description": "The next round"})
    item_id = Integer(
        required=True, metadata={"description": "Its “Follow-up to the previous round” item"}
    )
    carried = Integer(required=True, metadata={"description": "How many actions were carried"})


def _digest(state: Any) -> str:
    text = json.dumps(state, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def outcome_etag(item: AgendaItem) -> str:
    return f'"{_digest([item.id, item.outcome])}"'


def actions_etag(meeting_id: int) -> str:
    actions = outcomes.actions_of(db_session(), meeting_id)
    state = [
        [a.id, a.item_id, a.description, a.owner, a.due_on, a.status.value, a.carried_to_item_id]
        for a in actions
    ]
    return f'"{_digest(state)}"'


def _actions_write(meeting_id: int, write: Callable[[], T], status: int = 200) -> Any:
    """Lock the agenda, then `if_match_write` (optional) against the actions' ETag."""

    def current() -> str:
        lock_agenda(db_session(), meeting_id)
        return actions_etag(meeting_id)

    return if_match_write(
        current,
        write,
        required=False,
        new_etag=lambda _saved: actions_etag(meeting_id),
        status=status,
    )


@items_bp.get("/<int:item_id>/outcome")
@requires(items_bp, Role.EDITOR)
@items_bp.output(OutcomeOut, headers=OUTCOME_ETAG)
def get_outcome(item_id: int) -> Any:
    """The outcome recorded for an item ("" when none yet), with its ETag."""
    item = access.readable_item(db_session(), current_api_user(), item_id)
    return item, 200, {"ETag": outcome_etag(item)}


@items_bp.put("/<int:item_id>/outcome")
@requires(items_bp, Role.EDITOR)
@items_bp.input(IfMatchHeader, location="headers", arg_name="headers")
@items_bp.input(OutcomeIn, location="json")
@items_bp.output(OutcomeOut, headers=OUTCOME_ETAG)
@items_bp.doc(responses=VERSIONED_RESPONSES)
def put_outcome(item_id: int, json_data: dict[str, Any], headers: Any) -> Any:
    """Record (replace) an item's outcome; If-Match with the outcome's ETag is required."""
    session = db_session()
    item = access.readable_item(session, current_api_user(), item_id)

    def current() -> str:
        lock_agenda(session, item.meeting_id)
        return outcome_etag(item)

    return if_match_write(
        current,
        lambda: outcomes.record_outcome(session, current_api_user(), item.id, json_data["outcome"]),
        required=True,
        new_etag=outcome_etag,
    )


@meetings_bp.get("/<int:meeting_id>/agenda/actions")
@requires(meetings_bp, Role.EDITOR)
@meetings_bp.input(ActionsQuery, location="query")
@meetings_bp.output(ActionOut(many=True), headers=ACTIONS_ETAG)
def list_actions(meeting_id: int, query_data: dict[str, Any]) -> Any:
    """The meeting's follow-up actions, oldest first (a reader of one side: only those under
    items their side may see); the ETag covers all of them."""
    actions = access.readable_actions(db_session(), current_api_user(), meeting_id)
    if "status" in query_data:
        actions = [a for a in actions if a.status.value == query_data["status"]]
    return actions, 200, {"ETag": actions_etag(meeting_id)}


@items_bp.post("/<int:item_id>/actions")
@requires(items_bp, Role.EDITOR)
@items_bp.input(IfMatchHeader, location="headers", arg_name="headers")
@items_bp.input(ActionIn, location="json")
@items_bp.output(ActionOut, status_code=201, headers=ACTIONS_ETAG)
@items_bp.doc(responses=OPTIONAL_IF_MATCH)
def add_action(item_id: int, json_data: dict[str, Any], headers: Any) -> Any:
    """Agree a follow-up action under an item (If-Match with the actions' ETag honoured)."""
    session = db_session()
    item = access.readable_item(session, current_api_user(), item_id)
    values = dict(json_data)
    return _actions_write(
        item.meeting_id,
        lambda: outcomes.add_action(
            session, current_api_user(), item.id, values.pop("description"), **values
        ),
        status=201,
    )


@actions_bp.post("/<int:action_id>/status")
@requires(actions_bp, Role.EDITOR)
@actions_bp.input(IfMatchHeader, location="headers", arg_name="headers")
@actions_bp.input(ActionStatusIn, location="json")
@actions_bp.output(ActionOut, headers=ACTIONS_ETAG)
@actions_bp.doc(responses=OPTIONAL_IF_MATCH)
def set_action_status(action_id: int, json_data: dict[str, Any], headers: Any) -> Any:
    """Mark an action done, or open again (If-Match with the actions' ETag honoured)."""
    session = db_session()
    action = access.readable_action(session, current_api_user(), action_id)
    return _actions_write(
        action.item.meeting_id,
        lambda: outcomes.set_action_status(
            session, current_api_user(), action.id, json_data["status"]
        ),
    )


@meetings_bp.post("/<int:meeting_id>/agenda/actions/carry-forward")
@requires(meetings_bp, Role.EDITOR)
@meetings_bp.input(IfMatchHeader, location="headers", arg_name="headers")
@meetings_bp.output(CarriedOut, headers=ACTIONS_ETAG)
@meetings_bp.doc(responses=OPTIONAL_IF_MATCH)
def carry_forward(meeting_id: int, headers: Any) -> Any:
    """Put the open actions not yet carried on the next round's agenda, one sub-item each
    under “Follow-up to the previous round” (If-Match with the actions' ETag honoured: the
    actions you reviewed are the ones carried). Not for one side's delegates: it moves both
    sides' actions. 422 when there is no later round or nothing to carry."""
    session = db_session()

    def carry() -> dict[str, int]:
        target = outcomes.next_round(session, get_meeting(session, meeting_id))
        if target is not None:
            lock_agenda(session, target.id)  # its agenda gets the new items
        result = outcomes.carry_forward(session, current_api_user(), meeting_id)
        return {
            "meeting_id": result.meeting.id,
            "item_id": result.item.id,
            "carried": result.carried,
        }

    return _actions_write(meeting_id, carry)
