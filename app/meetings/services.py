"""Creating, editing, moving and cancelling meetings."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.agendas import paper_deadlines
from app.agendas.models import AgendaItem, AgendaPaper
from app.audit import services as audit
from app.audit.actions import AuditAction
from app.core import clock, validation
from app.core.errors import InvalidTransition, NotFound, StaleVersion, ValidationError
from app.core.timezones import local_to_utc, utc_to_local, zone
from app.invitations.models import Invitation, InvitationStatus
from app.meetings import catalogue
from app.meetings.access import Reader
from app.meetings.conflicts import Warning, find_conflicts
from app.meetings.models import (
    MEETING_TRANSITIONS,
    Access,
    Marking,
    Meeting,
    MeetingStatus,
)
from app.people.services import get_organisation, get_person
from app.topics.models import TopicArea

if TYPE_CHECKING:
    from app.auth.models import User

# Fields whose change a subscribed calendar would show: each change raises SEQUENCE.
CALENDAR_FIELDS = frozenset(
    {
        "title",
        "start_utc",
        "end_utc",
        "timezone",
        "venue",
        "host_city",
        "status",
        "description",
        "access",
        "topics",
    }
)
MAX_MEETING_LENGTH = timedelta(days=14)


@dataclass
class MeetingInput:
    """What a user gives for a meeting. Naive start/end are wall-clock times in `timezone`."""

    title: str
    kind: int | str
    start: datetime
    end: datetime
    timezone: str
    venue: str = ""
    host_city: str = ""
    status: MeetingStatus | str = MeetingStatus.TENTATIVE
    marking: Marking | str = Marking.OFFICIAL
    access: Access | str = Access.INTERNAL
    topics: Sequence[str] = ()
    series: int | str | None = None
    planned_half: str | None = None
    description: str = ""
    language: str = "en"
    chair_id: int | None = None
    host_organisation_id: int | None = None
    title_fr: str | None = None


@dataclass
class MeetingResult:
    meeting: Meeting
    warnings: list[Warning] = field(default_factory=list)


def get_meeting(session: Session, meeting_id: int) -> Meeting:
    """The meeting with this id, or NotFound; it does not check who may read it."""
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFound(
            _("No meeting with id %(meeting_id)s", meeting_id=meeting_id), field="meeting"
        )
    return meeting


def get_meeting_by_uid(session: Session, uid: str) -> Meeting:
    """The meeting with this iCalendar UID, or NotFound."""
    meeting = session.scalar(select(Meeting).where(Meeting.uid == uid))
    if meeting is None:
        raise NotFound(_("No meeting with UID %(uid)s", uid=repr(uid)), field="meeting")
    return meeting


def input_from(meeting: Meeting) -> MeetingInput:
    """The current state of a meeting as an input, to edit a few fields and save."""
    return MeetingInput(
        title=meeting.title,
        kind=meeting.kind_id,
        start=utc_to_local(meeting.start_utc, meeting.timezone).replace(tzinfo=None),
        end=utc_to_local(meeting.end_utc, meeting.timezone).replace(tzinfo=None),
        timezone=meeting.timezone,
        venue=meeting.venue,
        host_city=meeting.host_city,
        status=meeting.status,
        marking=meeting.marking,
        access=meeting.access,
        topics=[topic.slug for topic in meeting.topics],
        series=meeting.series_id,
        planned_half=meeting.planned_half,
        description=meeting.description,
        language=meeting.language,
        chair_id=meeting.chair_id,
        host_organisation_id=meeting.host_organisation_id,
        title_fr=meeting.title_fr,
    )


def create_meeting(session: Session, actor: User | None, data: MeetingInput) -> MeetingResult:
    """Create a meeting and return it with its conflict and half-year warnings; a new
    meeting cannot start as cancelled (ValidationError)."""
    values = _clean(session, data)
    if values["status"] is MeetingStatus.CANCELLED:
        raise ValidationError(_("A new meeting cannot start as cancelled"), field="status")
    now = clock.now()
    meeting = Meeting(created_at=now, updated_at=now, sequence=0)
    _apply(meeting, values)
    session.add(meeting)
    session.flush()
    audit.record(
        session,
        actor,
        "meeting.created",
        "meeting",
        meeting.id,
        f"Meeting “{meeting.title}” created",
        _snapshot(meeting),
    )
    return MeetingResult(
        meeting,
        find_conflicts(session, meeting)
        + _half_warnings(meeting)
        + _host_warnings(session, meeting),
    )


def update_meeting(
    session: Session,
    actor: User | None,
    meeting_id: int,
    data: MeetingInput,
    *,
    expected_version: int | None = None,
) -> MeetingResult:
    """Save an edited meeting; status changes go through the allowed transitions."""
    meeting = _editable(session, meeting_id, expected_version)
    values = _clean(session, data)
    values["title"] = _title_after_move(meeting, values)
    if values["status"] != meeting.status:
        _check_transition(meeting.status, values["status"])
    before = _snapshot(meeting)
    old_start = meeting.start_utc
    old_day = paper_deadlines.meeting_day(meeting)
    _apply(meeting, values)
    after = _snapshot(meeting)
    changes = audit.diff(before, after)
    if not changes:
        return MeetingResult(meeting, [])
    _touch(meeting, changes)
    session.flush()
    if meeting.start_utc != old_start:
        _shift_deadlines(session, actor, meeting, meeting.start_utc - old_start)
    if paper_deadlines.meeting_day(meeting) != old_day:
        _move_paper_due_dates(session, actor, meeting, old_day)
    action = (
        AuditAction.MEETING_MOVED
        if {"start_utc", "end_utc", "timezone"} & changes.keys()
        else AuditAction.MEETING_UPDATED
    )
    audit.record(
        session,
        actor,
        action,
        "meeting",
        meeting.id,
        f"Meeting “{meeting.title}” {action.split('.')[1]}",
        changes,
    )
    return MeetingResult(
        meeting,
        find_conflicts(session, meeting)
        + _half_warnings(meeting)
        + _host_warnings(session, meeting),
    )


def move_meeting(
    session: Session,
    actor: User | None,
    meeting_id: int,
    start: datetime,
    end: datetime,
    timezone: str | None = None,
    *,
    expected_version: int | None = None,
) -> MeetingResult:
    """Give a meeting new start and end times (and time zone), saved as an edit through
    update_meeting."""
    meeting = get_meeting(session, meeting_id)
    data = dataclasses.replace(
        input_from(meeting), start=start, end=end, timezone=timezone or meeting.timezone
    )
    return update_meeting(session, actor, meeting_id, data, expected_version=expected_version)


def change_status(
    session: Session,
    actor: User | None,
    meeting_id: int,
    status: MeetingStatus | str,
    *,
    reason: str = "",
    expected_version: int | None = None,
) -> Meeting:
    """Move a meeting to another status through the allowed transitions (InvalidTransition
    otherwise), with an optional reason; StaleVersion if `expected_version` is out of date."""
    meeting = _editable(session, meeting_id, expected_version)
    new_status = validation.choice(MeetingStatus, status, "status")
    _check_transition(meeting.status, new_status)
    old = meeting.status
    meeting.status = new_status
    changes: dict[str, Any] = {"status": [old.value, new_status.value]}
    _touch(meeting, changes)
    session.flush()
    summary = f"Meeting “{meeting.title}” {new_status.value}"
    if reason:
        summary += f": {validation.text(reason, 'reason', max_length=300)}"
    audit.record(
        session,
        actor,
        AuditAction.status_change(new_status.value),
        "meeting",
        meeting.id,
        summary,
        changes,
    )
    return meeting


def cancel_meeting(
    session: Session,
    actor: User | None,
    meeting_id: int,
    *,
    reason: str = "",
    expected_version: int | None = None,
) -> Meeting:
    """Cancel a meeting, with an optional reason; see change_status."""
    return change_status(
        session,
        actor,
        meeting_id,
        MeetingStatus.CANCELLED,
        reason=reason,
        expected_version=expected_version,
    )


def conflicts_for(session: Session, actor: User | None, meeting_id: int) -> list[Warning]:
    """The meeting's warnings as `actor` may read them (a clash with a meeting they may not
    read does not name it)."""
    meeting = get_meeting(session, meeting_id)
    return (
        find_conflicts(session, meeting, reader=Reader.of(actor))
        + _half_warnings(meeting)
        + _host_warnings(session, meeting)
    )


def half_of(moment: datetime, zone_name: str) -> str:
    """The half-year label ("2026-H1") of a moment, by the local date in `zone_name`."""
    local = utc_to_local(moment, zone_name)
    return f"{local.year}-H{1 if local.month <= 6 else 2}"


# --- internals -------------------------------------------------------------------------------


def _editable(session: Session, meeting_id: int, expected_version: int | None) -> Meeting:
    meeting = get_meeting(session, meeting_id)
    if expected_version is not None and expected_version != meeting.version:
        raise StaleVersion(
            _(
                "“%(title)s” was changed by someone else (version %(version)s, yours "
                "%(expected_version)s); reload it and make your change again",
                title=meeting.title,
                version=meeting.version,
                expected_version=expected_version,
            )
        )
    if meeting.status is MeetingStatus.CANCELLED:
        raise InvalidTransition(_("A cancelled meeting cannot be changed"), field="status")
    return meeting


def _check_transition(old: MeetingStatus, new: MeetingStatus) -> None:
    if new not in MEETING_TRANSITIONS[old]:
        raise InvalidTransition(
            _("A %(value)s meeting cannot become %(value2)s", value=old.value, value2=new.value),
            field="status",
        )


def _clean(session: Session, data: MeetingInput) -> dict[str, Any]:
    zone(data.timezone)
    if not isinstance(data.start, datetime):
        raise ValidationError(_("Start must be a date and time"), field="start")
    if not isinstance(data.end, datetime):
        raise ValidationError(_("End must be a date and time"), field="end")
    start = local_to_utc(data.start, data.timezone, field="start")
    end = local_to_utc(data.end, data.timezone, field="end")
    if end <= start:
        raise ValidationError(_("The meeting must end after it starts"), field="end")
    if end - start > MAX_MEETING_LENGTH:
        raise ValidationError(_("A meeting cannot last more than 14 days"), field="end")
    planned_half = (data.planned_half or "").strip() or None
    if planned_half is not None and not _is_half(planned_half):
        raise ValidationError(
            _(
                "Planned half-year looks like 2026-H1 or 2026-H2, in the years %(first)s "
                "to %(last)s",
                first=validation.MIN_YEAR,
                last=validation.MAX_YEAR,
            ),
            field="planned_half",
        )
    language = (data.language or "en").strip().lower()
    if language not in {"en", "fr"}:
        raise ValidationError(_("Language must be en or fr"), field="language")
    return {
        "title": validation.text(data.title, "title", max_length=300),
        "title_fr": validation.optional_text(data.title_fr, "title_fr", max_length=300),
        "kind_id": catalogue.get_kind(session, data.kind).id,
        "start_utc": start,
        "end_utc": end,
        "timezone": data.timezone,
        "venue": validation.text(data.venue, "venue", max_length=300, required=False),
        "host_city": validation.text(data.host_city, "host_city", max_length=120, required=False),
        "status": validation.choice(MeetingStatus, data.status, "status"),
        "marking": validation.choice(Marking, data.marking, "marking"),
        "access": validation.choice(Access, data.access, "access"),
        "topics": _topics(session, data.topics),
        "series_id": catalogue.get_series(session, data.series).id
        if data.series not in (None, "")
        else None,
        "planned_half": planned_half,
        "description": validation.text(
            data.description, "description", max_length=10000, required=False, multiline=True
        ),
        "language": language,
        "chair_id": _person_id(session, data.chair_id, "chair_id"),
        "host_organisation_id": _organisation_id(session, data.host_organisation_id),
    }


def _topics(session: Session, slugs: Sequence[str]) -> list[TopicArea]:
    wanted = list(dict.fromkeys(slug.strip() for slug in slugs if slug and slug.strip()))
    if not wanted:
        return []
    found = {
        t.slug: t for t in session.scalars(select(TopicArea).where(TopicArea.slug.in_(wanted)))
    }
    missing = [slug for slug in wanted if slug not in found]
    if missing:
        raise ValidationError(
            _("Unknown topic area(s): %(join)s", join=", ".join(missing)), field="topics"
        )
    return [found[slug] for slug in wanted]


def _person_id(session: Session, person_id: int | None, field_name: str) -> int | None:
    if person_id is None:
        return None
    try:
        return get_person(session, person_id).id
    except NotFound as exc:
        raise ValidationError(exc.message, field=field_name) from exc


def _organisation_id(session: Session, organisation_id: int | None) -> int | None:
    if organisation_id is None:
        return None
    try:
        return get_organisation(session, organisation_id).id
    except NotFound as exc:
        raise ValidationError(exc.message, field="host_organisation_id") from exc


def _apply(meeting: Meeting, values: dict[str, Any]) -> None:
    for name, value in values.items():
        setattr(meeting, name, value)


def _snapshot(meeting: Meeting) -> dict[str, Any]:
    return {
        "title": meeting.title,
        "title_fr": meeting.title_fr,
        "kind_id": meeting.kind_id,
        "start_utc": meeting.start_utc,
        "end_utc": meeting.end_utc,
        "timezone": meeting.timezone,
        "venue": meeting.venue,
        "host_city": meeting.host_city,
        "status": meeting.status,
        "marking": meeting.marking,
        "access": meeting.access,
        "topics": sorted(topic.slug for topic in meeting.topics),
        "series_id": meeting.series_id,
        "planned_half": meeting.planned_half,
        "description": meeting.description,
        "language": meeting.language,
        "chair_id": meeting.chair_id,
        "host_organisation_id": meeting.host_organisation_id,
    }


def _touch(meeting: Meeting, changes: dict[str, Any]) -> None:
    meeting.updated_at = clock.now()
    if CALENDAR_FIELDS & changes.keys():
        meeting.sequence += 1


def _shift_deadlines(
    session: Session, actor: User | None, meeting: Meeting, delta: timedelta
) -> None:
    """Reply deadlines are relative to the meeting: when it moves, open deadlines move too."""
    open_invitations = session.scalars(
        select(Invitation).where(
            Invitation.meeting_id == meeting.id,
            Invitation.status.in_([InvitationStatus.INVITED, InvitationStatus.TENTATIVE]),
            Invitation.reply_deadline.is_not(None),
        )
    )
    for invitation in open_invitations:
        assert invitation.reply_deadline is not None
        old_deadline = invitation.reply_deadline
        invitation.reply_deadline += delta
        audit.record(
            session,
            actor,
            "invitation.deadline_moved",
            "invitation",
            invitation.id,
            "Reply deadline moved with the meeting",
            {"reply_deadline": [old_deadline, invitation.reply_deadline]},
        )
    session.flush()


def _move_paper_due_dates(
    session: Session, actor: User | None, meeting: Meeting, old_day: date
) -> None:
    """Due dates an editor set for the meeting's papers keep their working days before it
    (the default due dates are computed from the meeting, so they move by themselves)."""
    new_day = paper_deadlines.meeting_day(meeting)
    unavailable = paper_deadlines.unavailable_days(session)
    query = (
        select(AgendaPaper)
        .join(AgendaItem, AgendaItem.id == AgendaPaper.item_id)
        .where(AgendaItem.meeting_id == meeting.id, AgendaPaper.due_on.is_not(None))
    )
    moved = {}
    for paper in session.scalars(query):
        assert paper.due_on is not None
        old_due = paper.due_on
        paper.due_on = paper_deadlines.keep_working_days_before(
            old_due, old_day, new_day, unavailable
        )
        moved[paper.citation] = [old_due, paper.due_on]
    if moved:
        audit.record(
            session,
            actor,
            "agenda_paper.due_dates_moved",
            "meeting",
            meeting.id,
            "Papers' due dates moved with the meeting",
            moved,
        )
    session.flush()


def _half_warnings(meeting: Meeting) -> list[Warning]:
    if not meeting.planned_half or meeting.is_cancelled:
        return []
    actual = half_of(meeting.start_utc, meeting.timezone)
    if actual == meeting.planned_half:
        return []
    return [
        Warning(
            code="outside_planned_half",
            message=_(
                "Planned for %(planned_half)s but now falls in %(actual)s",
                planned_half=meeting.planned_half,
                actual=actual,
            ),
            other_meeting_id=None,
        )
    ]


def _title_after_move(meeting: Meeting, values: dict[str, Any]) -> str:
    """A title that names its host city, "… (Brussels)", follows a change of host city made
    in the same edit, unless the edit also changes the title itself."""
    old_city, new_city, title = meeting.host_city, values["host_city"], values["title"]
    if title != meeting.title or not old_city or not new_city or old_city == new_city:
        return str(title)
    return str(title).replace(f"({old_city})", f"({new_city})")


def _host_warnings(session: Session, meeting: Meeting) -> list[Warning]:
    """A round of a series whose hosts alternate (London / Brussels) hosted where the round
    before it was: a warning, as when a round leaves its planned half-year."""
    series = meeting.series
    if series is None or len(series.hosts) < 2 or not meeting.host_city or meeting.is_cancelled:
        return []
    before = session.scalar(
        select(Meeting)
        .where(
            Meeting.series_id == series.id,
            Meeting.id != meeting.id,
            Meeting.status != MeetingStatus.CANCELLED,
            Meeting.start_utc < meeting.start_utc,
        )
        .order_by(Meeting.start_utc.desc())
        .limit(1)
    )
    if before is None or before.host_city != meeting.host_city:
        return []
    return [
        Warning(
            code="host_alternation",
            message=_(
                "Hosts alternate (%(hosts)s), but %(city)s also hosted the round before"
                " (“%(title)s”)",
                hosts=" / ".join(series.hosts),
                city=meeting.host_city,
                title=before.title,
            ),
            other_meeting_id=before.id,
        )
    ]


def _is_half(value: str) -> bool:
    year, sep, half = value.partition("-")
    if not (sep and validation.is_digits(year) and len(year) == 4 and half in {"H1", "H2"}):
        return False
    return validation.MIN_YEAR <= int(year) <= validation.MAX_YEAR
