"""Invitations: list, read (with ETag), issue, record a reply, withdraw, move the deadline."""

from __future__ import annotations

from typing import Any

from apiflask import Schema
from apiflask.fields import Boolean, Integer, List, Pluck
from apiflask.validators import Length, OneOf

from app.api.auth import current_api_user, requires
from app.api.common import (
    VERSIONED_RESPONSES,
    Id,
    IfMatchHeader,
    Moment,
    Text,
    api_blueprint,
    versioned_write,
    with_etag,
)
from app.auth.models import Role
from app.extensions import db, db_session
from app.invitations import services as invitations
from app.invitations.models import InvitationScope, InvitationStatus

bp = api_blueprint("api_invitations", __name__, "/invitations", "Invitations")
blueprints = (bp,)
STATUSES = [status.value for status in InvitationStatus]
REPLIES = [InvitationStatus.ACCEPTED, InvitationStatus.DECLINED, InvitationStatus.TENTATIVE]
SCOPES = [scope.value for scope in InvitationScope]


class ItemRef(Schema):
    id = Integer(required=True)


class InvitationOut(Schema):
    id = Integer(required=True)
    meeting_id = Integer(required=True)
    inviter_id = Integer(required=True)
    invitee_id = Integer(required=True)
    invitee_person_id = Integer(required=True, allow_none=True)
    representative_id = Integer(required=True, allow_none=True)
    scope = Text(required=True, validate=OneOf(SCOPES))
    agenda_item_ids = Pluck(ItemRef, "id", many=True, required=True, attribute="agenda_items")
    status = Text(required=True, validate=OneOf(STATUSES))
    reply_deadline = Moment(required=True, allow_none=True)
    message = Text(required=True)
    reply_note = Text(required=True)
    replied_at = Moment(required=True, allow_none=True)
    created_at = Moment(required=True)
    updated_at = Moment(required=True)
    version = Integer(required=True)


class InvitationQuery(Schema):
    meeting_id = Id()
    invitee_id = Id()
    topic_id = Id()
    status = Text(validate=OneOf(STATUSES))
    open_only = Boolean(load_default=False)


class InvitationIn(Schema):
    meeting_id = Id(required=True)
    inviter_id = Id(required=True)
    invitee_id = Id(required=True)
    invitee_person_id = Id(load_default=None, allow_none=True)
    scope = Text(load_default=InvitationScope.WHOLE.value, validate=OneOf(SCOPES))
    agenda_item_ids = List(Id(), load_default=list, validate=Length(max=200))
    reply_deadline = Moment(
        load_default=None, allow_none=True, metadata={"description": "With a UTC offset"}
    )
    message = Text(load_default="", validate=Length(max=5000))


class ReplyIn(Schema):
    status = Text(required=True, validate=OneOf([status.value for status in REPLIES]))
    representative_id = Id(load_default=None, allow_none=True)
    note = Text(load_default="", validate=Length(max=2000))
    # What the invitee attends; left out, the invitation's scope stands.
    scope = Text(load_default=None, allow_none=True, validate=OneOf(SCOPES))


class WithdrawIn(Schema):
    reason = Text(load_default="", validate=Length(max=300))


class DeadlineIn(Schema):
    reply_deadline = Moment(required=True, allow_none=True)


@bp.get("")
@requires(bp, Role.VIEWER)
@bp.input(InvitationQuery, location="query")
@bp.output(InvitationOut(many=True))
def list_invitations(query_data: dict[str, Any]) -> Any:
    """List invitations by reply deadline, filtered by meeting, invitee, topic or status."""
    status = query_data.get("status")
    filters = invitations.InvitationFilter(
        meeting_id=query_data.get("meeting_id"),
        invitee_id=query_data.get("invitee_id"),
        topic_id=query_data.get("topic_id"),
        status=InvitationStatus(status) if status else None,
        open_only=query_data["open_only"],
    )
    return list(invitations.list_invitations(db_session(), current_api_user(), filters))


@bp.get("/<int:invitation_id>")
@requires(bp, Role.VIEWER)
@bp.output(InvitationOut, headers={"ETag": Text(metadata={"description": "The version"})})
def get_invitation(invitation_id: int) -> Any:
    """One invitation; its ETag is the version to send back in If-Match."""
    invitation = invitations.readable_invitation(db_session(), current_api_user(), invitation_id)
    return with_etag(invitation, invitation.version)


@bp.post("")
@requires(bp, Role.EDITOR)
@bp.input(InvitationIn, location="json")
@bp.output(InvitationOut, status_code=201)
def issue_invitation(json_data: dict[str, Any]) -> Any:
    """Invite an organisation (or one of its people) to a meeting or some of its items."""
    invitation = invitations.issue_invitation(
        db_session(), current_api_user(), invitations.InvitationInput(**json_data)
    )
    db.session.commit()
    return with_etag(invitation, invitation.version, 201)


@bp.post("/<int:invitation_id>/reply")
@requires(bp, Role.EDITOR)
@bp.input(IfMatchHeader, location="headers", arg_name="headers")
@bp.input(ReplyIn, location="json")
@bp.output(InvitationOut)
@bp.doc(responses=VERSIONED_RESPONSES)
def reply(invitation_id: int, json_data: dict[str, Any], headers: Any) -> Any:
    """Record the invitee's answer (If-Match required): accepted, declined or tentative."""
    session = db_session()
    return versioned_write(
        invitations.get_invitation(session, invitation_id).version,
        lambda version: invitations.reply_to_invitation(
            session,
            current_api_user(),
            invitation_id,
            json_data["status"],
            representative_id=json_data["representative_id"],
            note=json_data["note"],
            scope=json_data["scope"],
            expected_version=version,
        ),
    )


@bp.post("/<int:invitation_id>/withdraw")
@requires(bp, Role.EDITOR)
@bp.input(IfMatchHeader, location="headers", arg_name="headers")
@bp.input(WithdrawIn, location="json")
@bp.output(InvitationOut)
@bp.doc(responses=VERSIONED_RESPONSES)
def withdraw(invitation_id: int, json_data: dict[str, Any], headers: Any) -> Any:
    """Withdraw an invitation (If-Match required)."""
    session = db_session()
    return versioned_write(
        invitations.get_invitation(session, invitation_id).version,
        lambda version: invitations.withdraw_invitation(
            session, current_api_user(), invitation_id, expected_version=version, **json_data
        ),
    )


@bp.post("/<int:invitation_id>/deadline")
@requires(bp, Role.EDITOR)
@bp.input(IfMatchHeader, location="headers", arg_name="headers")
@bp.input(DeadlineIn, location="json")
@bp.output(InvitationOut)
@bp.doc(responses=VERSIONED_RESPONSES)
def set_deadline(invitation_id: int, json_data: dict[str, Any], headers: Any) -> Any:
    """Move (or clear) the reply deadline of an unanswered invitation (If-Match required)."""
    session = db_session()
    return versioned_write(
        invitations.get_invitation(session, invitation_id).version,
        lambda version: invitations.set_reply_deadline(
            session,
            current_api_user(),
            invitation_id,
            json_data["reply_deadline"],
            expected_version=version,
        ),
    )
