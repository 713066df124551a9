"""Meetings: list with filters and pages, read (with ETag), create, edit with If-Match, cancel."""

from __future__ import annotations

import dataclasses
from typing import Any

from apiflask import Schema
from apiflask.fields import Integer, List, Method, Nested, Pluck
from apiflask.validators import Length, OneOf
from flask import g
from sqlalchemy.orm import object_session

from app.api.auth import current_api_user, requires
from app.api.common import (
    VERSIONED_RESPONSES,
    Day,
    Id,
    IfMatchHeader,
    Moment,
    PageQuery,
    Text,
    WithWarnings,
    Zone,
    api_blueprint,
    page_of,
    page_payload,
    versioned_write,
    with_etag,
)
from app.auth.models import Role
from app.core.timezones import utc_to_local
from app.extensions import db, db_session
from app.feeds.stamp import CalendarStamp, current_stamp, current_stamps
from app.meetings import access, queries
from app.meetings import services as meetings
from app.meetings.filters import MeetingFilter
from app.meetings.models import Access, Marking, Meeting, MeetingStatus

bp = api_blueprint("api_meetings", __name__, "/meetings", "Meetings")
blueprints = (bp,)
STATUSES = [status.value for status in MeetingStatus]
MARKINGS = [marking.value for marking in Marking]
ACCESSES = [access.value for access in Access]
API_DAYS_ZONE = "UTC"  # the list's start/end days are UTC days (documented)
STAMPS_KEY = "api_meeting_stamps"  # flask.g: the calendar stamps of the page being sent
LOCAL_TIME = {"type": "string", "format": "date-time", "description": "In the meeting's zone"}


class TopicRef(Schema):
    slug = Text(required=True)


class MeetingOut(Schema):
    id = Integer(required=True)
    uid = Text(required=True)
    title = Text(required=True)
    title_fr = Text(
        required=True,
        allow_none=True,
        metadata={"description": "French title; null: the English one is used in French"},
    )
    kind = Text(required=True, attribute="kind.slug")
    kind_id = Integer(required=True)
    status = Text(required=True, validate=OneOf(STATUSES))
    start = Method("_start", required=True, metadata=LOCAL_TIME)
    end = Method("_end", required=True, metadata=LOCAL_TIME)
    start_utc = Moment(required=True)
    end_utc = Moment(required=True)
    timezone = Text(required=True)
    venue = Text(required=True)
    host_city = Text(required=True)
    host_organisation_id = Integer(required=True, allow_none=True)
    chair_id = Integer(required=True, allow_none=True)
    marking = Text(required=True, validate=OneOf(MARKINGS))
    access = Text(required=True, validate=OneOf(ACCESSES))
    language = Text(required=True)
    description = Text(required=True)
    planned_half = Text(required=True, allow_none=True)
    topics = Pluck(TopicRef, "slug", many=True, required=True)
    series_id = Integer(required=True, allow_none=True)
    sequence = Method(
        "_sequence",
        required=True,
        metadata={
            "type": "integer",
            "description": "The calendar SEQUENCE its feed events and e-mails carry",
        },
    )
    version = Integer(required=True)
    created_at = Moment(required=True)
    updated_at = Moment(required=True)

    def _start(self, meeting: Meeting) -> str:
        return utc_to_local(meeting.start_utc, meeting.timezone).isoformat()

    def _end(self, meeting: Meeting) -> str:
        return utc_to_local(meeting.end_utc, meeting.timezone).isoformat()

    def _sequence(self, meeting: Meeting) -> int:
        known: dict[int, CalendarStamp] = g.get(STAMPS_KEY, {})
        if meeting.id in known:  # a list page: read for all its meetings in one query
            return known[meeting.id].sequence
        session = object_session(meeting)
        assert session is not None
        return current_stamp(session, meeting).sequence


class WarningOut(Schema):
    code = Text(required=True)
    message = Text(required=True)
    other_meeting_id = Integer(required=True, allow_none=True)
    person_id = Integer(required=True, allow_none=True)


class MeetingSaved(MeetingOut):
    warnings = List(Nested(WarningOut), required=True)


MeetingPage = page_of(MeetingOut)


class MeetingQuery(PageQuery):
    topic = Text(validate=Length(max=64), metadata={"description": "Topic area slug"})
    kind = Text(validate=Length(max=64), metadata={"description": "Meeting kind slug"})
    organisation = Id(metadata={"description": "Hosts, has a delegate, invites or is invited"})
    status = Text(validate=OneOf(STATUSES))
    start = Day(metadata={"description": "Meetings ending on or after this day (UTC)"})
    end = Day(metadata={"description": "Meetings starting on or before this day (UTC)"})


class MeetingFields(Schema):
    """Fields of a meeting a client sets; naive start/end are wall-clock times in `timezone`."""

    title = Text(validate=Length(min=1, max=300))
    title_fr = Text(
        allow_none=True,
        validate=Length(max=300),
        metadata={"description": "French title, optional"},
    )
    kind = Text(validate=Length(min=1, max=64), metadata={"description": "Meeting kind slug"})
    start = Moment()
    end = Moment()
    timezone = Zone(validate=Length(min=1, max=64), metadata={"example": "Europe/London"})
    venue = Text(validate=Length(max=300))
    host_city = Text(validate=Length(max=120))
    status = Text(validate=OneOf(STATUSES))
    marking = Text(validate=OneOf(MARKINGS))
    access = Text(validate=OneOf(ACCESSES))
    topics = List(Text(validate=Length(max=64)), validate=Length(max=50))
    series = Id(allow_none=True)
    planned_half = Text(allow_none=True, validate=Length(max=7))
    description = Text(validate=Length(max=10000))
    language = Text(validate=OneOf(["en", "fr"]))
    chair_id = Id(allow_none=True)
    host_organisation_id = Id(allow_none=True)


class MeetingIn(MeetingFields):
    title = Text(required=True, validate=Length(min=1, max=300))
    kind = Text(required=True, validate=Length(min=1, max=64))
    start = Moment(required=True)
    end = Moment(required=True)
    timezone = Zone(required=True, validate=Length(min=1, max=64))


class CancelIn(Schema):
    reason = Text(load_default="", validate=Length(max=300))


@bp.get("")
@requires(bp, Role.VIEWER)
@bp.input(MeetingQuery, location="query")
@bp.output(MeetingPage)
def list_meetings(query_data: dict[str, Any]) -> Any:
    """List meetings in start order, filtered, a page at a time."""
    filters = MeetingFilter(
        topic=query_data.get("topic"),
        kind=query_data.get("kind"),
        organisation_id=query_data.get("organisation"),
        status=MeetingStatus(query_data["status"]) if query_data.get("status") else None,
        date_from=query_data.get("start"),
        date_to=query_data.get("end"),
        zone_name=API_DAYS_ZONE,
    )
    per_page = query_data["per_page"]
    session = db_session()
    rows, total = queries.list_meetings(
        session,
        current_api_user(),
        filters,
        limit=per_page,
        offset=(query_data["page"] - 1) * per_page,
    )
    setattr(g, STAMPS_KEY, current_stamps(session, rows))
    return page_payload(rows, total, query_data)


@bp.get("/<int:meeting_id>")
@requires(bp, Role.VIEWER)
@bp.output(MeetingOut, headers={"ETag": Text(metadata={"description": "The version"})})
def get_meeting(meeting_id: int) -> Any:
    """One meeting; its ETag is the version to send back in If-Match."""
    meeting = access.readable_meeting(db_session(), current_api_user(), meeting_id)
    return with_etag(meeting, meeting.version)


@bp.post("")
@requires(bp, Role.EDITOR)
@bp.input(MeetingIn, location="json")
@bp.output(MeetingSaved, status_code=201)
def create_meeting(json_data: dict[str, Any]) -> Any:
    """Plan a meeting; the answer lists conflicts (double bookings, unavailable days)."""
    result = meetings.create_meeting(
        db_session(), current_api_user(), meetings.MeetingInput(**json_data)
    )
    db.session.commit()
    return with_etag(_saved(result), result.meeting.version, 201)


@bp.patch("/<int:meeting_id>")
@requires(bp, Role.EDITOR)
@bp.input(IfMatchHeader, location="headers", arg_name="headers")
@bp.input(MeetingFields, location="json")
@bp.output(MeetingSaved)
@bp.doc(responses=VERSIONED_RESPONSES)
def update_meeting(meeting_id: int, json_data: dict[str, Any], headers: Any) -> Any:
    """Change some fields of a meeting (If-Match required); moving it moves open deadlines."""
    session = db_session()
    meeting = meetings.get_meeting(session, meeting_id)
    data = dataclasses.replace(meetings.input_from(meeting), **json_data)
    return versioned_write(
        meeting.version,
        lambda version: _saved(
            meetings.update_meeting(
                session, current_api_user(), meeting_id, data, expected_version=version
            )
        ),
    )


@bp.post("/<int:meeting_id>/cancel")
@requires(bp, Role.EDITOR)
@bp.input(IfMatchHeader, location="headers", arg_name="headers")
@bp.input(CancelIn, location="json")
@bp.output(MeetingOut)
@bp.doc(responses=VERSIONED_RESPONSES)
def cancel_meeting(meeting_id: int, json_data: dict[str, Any], headers: Any) -> Any:
    """Cancel a meeting (If-Match required); it stays, marked cancelled, in calendars."""
    session = db_session()
    return versioned_write(
        meetings.get_meeting(session, meeting_id).version,
        lambda version: meetings.cancel_meeting(
            session, current_api_user(), meeting_id, expected_version=version, **json_data
        ),
    )


def _saved(result: meetings.MeetingResult) -> WithWarnings:
    return WithWarnings(result.meeting, result.warnings)
