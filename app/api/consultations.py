"""Semi-annual consultation planning: each half-year's state, gaps, and proposals to fill them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from apiflask import Schema
from apiflask.fields import Boolean, Integer, List, Method, Nested
from apiflask.validators import Length, OneOf
from marshmallow import ValidationError as MarshmallowValidationError

from app.api.auth import current_api_user, requires
from app.api.common import HALF_YEAR_PATTERN, YEARS_NOTE, Text, api_blueprint
from app.api.meetings import MeetingOut
from app.auth.models import Role
from app.consultations import services as planning
from app.core import clock
from app.core.errors import ValidationError
from app.core.timezones import local_to_utc, utc_to_local
from app.extensions import db, db_session

bp = api_blueprint("api_consultations", __name__, "/consultations", "Consultations")
blueprints = (bp,)
SPAN = "At most thirty years (sixty half-years) after `from`"
STATES = [state.value for state in planning.HalfState]
IDS = {"type": "array", "items": {"type": "integer"}}
LOCAL_TIME = {
    "type": "string",
    "format": "date-time",
    "description": "In `timezone`, with its UTC offset",
}


class ProposalOut(Schema):
    host_city = Text(required=True)
    timezone = Text(required=True)
    venue = Text(required=True)
    start = Method("_start", required=True, metadata=LOCAL_TIME)
    end = Method("_end", required=True, metadata=LOCAL_TIME)

    def _start(self, proposal: planning.Proposal) -> str:
        return _with_offset(proposal.start, proposal.timezone)

    def _end(self, proposal: planning.Proposal) -> str:
        return _with_offset(proposal.end, proposal.timezone)


def _with_offset(local: datetime, zone_name: str) -> str:
    """A proposal's wall-clock time in its zone, written with that zone's offset then."""
    return utc_to_local(local_to_utc(local, zone_name), zone_name).isoformat()


class HalfYearOut(Schema):
    half = Text(required=True, attribute="half.label")
    state = Text(required=True, validate=OneOf(STATES))
    meeting_ids = Method(
        "_meeting_ids", required=True, metadata={"type": "array", "items": {"type": "integer"}}
    )
    moved_out_ids = Method(
        "_moved_out", required=True, metadata={"type": "array", "items": {"type": "integer"}}
    )
    flagged = Boolean(required=True)
    restricted = Integer(
        required=True,
        metadata={"description": "Consultations in this half whose details you may not read"},
    )
    proposal = Nested(ProposalOut, required=True, allow_none=True)

    def _meeting_ids(self, plan: planning.HalfYearPlan) -> list[int]:
        return [meeting.id for meeting in plan.meetings]

    def _moved_out(self, plan: planning.HalfYearPlan) -> list[int]:
        return [meeting.id for meeting in plan.moved_out]


def HalfYearField(**kwargs: Any) -> Text:
    """A half-year such as 2026-H1, checked by `HalfYear.parse` (the one rule, as on the
    pages); HALF_YEAR_PATTERN only documents it for clients."""
    metadata = {"pattern": HALF_YEAR_PATTERN, **kwargs.pop("metadata", {})}
    description = metadata.get("description")
    metadata["description"] = f"{description} {YEARS_NOTE}" if description else YEARS_NOTE
    return Text(metadata=metadata, validate=_half_year, **kwargs)


def _half_year(value: str) -> None:
    try:
        planning.HalfYear.parse(value)
    except ValidationError as error:
        raise MarshmallowValidationError(error.message) from None


class PlanQuery(Schema):
    series = Text(load_default="strategic-consultations", validate=Length(min=1, max=64))
    first = HalfYearField(data_key="from", metadata={"description": "Default: last year H1"})
    last = HalfYearField(data_key="to", metadata={"description": f"Default: two years on. {SPAN}"})


class ScheduleIn(Schema):
    series = Text(load_default="strategic-consultations", validate=Length(min=1, max=64))
    first = HalfYearField(data_key="from")
    last = HalfYearField(data_key="to", metadata={"description": SPAN})
    topics = List(Text(validate=Length(max=64)), load_default=list, validate=Length(max=50))


def _range(values: dict[str, Any], today: date) -> tuple[planning.HalfYear, planning.HalfYear]:
    first = values.get("first")
    last = values.get("last")
    return (
        planning.HalfYear.parse(first, "from") if first else planning.HalfYear(today.year - 1, 1),
        planning.HalfYear.parse(last, "to") if last else planning.HalfYear(today.year + 2, 2),
    )


@bp.get("/plan")
@requires(bp, Role.VIEWER)
@bp.input(PlanQuery, location="query")
@bp.output(HalfYearOut(many=True))
def plan(query_data: dict[str, Any]) -> Any:
    """Each half-year's consultation: held, scheduled, missing (with a proposal) or overdue.
    A consultation you may not read still counts, in `restricted`, without its id."""
    today = clock.now().date()
    first, last = _range(query_data, today)
    return planning.plan_for(
        db_session(), current_api_user(), query_data["series"], first, last, today
    )


@bp.post("/schedule")
@requires(bp, Role.EDITOR)
@bp.input(ScheduleIn, location="json")
@bp.output(MeetingOut(many=True), status_code=201)
def schedule(json_data: dict[str, Any]) -> Any:
    """Create a tentative consultation for every missing half-year in the range."""
    today = clock.now().date()
    first, last = _range(json_data, today)
    plans = planning.plan_series(db_session(), json_data["series"], first, last, today)
    created = planning.schedule_proposals(
        db_session(), current_api_user(), json_data["series"], plans, json_data["topics"]
    )
    db.session.commit()
    return created
