"""Template globals and filters shared by every page: navigation, time display, pagination."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from flask import Flask, current_app, request, url_for

from app.core.timezones import known_zones, utc_to_local
from app.settings import current_settings
from app.web.i18n import current_language, format_moment, number
from app.web.labels import actor_name, enum_label, language_name, languages_offered
from app.web.nav import visible_links
from app.web.viewer import current_viewer


def viewer_timezone() -> str:
    """The signed-in user's zone, or the service's display zone."""
    user = current_viewer()
    if user is not None and user.timezone and user.timezone in known_zones():
        return user.timezone
    return str(current_settings().display_timezone)


def format_local(moment: datetime | None, zone_name: str, fmt: str = "%a %d %b %Y, %H:%M") -> str:
    """A UTC moment as wall-clock time in `zone_name`, in the page's language, with the zone."""
    if moment is None:
        return ""
    local = utc_to_local(moment, zone_name)
    return f"{format_moment(local, fmt)} {local.tzname()}"


def format_time_range(start: datetime, end: datetime, zone_name: str) -> str:
    """'Tue 3 Mar 2026, 10:00–13:00 GMT' (dates repeated only when the meeting spans days)."""
    first = utc_to_local(start, zone_name)
    last = utc_to_local(end, zone_name)
    day_time = "%a %d %b %Y, %H:%M"
    if first.date() == last.date():
        return f"{format_moment(first, day_time)}–{format_moment(last, '%H:%M')} {last.tzname()}"
    return f"{format_moment(first, day_time)} – {format_moment(last, day_time)} {last.tzname()}"


def viewer_time_range(start: datetime, end: datetime, zone_name: str) -> str:
    """The same range in the viewer's zone, or '' when it reads the same as the meeting's."""
    mine = viewer_timezone()
    if mine == zone_name:
        return ""
    theirs, ours = utc_to_local(start, zone_name), utc_to_local(start, mine)
    if theirs.utcoffset() == ours.utcoffset() and theirs.tzname() == ours.tzname():
        return ""
    return format_time_range(start, end, mine)


def can(role: str) -> bool:
    """Whether the signed-in user holds at least `role` ("viewer", "editor", "admin")."""
    user = current_viewer()
    return user is not None and user.has_role(role)


def url_with(**changes: Any) -> str:
    """The current URL with some query arguments replaced (None removes one)."""
    args = request.args.to_dict(flat=False)
    for key, value in changes.items():
        if value is None or value == "":
            args.pop(key, None)
        else:
            args[key] = [str(value)]
    query = urlencode(args, doseq=True)
    return f"{request.path}?{query}" if query else request.path


def init_templates(app: Flask) -> None:
    """Globals (not a context processor) so that imported macros can use them too."""
    app.jinja_env.globals.update(
        nav_links=lambda: visible_links(app, current_viewer()),
        viewer_timezone=viewer_timezone,
        url_with=url_with,
        endpoint_url=endpoint_url,
        can=can,
        current_language=current_language,
        enum_label=enum_label,
        language_name=language_name,
        languages_offered=languages_offered,
    )
    app.jinja_env.filters["datefmt"] = format_moment
    app.jinja_env.filters["enum_label"] = enum_label
    app.jinja_env.filters["actor_name"] = actor_name
    app.jinja_env.filters["number"] = number
    app.jinja_env.filters["local"] = format_local
    app.jinja_env.filters["time_range"] = format_time_range
    app.jinja_env.filters["viewer_time_range"] = viewer_time_range


def endpoint_url(endpoint: str, **values: Any) -> str | None:
    """A URL for an endpoint another feature may not have registered yet (else None)."""
    if endpoint not in current_app.view_functions:
        return None
    return url_for(endpoint, **values)
