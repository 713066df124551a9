"""POST /api/v1/inbound: an .eml or .ics file, processed as if it had come by e-mail."""

from __future__ import annotations

from typing import Any

from apiflask import Schema
from apiflask.fields import File, Integer, String
from flask_babel import gettext as _

from app.api.auth import current_api_user, requires
from app.api.common import Text, api_blueprint
from app.auth.models import Role
from app.core.errors import ValidationError
from app.extensions import db, db_session
from app.inbound import services
from app.inbound.models import InboundSource
from app.settings import current_settings

bp = api_blueprint("api_inbound", __name__, "/inbound", "Inbound mail")
blueprints = (bp,)


class InboundIn(Schema):
    file = File(required=True, metadata={"description": "An .eml message or an .ics file"})


class InboundOut(Schema):
    id = Integer(required=True)
    message_id = Text(required=True)
    sender = Text(required=True)
    method = Text(required=True)
    outcome = String(
        required=True,
        metadata={
            "enum": ["applied", "recorded", "duplicate", "quarantined"],
            "description": "quarantined: refused, see `summary` and /admin/quarantine",
        },
    )
    summary = Text(required=True)


@bp.post("")
@requires(bp, Role.EDITOR)
@bp.input(InboundIn, location="files")
@bp.output(InboundOut, status_code=201)
def import_message(files_data: dict[str, Any]) -> Any:
    """Process one calendar e-mail (a reply, a counter-proposal, an organiser's invitation);
    what is refused is quarantined and the outcome says so."""
    settings = current_settings()
    raw = files_data["file"].read(settings.inbound_imap_max_message_bytes + 1)
    if not isinstance(raw, bytes):
        raise ValidationError(_("The file could not be read"), field="file")
    row = services.process_upload(
        db_session(), current_api_user(), settings, raw, source=InboundSource.API
    )
    db.session.commit()
    return {
        "id": row.id,
        "message_id": row.message_id,
        "sender": row.sender,
        "method": row.method,
        "outcome": row.outcome.value,
        "summary": row.summary,
    }
