"""Each side's delegation to a meeting; a change raises the meeting's version and SEQUENCE."""

from __future__ import annotations

from typing import Any

from apiflask import Schema
from apiflask.fields import Integer, List, Nested
from apiflask.validators import OneOf, Range

from app.api.auth import current_api_user, requires
from app.api.common import (
    Id,
    IfMatchHeader,
    Text,
    WithWarnings,
    api_blueprint,
    etag,
    if_match_write,
    no_content,
    with_etag,
)
from app.api.meetings import WarningOut
from app.auth.models import Role
from app.extensions import db_session
from app.meetings import delegations
from app.meetings.access import readable_meeting
from app.meetings.models import Attendance, DelegateRole
from app.meetings.services import get_meeting

bp = api_blueprint("api_delegations", __name__, "/meetings", "Delegations")
blueprints = (bp,)
OPTIONAL_IF_MATCH = {412: "If-Match was sent and is no longer current"}


class ParticipantOut(Schema):
    person_id = Integer(required=True)
    display_name = Text(required=True, attribute="person.display_name")
    organisation_id = Integer(required=True, attribute="person.organisation_id")
    side = Text(required=True)
    protocol_order = Integer(required=True)
    role = Text(required=True, validate=OneOf([role.value for role in DelegateRole]))
    attendance = Text(required=True, validate=OneOf([a.value for a in Attendance]))


class DelegationOut(Schema):
    uk = List(Nested(ParticipantOut), required=True)
    eu = List(Nested(ParticipantOut), required=True)


class ParticipantIn(Schema):
    person_id = Id(required=True)
    role = Text(load_default=DelegateRole.ADVISER.value, validate=OneOf(list(DelegateRole)))
    attendance = Text(load_default=Attendance.WHOLE.value, validate=OneOf(list(Attendance)))
    protocol_order = Integer(load_default=None, allow_none=True, validate=Range(min=1, max=1000))


class ParticipantAdded(ParticipantOut):
    warnings = List(Nested(WarningOut), required=True)


@bp.get("/<int:meeting_id>/delegation")
@requires(bp, Role.VIEWER)
@bp.output(DelegationOut)
def get_delegation(meeting_id: int) -> Any:
    """Both delegations in protocol order; the ETag is the meeting's version."""
    meeting = readable_meeting(db_session(), current_api_user(), meeting_id)
    return with_etag(delegations.delegation(meeting), meeting.version)


@bp.post("/<int:meeting_id>/delegation")
@requires(bp, Role.EDITOR)
@bp.input(IfMatchHeader, location="headers", arg_name="headers")
@bp.input(ParticipantIn, location="json")
@bp.output(ParticipantAdded, status_code=201)
@bp.doc(responses=OPTIONAL_IF_MATCH)
def add_participant(meeting_id: int, json_data: dict[str, Any], headers: Any) -> Any:
    """Add someone to their side's delegation (If-Match honoured); lists double bookings."""
    session = db_session()
    values = dict(json_data)
    return if_match_write(
        lambda: str(get_meeting(session, meeting_id).version),
        lambda: WithWarnings(
            *delegations.add_participant(
                session, current_api_user(), meeting_id, values.pop("person_id"), **values
            )
        ),
        required=False,
        new_etag=lambda saved: etag(saved.meeting.version),
        status=201,
    )


@bp.delete("/<int:meeting_id>/delegation/<int:person_id>")
@requires(bp, Role.EDITOR)
@bp.input(IfMatchHeader, location="headers", arg_name="headers")
@bp.output({}, status_code=204)
@bp.doc(responses=OPTIONAL_IF_MATCH)
def remove_participant(meeting_id: int, person_id: int, headers: Any) -> Any:
    """Take someone out of the delegation (If-Match honoured); the rest close ranks."""
    session = db_session()
    if_match_write(
        lambda: str(get_meeting(session, meeting_id).version),
        lambda: delegations.remove_participant(session, current_api_user(), meeting_id, person_id),
        required=False,
    )
    return no_content()
