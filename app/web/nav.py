"""The main navigation: blueprints register their own links, base.html shows them.

Each domain adds its links from its own views module, so nobody edits base.html to add a page:

    from app.web.nav import nav_link
    nav_link(bp, "feeds.subscriptions", "Calendar subscriptions", Role.VIEWER, order=60)

Links are shown in `order`, only to users holding at least `role`; the link whose endpoint
belongs to the current blueprint (or matches `active_prefix`) is marked as the current page.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import cast

from flask import Blueprint, Flask, request, url_for
from flask.blueprints import BlueprintSetupState

from app.web.viewer import Viewer

NAV_KEY = "entente.nav"


@dataclass(frozen=True, order=True)
class NavLink:
    order: int
    label: str
    endpoint: str
    role: str = "viewer"  # an app.auth.models.Role (a str)
    active_prefix: str | tuple[str, ...] = ""


def nav_link(
    bp: Blueprint,
    endpoint: str,
    label: str,
    role: str = "viewer",
    *,
    order: int = 100,
    active_prefix: str | tuple[str, ...] = "",
) -> None:
    """Add a link to the main navigation when `bp` is registered on an app."""
    link = NavLink(order, label, endpoint, role, active_prefix)

    def _register(state: BlueprintSetupState) -> None:
        add_link(cast(Flask, state.app), link)

    bp.record_once(_register)


def add_link(app: Flask, link: NavLink) -> None:
    links: list[NavLink] = app.extensions.setdefault(NAV_KEY, [])
    if all(existing.endpoint != link.endpoint for existing in links):
        links.append(link)
        links.sort()


def visible_links(app: Flask, user: Viewer | None) -> Iterable[dict[str, object]]:
    """The links `user` may follow, with `current` set on the one for this page."""
    if user is None:
        return []
    links: list[NavLink] = app.extensions.get(NAV_KEY, [])
    endpoint = request.endpoint or ""
    mine = [link for link in links if user.has_role(link.role)]
    # The link for this exact page wins; otherwise the one whose prefix covers it.
    current = next((link for link in mine if link.endpoint == endpoint), None)
    if current is None:
        current = next(
            (
                link
                for link in mine
                if link.active_prefix and endpoint.startswith(link.active_prefix)
            ),
            None,
        )
    return [
        {"label": link.label, "href": url_for(link.endpoint), "current": link is current}
        for link in mine
    ]
