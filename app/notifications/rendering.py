"""E-mail bodies from templates/emails/<name>.txt and .html (the HTML one autoescaped)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

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
    return Environment(
        loader=FileSystemLoader(str(EMAIL_TEMPLATES)),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render(template: str, /, **context: Any) -> Rendered:
    env = _environment()
    return Rendered(
        text=env.get_template(f"{template}.txt").render(**context),
        html=env.get_template(f"{template}.html").render(**context),
    )


def meeting_url(base_url: str, meeting: Meeting) -> str:
    return f"{base_url.rstrip('/')}/meetings/{meeting.id}"


def when(meeting: Meeting) -> str:
    """'Tue 16 Mar 2027, 10:00–13:00 (Europe/London)' in the meeting's own zone."""
    start = utc_to_local(meeting.start_utc, meeting.timezone)
    end = utc_to_local(meeting.end_utc, meeting.timezone)
    if start.date() == end.date():
        span = f"{start:%a %d %b %Y, %H:%M}–{end:%H:%M}"
    else:
        span = f"{start:%a %d %b %Y %H:%M} – {end:%a %d %b %Y %H:%M}"
    return f"{span} ({meeting.timezone})"


def where(meeting: Meeting) -> str:
    return (
        ", ".join(part for part in (meeting.venue, meeting.host_city) if part) or "to be confirmed"
    )
