"""Security headers on every response, proxy awareness, Vary: Cookie and no-store on pages,
and ids in page paths bounded like the API's.

The Content-Security-Policy allows scripts, styles, images and fonts from this origin only:
no inline scripts or `style=""` attributes (templates use files in app/static/), no framing.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, abort, current_app, request
from flask_babel import gettext as _
from werkzeug.middleware.proxy_fix import ProxyFix

from app.core.validation import id_in_range
from app.settings import Settings
from app.web.request_limits import install_request_limits

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
HSTS = "max-age=31536000; includeSubDomains"
STATIC_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}


def install_security(app: Flask, settings: Settings) -> None:
    if settings.proxy_count > 0:
        # Trust exactly this many proxies for the client address, scheme and host; without a
        # proxy, a forged X-Forwarded-For must not dodge rate limits or fake HTTPS.
        count = settings.proxy_count
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=count, x_proto=count, x_host=count, x_port=count
        )
    install_request_limits(app)  # first: nothing else reads a request past the limits
    app.before_request(_refuse_oversized_body)
    app.before_request(_refuse_nul_in_query)
    app.url_value_preprocessor(_ids_in_range)
    app.after_request(_add_headers)


def _refuse_oversized_body() -> None:
    """413 before anything else (authentication, parsing) when the declared body is too big;
    bodies without a length are cut off by MAX_CONTENT_LENGTH as they are read."""
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if limit is not None and (request.content_length or 0) > limit:
        abort(413)


def _refuse_nul_in_query() -> None:
    """A NUL in a page's query string is never meant, and PostgreSQL refuses it in a query
    parameter (a search for it was a 500): 400. (The API's fields refuse it with a 422.)"""
    if request.path.startswith("/api/"):
        return
    if any("\x00" in key or "\x00" in value for key, value in request.args.items(multi=True)):
        abort(400, _("The address holds a NUL character."))


def _ids_in_range(_endpoint: str | None, values: dict[str, Any] | None) -> None:
    """A page id beyond what a column holds is simply not found (the API checks its own)."""
    if request.path.startswith("/api/"):
        return
    for value in (values or {}).values():
        if isinstance(value, int) and not id_in_range(value):
            abort(404)


def _add_headers(response: Response) -> Response:
    for name, value in STATIC_HEADERS.items():
        response.headers.setdefault(name, value)
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    if request.path.startswith("/api/"):
        # Bearer-token answers never depend on cookies; keep them out of shared caches.
        response.headers.setdefault("Cache-Control", "private, no-cache")
    elif response.mimetype == "text/html":
        # Pages differ by the signed-in user (the session cookie), and show what only they may
        # see (a new feed address, drafts): no copy in any cache, nor on disk after sign-out.
        response.vary.add("Cookie")
        response.headers.setdefault("Cache-Control", "private, no-store")
    return response
