"""Meeting kinds, series and the secretariat's unavailable dates."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit import services as audit
from app.core import validation
from app.core.errors import DuplicateError, NotFound, ValidationError
from app.core.languages import defer_translation
from app.core.unique import flush_unique
from app.meetings.models import MeetingKind, MeetingSeries, UnavailableDate

if TYPE_CHECKING:
    from app.auth.models import User

# slug, name, is the EU's internal meeting, default length in minutes
DEFAULT_KINDS = (
    ("strategic-consultation", defer_translation("Strategic consultation"), False, 240),
    ("policy-dialogue", defer_translation("Foreign and security policy dialogue"), False, 180),
    ("summit", defer_translation("UK–EU summit"), False, 360),
    ("european-council", defer_translation("European Council"), True, 480),
    ("foreign-affairs-council", defer_translation("Foreign Affairs Council"), True, 420),
    ("informal-ministerial", defer_translation("Informal ministerial (Gymnich)"), True, 360),
    (
        "political-security-committee",
        defer_translation("Political and Security Committee"),
        True,
        180,
    ),
    ("crisis-management-exercise", defer_translation("Crisis-management exercise"), True, 480),
    ("csdp-planning", defer_translation("CSDP mission / operation planning"), True, 180),
    ("working-group", defer_translation("Thematic working group"), False, 120),
)


def ensure_default_kinds(session: Session) -> None:
    """Add the standard meeting kinds that are missing (idempotent, not audited: set-up)."""
    existing = set(session.scalars(select(MeetingKind.slug)))
    for slug, name, internal, minutes in DEFAULT_KINDS:
        if slug not in existing:
            session.add(
                MeetingKind(
                    slug=slug, name=name, is_eu_internal=internal, default_duration_minutes=minutes
                )
            )
    session.flush()


DEFAULT_KIND_NAMES = {slug: name for slug, name, _internal, _minutes in DEFAULT_KINDS}


def kind_label(kind: MeetingKind) -> str:
    """The kind's name in the reader's language: a standard kind whose name was not changed
    is translated; a kind the secretariat added or renamed reads as it was written."""
    if DEFAULT_KIND_NAMES.get(kind.slug) == kind.name:
        return _(kind.name)
    return kind.name


def list_kinds(session: Session) -> Sequence[MeetingKind]:
    """Every meeting kind, by name."""
    return session.scalars(select(MeetingKind).order_by(MeetingKind.name)).all()


def get_kind(session: Session, kind: int | str) -> MeetingKind:
    """A meeting kind by id or slug; NotFound (field `kind`) otherwise."""
    query = select(MeetingKind).where(
        MeetingKind.id == kind if isinstance(kind, int) else MeetingKind.slug == kind
    )
    found = session.scalar(query)
    if found is None:
        raise NotFound(_("No meeting kind %(kind)s", kind=repr(kind)), field="kind")
    return found


def list_series(session: Session) -> Sequence[MeetingSeries]:
    """Every meeting series, by name."""
    return session.scalars(select(MeetingSeries).order_by(MeetingSeries.name)).all()


def get_series(session: Session, series: int | str) -> MeetingSeries:
    """A series by id or slug; NotFound (field `series`) otherwise."""
    query = select(MeetingSeries).where(
        MeetingSeries.id == series if isinstance(series, int) else MeetingSeries.slug == series
    )
    found = session.scalar(query)
    if found is None:
        raise NotFound(_("No meeting series %(series)s", series=repr(series)), field="series")
    return found


def create_series(
    session: Session,
    actor: User | None,
    slug: str,
    name: str,
    kind: int | str,
    *,
    cadence_months: int | None = None,
    host_rotation: Sequence[str] = (),
    starts_on: date | None = None,
) -> MeetingSeries:
    """A new series of recurring meetings (cadence in months, host rotation), audited."""
    slug = validation.slug(slug)
    if session.scalar(select(MeetingSeries.id).where(MeetingSeries.slug == slug)):
        raise _series_slug_taken(slug)
    if cadence_months is not None and cadence_months not in (1, 2, 3, 4, 6, 12):
        raise ValidationError(
            _("Cadence must be 1, 2, 3, 4, 6 or 12 months"), field="cadence_months"
        )
    hosts = [validation.text(city, "host_rotation", max_length=60) for city in host_rotation]
    if any("," in city for city in hosts):
        raise ValidationError(_("A host city must not contain a comma"), field="host_rotation")
    series = MeetingSeries(
        slug=slug,
        name=validation.text(name, "name", max_length=200),
        kind_id=get_kind(session, kind).id,
        cadence_months=cadence_months,
        host_rotation=",".join(hosts),
        starts_on=starts_on,
    )
    session.add(series)
    flush_unique(session, {"uq_meeting_series_slug": _series_slug_taken(slug)})
    audit.record(
        session,
        actor,
        "series.created",
        "series",
        series.id,
        f"Series {series.name} created",
        {"slug": slug, "cadence_months": cadence_months, "host_rotation": series.host_rotation},
    )
    return series


def list_unavailable_dates(
    session: Session, start: date | None = None, end: date | None = None
) -> Sequence[UnavailableDate]:
    """Days marked unavailable for meetings, optionally within [start, end]."""
    query = select(UnavailableDate).order_by(UnavailableDate.day)
    if start is not None:
        query = query.where(UnavailableDate.day >= start)
    if end is not None:
        query = query.where(UnavailableDate.day <= end)
    return session.scalars(query).all()


def mark_unavailable(
    session: Session, actor: User | None, day: date, reason: str = ""
) -> UnavailableDate:
    """Mark a day unavailable (no meetings proposed, deadlines skip it); audited."""
    if session.scalar(select(UnavailableDate.id).where(UnavailableDate.day == day)):
        raise _day_taken(day)
    row = UnavailableDate(
        day=day, reason=validation.text(reason, "reason", max_length=200, required=False)
    )
    session.add(row)
    flush_unique(session, {"uq_unavailable_dates_day": _day_taken(day)})
    audit.record(
        session,
        actor,
        "unavailable.added",
        "unavailable_date",
        row.id,
        f"{day} marked unavailable",
        {"day": day, "reason": row.reason},
    )
    return row


def clear_unavailable(session: Session, actor: User | None, day: date) -> None:
    """Make a day available again; NotFound when it was not marked; audited."""
    row = session.scalar(select(UnavailableDate).where(UnavailableDate.day == day))
    if row is None:
        raise NotFound(_("%(day)s is not marked unavailable", day=day), field="day")
    audit.record(
        session,
        actor,
        "unavailable.removed",
        "unavailable_date",
        row.id,
        f"{day} available again",
        {"day": day},
    )
    session.delete(row)
    session.flush()


def _series_slug_taken(slug: str) -> DuplicateError:
    return DuplicateError(
        _("A series with slug %(slug)s already exists", slug=repr(slug)), field="slug"
    )


def _day_taken(day: date) -> DuplicateError:
    return DuplicateError(
        _("%(day)s is already marked unavailable", day=format(day, "%d %B %Y")), field="day"
    )
