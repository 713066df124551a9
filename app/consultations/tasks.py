"""Scheduled sweep: alert the secretariat when a half-year has no consultation scheduled."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.consultations.services import HalfState, HalfYear, plan_series
from app.core.languages import current_language, format_moment
from app.meetings.models import MeetingSeries
from app.notifications import outbox
from app.notifications.compose import secretariat_draft
from app.notifications.models import NotificationKind
from app.settings import Settings


def check_cadence(session: Session, settings: Settings, now: datetime, holder: str) -> int:
    """From `cadence_alert_days` before a half-year ends, one alert per six-monthly series
    and half-year that still has no consultation (tentative or confirmed)."""
    today = now.astimezone(ZoneInfo(settings.display_timezone)).date()
    half = HalfYear.of(today)
    if today < half.last_day - timedelta(days=settings.cadence_alert_days):
        return 0
    queued = 0
    series_list = session.scalars(
        select(MeetingSeries).where(MeetingSeries.cadence_months == 6).order_by(MeetingSeries.id)
    ).all()
    for series in series_list:
        [plan] = plan_series(session, series.id, half, half, today)
        if plan.state is not HalfState.MISSING:
            continue
        proposal = plan.proposal
        suggestion = (
            LazyString(_proposal_text, proposal.start, proposal.host_city, proposal.venue)
            if proposal
            else ""
        )
        draft = secretariat_draft(
            key=f"cadence:{series.id}:{half.label}",
            kind=NotificationKind.CADENCE_ALERT,
            template="cadence_alert",
            subject=_l("No %(series)s scheduled in %(half)s", series=series.name, half=half.label),
            settings=settings,
            series=series.name,
            half=half.label,
            ends=LazyString(format_moment, half.last_day, "%d %b %Y", settings.default_language),
            proposal=suggestion,
        )
        queued += outbox.enqueue(session, draft, now)
    return queued


def _proposal_text(start: datetime, city: str, venue: str) -> str:
    """'Tue 16 Mar 2027 10:00 in London (FCDO)', in the language being composed."""
    when = format_moment(start, "%a %d %b %Y %H:%M", current_language())
    return gettext("%(when)s in %(city)s (%(venue)s)", when=when, city=city, venue=venue)
