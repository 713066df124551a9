"""The address every link (feeds, e-mails, calendar events) starts with.

The configured `base_url` when there is one; else, in a request, the address the request came
in on (so a development server on another port, or behind a proxy that ProxyFix trusts, shows
links that work). The scheduler and the CLI have no request: without `base_url` their links
(reminder e-mails) fall back to http://localhost, which is why production should set it.
"""

from __future__ import annotations

from flask import has_request_context, request

from app.settings import Settings

NO_REQUEST_FALLBACK = "http://localhost"


def public_base_url(settings: Settings) -> str:
    if settings.base_url:
        return settings.base_url.rstrip("/")
    if has_request_context():
        return request.host_url.rstrip("/")
    return NO_REQUEST_FALLBACK
