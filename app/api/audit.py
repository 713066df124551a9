"""The audit log, read-only and for editors as in the UI: who changed what, when, with snapshots
and field diffs."""

from __future__ import annotations

from typing import Any

from apiflask import Schema
from apiflask.fields import Dict, Integer
from apiflask.validators import Length

from app.api.auth import current_api_user, requires
from app.api.common import (
    Id,
    Moment,
    PageQuery,
    Text,
    UtcMoment,
    api_blueprint,
    page_of,
    page_payload,
)
from app.audit import services as audit
from app.auth.models import Role
from app.extensions import db_session

bp = api_blueprint("api_audit", __name__, "/audit", "Audit")
blueprints = (bp,)


class AuditEntryOut(Schema):
    id = Integer(required=True)
    at = Moment(required=True)
    actor_id = Integer(required=True, allow_none=True)
    actor_label = Text(required=True)
    action = Text(required=True)
    entity_type = Text(required=True)
    entity_id = Integer(required=True, allow_none=True)
    summary = Text(required=True)
    changes = Dict(required=True)


AuditPage = page_of(AuditEntryOut)


class AuditQuery(PageQuery):
    entity_type = Text(validate=Length(max=64))
    entity_id = Id()
    actor_id = Id()
    action = Text(validate=Length(max=64))
    since = UtcMoment()
    until = UtcMoment()


@bp.get("")
@requires(bp, Role.EDITOR)
@bp.input(AuditQuery, location="query")
@bp.output(AuditPage)
def list_entries(query_data: dict[str, Any]) -> Any:
    """Audit entries, newest first, filtered by entity, actor, action and time (the joint
    secretariat's: refused to an account linked to one side's delegate)."""
    audit.require_joint_reader(current_api_user())
    filters = audit.AuditFilter(
        entity_type=query_data.get("entity_type"),
        entity_id=query_data.get("entity_id"),
        actor_id=query_data.get("actor_id"),
        action=query_data.get("action"),
        since=query_data.get("since"),
        until=query_data.get("until"),
    )
    per_page = query_data["per_page"]
    rows, total = audit.list_entries(
        db_session(), filters, limit=per_page, offset=(query_data["page"] - 1) * per_page
    )
    return page_payload(rows, total, query_data)
