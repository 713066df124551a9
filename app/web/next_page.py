"""Where to go after signing in: a path on this site, never another site."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import url_for


def safe_next(target: str | None) -> str:
    """`target` if it is a path on this site, else the dashboard.

    Browsers drop tabs and newlines from a URL and read a backslash as a slash, so
    `/<TAB>/evil.example` or `/\\evil.example` would leave the site: any of them is refused
    (and a newline could not go into the Location header anyway).
    """
    if target and _is_local_path(target):
        return target
    return url_for("dashboard.home")


def _is_local_path(target: str) -> bool:
    if not target.isprintable() or " " in target or "\\" in target:
        return False
    parts = urlsplit(target)
    return (
        not parts.scheme
        and not parts.netloc
        and target.startswith("/")
        and not target.startswith("//")
    )
