"""Circulated agenda versions: list, read (numbered, as the reader's side may see it),
compare, and circulate the draft (If-Match: the draft you reviewed is the one circulated)."""

from __future__ import annotations

from typing import Any

from apiflask import Schema
from apiflask.fields import Boolean, Integer, List, Method, Nested
from apiflask.validators import Length, OneOf, Range

from app.agendas import versions
from app.agendas.models import AgendaVersion, VersionStage
from app.agendas.numbering import number_items
from app.agendas.overview import reader_side
from app.api.agendas import OPTIONAL_IF_MATCH, agenda_write
from app.api.auth import current_api_user, requires
from app.api.common import IfMatchHeader, Moment, Text, api_blueprint
from app.auth.models import Role
from app.core.timezones import utc_to_local
from app.extensions import db_session
from app.meetings.access import readable_meeting

bp = api_blueprint("api_agenda_versions", __name__, "/meetings", "Agendas")
blueprints = (bp,)
SIDES = ["uk", "eu"]


class PaperOut(Schema):
    reference = Text(required=True)
    revision = Integer(required=True)
    language = Text(required=True)
    title = Text(required=True)
    citation = Text(required=True)


class VersionItemOut(Schema):
    number = Text(required=True)
    depth = Integer(required=True)
    starts_at = Method(
        "_starts_at", required=True, metadata={"type": ["string", "null"], "format": "date-time"}
    )
    id = Integer(required=True, attribute="item.id")
    parent_id = Integer(required=True, allow_none=True, attribute="item.parent_id")
    title = Text(required=True, attribute="item.title")
    title_fr = Text(required=True, allow_none=True, attribute="item.title_fr")
    purpose = Method("_purpose", required=True, metadata={"type": ["string", "null"]})
    lead = Text(required=True, attribute="item.lead")
    duration_minutes = Integer(required=True, allow_none=True, attribute="item.duration_minutes")
    minutes = Integer(
        required=True,
        allow_none=True,
        metadata={"description": "How long it takes: a parent item's whole block (null: unknown)"},
    )
    visibility = Method("_visibility", required=True, metadata={"type": "string"})
    topic = Text(required=True, attribute="item.topic")
    papers = List(Nested(PaperOut), required=True, attribute="item.papers")

    def _starts_at(self, numbered: Any) -> str | None:
        return numbered.starts_at.isoformat() if numbered.starts_at else None

    def _purpose(self, numbered: Any) -> str | None:
        return numbered.item.purpose.value if numbered.item.purpose else None

    def _visibility(self, numbered: Any) -> str:
        return str(numbered.item.visibility.value)


class VersionOut(Schema):
    number = Integer(required=True)
    stage = Text(required=True, validate=OneOf([stage.value for stage in VersionStage]))
    revision = Integer(required=True)
    title = Method("_title", required=True, metadata={"type": "string"})
    circulated_at = Moment(required=True)
    circulated_by = Text(required=True)
    note = Text(required=True)
    changes = List(Text(), required=True)

    def _title(self, version: AgendaVersion) -> str:
        return versions.version_title(version)


class VersionDetailOut(VersionOut):
    items = List(Nested(VersionItemOut), required=True)


class SideQuery(Schema):
    side = Text(validate=OneOf(SIDES), metadata={"description": "Only one side's items"})


class CompareQuery(Schema):
    old = Integer(required=True, validate=Range(min=0, max=100_000))
    new = Integer(required=True, validate=Range(min=0, max=100_000))


class ChangesOut(Schema):
    changes = List(Text(), required=True)


class CirculateIn(Schema):
    final = Boolean(load_default=False)
    # Link the announcement e-mail to the briefing packs (behind sign-in, never the file).
    pack_link = Boolean(load_default=False)
    note = Text(load_default="", validate=Length(max=1000))


class _Detail:
    """A version as one reader may see it: `items` numbered for their edition, and the change
    summary of their side's edition for a delegate of one side (the joint one names the other
    side's items and papers)."""

    def __init__(self, version: AgendaVersion, items: list[Any], own_side: str | None) -> None:
        self._version = version
        self.items = items
        self.changes = versions.changes_for(db_session(), version, own_side)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._version, name)


@bp.get("/<int:meeting_id>/agenda/versions")
@requires(bp, Role.VIEWER)
@bp.output(VersionOut(many=True))
def list_versions(meeting_id: int) -> Any:
    """Every circulated version, oldest first, with its change summary (for a delegate of one
    side, the summary of their side's edition)."""
    session = db_session()
    readable_meeting(session, current_api_user(), meeting_id)
    side = reader_side(session, current_api_user(), None)
    return [_Detail(version, [], side) for version in versions.list_versions(session, meeting_id)]


@bp.get("/<int:meeting_id>/agenda/versions/<int:number>")
@requires(bp, Role.VIEWER)
@bp.input(SideQuery, location="query")
@bp.output(VersionDetailOut)
def get_version(meeting_id: int, number: int, query_data: dict[str, Any]) -> Any:
    """One circulated version, frozen, numbered as circulated (one side's items on request;
    a user linked to a delegate always gets their own side's)."""
    session = db_session()
    readable_meeting(session, current_api_user(), meeting_id)
    side = reader_side(session, current_api_user(), query_data.get("side"))
    version = versions.get_version(session, meeting_id, number)
    source = versions.version_source(version).for_side(side)
    start = utc_to_local(source.head.start_utc, source.head.timezone)
    own_side = reader_side(session, current_api_user(), None)
    return _Detail(version, number_items(source.items, start, side), own_side)


@bp.get("/<int:meeting_id>/agenda/compare")
@requires(bp, Role.VIEWER)
@bp.input(CompareQuery, location="query")
@bp.output(ChangesOut)
def compare(meeting_id: int, query_data: dict[str, Any]) -> Any:
    """What changed from version `old` to version `new` (0 is the draft: editors only)."""
    old, new = query_data["old"], query_data["new"]
    user = current_api_user()
    readable_meeting(db_session(), user, meeting_id)
    return {"changes": versions.compare(db_session(), user, meeting_id, old, new)}


@bp.post("/<int:meeting_id>/agenda/circulate")
@requires(bp, Role.EDITOR)
@bp.input(IfMatchHeader, location="headers", arg_name="headers")
@bp.input(CirculateIn, location="json")
@bp.output(VersionOut, status_code=201)
@bp.doc(responses=OPTIONAL_IF_MATCH)
def circulate(meeting_id: int, json_data: dict[str, Any], headers: Any) -> Any:
    """Freeze the draft as the next version (If-Match honoured: the draft you reviewed)."""
    session = db_session()
    return agenda_write(
        meeting_id,
        lambda: versions.circulate(session, current_api_user(), meeting_id, **json_data),
        status=201,
        answer_etag=False,
    )
