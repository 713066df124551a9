"""Writing and reading the audit log; services call record() inside their own transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from app.audit.models import AuditEntry
from app.core import clock
from app.core.db import as_plain
from app.core.errors import PermissionDenied

if TYPE_CHECKING:
    from app.auth.models import User


def require_joint_reader(user: User | None) -> None:
    """The whole log names both sides' agenda items and papers: it is for the joint
    secretariat, not for an account linked to one side's delegate."""
    if user is not None and user.person_id is not None:
        raise PermissionDenied(
            _("The audit log names both sides' items and papers: it is for the joint secretariat")
        )


def record(
    session: Session,
    actor: User | None,
    action: str,
    entity_type: str,
    entity_id: int | None,
    summary: str = "",
    changes: dict[str, Any] | None = None,
) -> AuditEntry:
    """Add an audit entry in the caller's transaction (the caller commits); no actor means
    "system". The summary is cut to 500 characters and changes kept as plain JSON values."""
    entry = AuditEntry(
        at=clock.now(),
        actor_id=actor.id if actor is not None else None,
        actor_label=actor.email if actor is not None else "system",
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        summary=summary[:500],
        changes={key: as_plain(value) for key, value in (changes or {}).items()},
    )
    session.add(entry)
    session.flush()
    return entry


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """Fields that changed, as {field: [old, new]} in plain JSON values."""
    return {
        key: [as_plain(before.get(key)), as_plain(value)]
        for key, value in after.items()
        if as_plain(before.get(key)) != as_plain(value)
    }


@dataclass(frozen=True)
class AuditFilter:
    entity_type: str | None = None
    entity_id: int | None = None
    actor_id: int | None = None
    action: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def list_entries(
    session: Session, filters: AuditFilter = AuditFilter(), *, limit: int = 50, offset: int = 0
) -> tuple[Sequence[AuditEntry], int]:
    """A page of entries matching `filters`, newest first, with the total count of matches."""
    query = select(AuditEntry)
    if filters.entity_type:
        query = query.where(AuditEntry.entity_type == filters.entity_type)
    if filters.entity_id is not None:
        query = query.where(AuditEntry.entity_id == filters.entity_id)
    if filters.actor_id is not None:
        query = query.where(AuditEntry.actor_id == filters.actor_id)
    if filters.action:
        query = query.where(AuditEntry.action == filters.action)
    if filters.since:
        query = query.where(AuditEntry.at >= filters.since)
    if filters.until:
        query = query.where(AuditEntry.at < filters.until)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(AuditEntry.id.desc()).limit(limit).offset(offset)).all()
    return rows, total


def history_of(
    session: Session, refs: dict[str, Sequence[int]], *, limit: int = 100
) -> Sequence[AuditEntry]:
    """The newest entries about any of these entities, e.g. a meeting and its invitations."""
    clauses = [
        and_(AuditEntry.entity_type == kind, AuditEntry.entity_id.in_(ids))
        for kind, ids in refs.items()
        if ids
    ]
    if not clauses:
        return []
    query = select(AuditEntry).where(or_(*clauses)).order_by(AuditEntry.id.desc()).limit(limit)
    return session.scalars(query).all()
