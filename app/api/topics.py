"""Topic areas: read (viewer), create and edit (editor)."""

from __future__ import annotations

from typing import Any

from apiflask import Schema
from apiflask.fields import Boolean, Integer
from apiflask.validators import Length

from app.api.auth import current_api_user, requires
from app.api.common import Text, api_blueprint
from app.auth.models import Role
from app.extensions import db, db_session
from app.topics import services as topics

bp = api_blueprint("api_topics", __name__, "/topics", "Topics")
blueprints = (bp,)


class TopicOut(Schema):
    id = Integer(required=True)
    slug = Text(required=True)
    name = Text(required=True)
    name_fr = Text(
        required=True,
        allow_none=True,
        metadata={"description": "French name; null: the English one is used in French"},
    )
    description = Text(required=True)
    is_active = Boolean(required=True)


class TopicIn(Schema):
    slug = Text(required=True, validate=Length(min=1, max=64))
    name = Text(required=True, validate=Length(min=1, max=120))
    name_fr = Text(load_default=None, allow_none=True, validate=Length(max=120))
    description = Text(load_default="", validate=Length(max=2000))


class TopicPatch(Schema):
    name = Text(validate=Length(min=1, max=120))
    name_fr = Text(allow_none=True, validate=Length(max=120))
    description = Text(validate=Length(max=2000))
    is_active = Boolean()


class TopicQuery(Schema):
    include_inactive = Boolean(load_default=False)


@bp.get("")
@requires(bp, Role.VIEWER)
@bp.input(TopicQuery, location="query")
@bp.output(TopicOut(many=True))
def list_topics(query_data: dict[str, Any]) -> Any:
    """List topic areas (active ones unless include_inactive)."""
    return list(topics.list_topics(db_session(), include_inactive=query_data["include_inactive"]))


@bp.get("/<int:topic_id>")
@requires(bp, Role.VIEWER)
@bp.output(TopicOut)
def get_topic(topic_id: int) -> Any:
    """One topic area."""
    return topics.get_topic(db_session(), topic_id)


@bp.post("")
@requires(bp, Role.EDITOR)
@bp.input(TopicIn, location="json")
@bp.output(TopicOut, status_code=201)
@bp.doc(responses={409: "A topic with this slug or name exists"})
def create_topic(json_data: dict[str, Any]) -> Any:
    """Add a topic area."""
    topic = topics.create_topic(db_session(), current_api_user(), **json_data)
    db.session.commit()
    return topic


@bp.patch("/<int:topic_id>")
@requires(bp, Role.EDITOR)
@bp.input(TopicPatch, location="json")
@bp.output(TopicOut)
@bp.doc(responses={409: "Another topic has this name"})
def update_topic(topic_id: int, json_data: dict[str, Any]) -> Any:
    """Rename, describe, retire or restore a topic area."""
    session = db_session()
    current = topics.get_topic(session, topic_id)
    values = {
        "name": current.name,
        "name_fr": current.name_fr,
        "description": current.description,
        "is_active": current.is_active,
        **json_data,
    }
    topic = topics.update_topic(session, current_api_user(), topic_id, **values)
    db.session.commit()
    return topic
