"""Topic areas: create, rename, retire."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit import services as audit
from app.core import validation
from app.core.errors import DuplicateError, NotFound
from app.core.languages import current_language
from app.core.unique import flush_unique
from app.topics.models import TopicArea

if TYPE_CHECKING:
    from app.auth.models import User

# slug, name, French name
DEFAULT_TOPICS = (
    ("russia", "Russia", "Russie"),
    ("western-balkans", "Western Balkans", "Balkans occidentaux"),
    ("east-asia", "East Asia", "Asie de l'Est"),
)


def topic_name(topic: TopicArea) -> str:
    """The topic's name in the reader's language: its French name for French readers."""
    return validation.localized(topic.name, topic.name_fr, current_language())


def list_topics(session: Session, *, include_inactive: bool = False) -> Sequence[TopicArea]:
    """Topic areas by name; only active ones unless `include_inactive`."""
    query = select(TopicArea).order_by(TopicArea.name)
    if not include_inactive:
        query = query.where(TopicArea.is_active.is_(True))
    return session.scalars(query).all()


def get_topic(session: Session, topic_id: int) -> TopicArea:
    """The topic area with this id, or NotFound."""
    topic = session.get(TopicArea, topic_id)
    if topic is None:
        raise NotFound(_("No topic area with id %(topic_id)s", topic_id=topic_id))
    return topic


def get_topic_by_slug(session: Session, slug: str) -> TopicArea:
    """The topic area with this slug, or NotFound."""
    topic = session.scalar(select(TopicArea).where(TopicArea.slug == slug))
    if topic is None:
        raise NotFound(_("No topic area %(slug)s", slug=repr(slug)), field="topic")
    return topic


def create_topic(
    session: Session,
    actor: User | None,
    slug: str,
    name: str,
    description: str = "",
    name_fr: str | None = None,
) -> TopicArea:
    """Add an active topic area (with its French name, if given); DuplicateError if the slug
    or name is taken."""
    slug = validation.slug(slug)
    name = validation.text(name, "name", max_length=120)
    _ensure_unique(session, slug, name)
    topic = TopicArea(
        slug=slug,
        name=name,
        name_fr=validation.optional_text(name_fr, "name_fr", max_length=120),
        description=validation.text(
            description, "description", max_length=2000, required=False, multiline=True
        ),
        is_active=True,
    )
    session.add(topic)
    flush_unique(
        session,
        {"uq_topic_areas_slug": _slug_taken(slug), "uq_topic_areas_name": _name_taken(name)},
    )
    audit.record(
        session,
        actor,
        "topic.created",
        "topic",
        topic.id,
        f"Topic area {name} added",
        {
            "slug": slug,
            "name": name,
            **({"name_fr": topic.name_fr} if topic.name_fr else {}),
            "description": topic.description,
            "is_active": topic.is_active,
        },
    )
    return topic


def update_topic(
    session: Session,
    actor: User | None,
    topic_id: int,
    *,
    name: str,
    description: str = "",
    is_active: bool = True,
    name_fr: str | None = None,
) -> TopicArea:
    """Rename, describe, or (de)activate a topic area, auditing only what changed; the slug
    never changes, and DuplicateError if another area has the name."""
    topic = get_topic(session, topic_id)
    name = validation.text(name, "name", max_length=120)
    _ensure_unique(session, None, name, exclude_id=topic.id)
    before = {
        "name": topic.name,
        "name_fr": topic.name_fr,
        "description": topic.description,
        "is_active": topic.is_active,
    }
    topic.name = name
    topic.name_fr = validation.optional_text(name_fr, "name_fr", max_length=120)
    topic.description = validation.text(
        description, "description", max_length=2000, required=False, multiline=True
    )
    topic.is_active = is_active
    after = {
        "name": name,
        "name_fr": topic.name_fr,
        "description": topic.description,
        "is_active": is_active,
    }
    changes = audit.diff(before, after)
    if changes:
        session.flush()
        audit.record(
            session,
            actor,
            "topic.updated",
            "topic",
            topic.id,
            f"Topic area {name} updated",
            changes,
        )
    return topic


def ensure_default_topics(session: Session, actor: User | None = None) -> None:
    """Create any of the default topic areas that are missing; existing ones are left as
    they are."""
    for slug, name, name_fr in DEFAULT_TOPICS:
        if session.scalar(select(TopicArea.id).where(TopicArea.slug == slug)) is None:
            create_topic(session, actor, slug, name, name_fr=name_fr)


def _ensure_unique(
    session: Session, slug: str | None, name: str, exclude_id: int | None = None
) -> None:
    if slug is not None and session.scalar(select(TopicArea.id).where(TopicArea.slug == slug)):
        raise _slug_taken(slug)
    query = select(TopicArea.id).where(TopicArea.name == name)
    if exclude_id is not None:
        query = query.where(TopicArea.id != exclude_id)
    if session.scalar(query):
        raise _name_taken(name)


def _slug_taken(slug: str) -> DuplicateError:
    return DuplicateError(
        _("A topic area with slug %(slug)s already exists", slug=repr(slug)), field="slug"
    )


def _name_taken(name: str) -> DuplicateError:
    return DuplicateError(
        _("A topic area named %(name)s already exists", name=repr(name)), field="name"
    )
