"""E-mail bodies from templates/emails/<name>.txt and .html (the HTML one autoescaped)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from flask_babel import gettext, ngettext
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from app.core.languages import current_language, format_moment
from app.core.timezones import utc_to_local
from app.meetings.models import Meeting
from app.settings import PROJECT_ROOT

EMAIL_TEMPLATES = PROJECT_ROOT / "templates" / "emails"


@dataclass(frozen=True)
class Rendered:
    text: str
    html: str


@lru_cache(maxsize=1)
def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(EMAIL_TEMPLATES)),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        extensions=["jinja2.ext.i18n"],
    )
    env.policies["ext.i18n.trimmed"] = True
    # Flask-Babel's functions follow `force_locale`: the recipient's language.
    env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext, ngettext, newstyle=True
    )
    return env


def render(template: str, /, **context: Any) -> Rendered:
    """Both bodies in the current language (compose inside `force_locale(recipient's)`)."""
    env = _environment()
    context.setdefault("language", current_language())
    return Rendered(
        text=env.get_template(f"{template}.txt").render(**context),
        html=env.get_template(f"{template}.html").render(**context),
    )


def meeting_url(base_url: str, meeting: Meeting) -> str:
    return f"{base_url.rstrip('/')}/meetings/{meeting.id}"


def when(meeting: Meeting) -> str:
    """'Tue 16 Mar 2027, 10:00–13:00 (Europe/London)' in the meeting's own zone and the
    current language ('mar. 16 mars 2027, 10:00–13:00 (Europe/London)')."""
    start = utc_to_local(meeting.start_utc, meeting.timezone)
    end = utc_to_local(meeting.end_utc, meeting.timezone)
    return f"{time_span(start, end)} ({meeting.timezone})"


def time_span(start: datetime, end: datetime) -> str:
    """Two wall-clock times, the day once when they share it, in the current language."""
    language = current_language()
    if start.date() == end.date():
        day_time = format_moment(start, "%a %d %b %Y, %H:%M", language)
        return f"{day_time}–{format_moment(end, '%H:%M', language)}"
    first = format_moment(start, "%a %d %b %Y %H:%M", language)
    return f"{first} – {format_moment(end, '%a %d %b %Y %H:%M', language)}"


def where(meeting: Meeting) -> str:
    place = ", ".join(part for part in (meeting.venue, meeting.host_city) if part)
    return place or gettext("to be confirmed")
