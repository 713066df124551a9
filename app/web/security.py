"""Security headers on every response, proxy awareness, Vary: Cookie and no-store on pages,
and ids in page paths bounded like the API's.

The Content-Security-Policy allows scripts, styles, images and fonts from this origin only:
no inline scripts or `style=""` attributes (templates use files in app/static/), no framing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, Response, abort, current_app, request
from flask_babel import gettext as _
from werkzeug.middleware.proxy_fix import ProxyFix

from app.core.validation import id_in_range
from app.settings import Settings, current_settings
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
# Room for the multipart envelope and the form's other fields around an uploaded file.
UPLOAD_ENVELOPE = 64 * 1024
F = TypeVar("F", bound=Callable[..., Any])
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
    app.url_value_preprocessor(_raise_limit_for_uploads)
    app.before_request(_refuse_oversized_body)
    app.before_request(_refuse_nul_in_query)
    app.url_value_preprocessor(_ids_in_range)
    app.after_request(_add_headers)
    app.teardown_request(_close_uploads)


def accepts_uploads(view: F) -> F:
    """Mark a view that takes an uploaded file: its body may be `upload_max_bytes` (plus the
    form around it) rather than `max_content_length`. Put it right under the route decorator."""
    view.accepts_uploads = True  # type: ignore[attr-defined]
    return view


def _raise_limit_for_uploads(_endpoint: str | None, _values: dict[str, Any] | None) -> None:
    """A URL value preprocessor, so that it runs before every before_request function
    (CSRF protection reads the form in one)."""
    view = current_app.view_functions.get(request.endpoint or "")
    if getattr(view, "accepts_uploads", False):
        request.max_content_length = current_settings().upload_max_bytes + UPLOAD_ENVELOPE


def _refuse_oversized_body() -> None:
    """413 before anything else (authentication, parsing) when the declared body is too big;
    bodies without a length are cut off by the request's limit as they are read."""
    limit = request.max_content_length
    if limit is not None and (request.content_length or 0) > limit:
        abort(413)


def _close_uploads(_error: BaseException | None) -> None:
    """Close the temporary files of uploaded form parts, whether or not a view read them
    (Werkzeug spools large parts to disk; a refused request must not leave them open)."""
    request.close()


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
