"""Limits on the request line and headers, checked by the app so that a request past them
gets the house error (JSON under /api, the error page elsewhere) rather than gunicorn's own
HTML. gunicorn.conf.py sets gunicorn's hard limits above these, so the app answers first;
only a request past gunicorn's (8190-byte line, 200 headers, 16380-byte header) meets its
plain 400 page."""

from __future__ import annotations

from babel.numbers import format_decimal
from flask import Flask, request
from flask_babel import gettext as _
from werkzeug.exceptions import RequestHeaderFieldsTooLarge, RequestURITooLarge

from app.core.languages import babel_locale, current_language

# gunicorn's own defaults (4094, 100, 8190): what clients already live with.
MAX_REQUEST_LINE = 4094
MAX_HEADER_FIELDS = 100
MAX_HEADER_FIELD_SIZE = 8190

# What gunicorn.conf.py gives gunicorn: its highest line limit, and room above the app's.
GUNICORN_REQUEST_LINE = 8190
GUNICORN_HEADER_FIELDS = 200
GUNICORN_HEADER_FIELD_SIZE = 16380


class HeaderTooLarge(RequestHeaderFieldsTooLarge):
    """431 naming the header (the error handler puts `field` in the body)."""

    def __init__(self, description: str, field: str | None) -> None:
        super().__init__(description)
        self.field = field


def install_request_limits(app: Flask) -> None:
    app.before_request(refuse_past_request_limits)


def refuse_past_request_limits() -> None:
    environ = request.environ
    uri = environ.get("RAW_URI") or environ.get("REQUEST_URI") or request.full_path
    line = len(request.method) + len(uri) + len(environ.get("SERVER_PROTOCOL", "")) + 2
    if line > MAX_REQUEST_LINE:
        raise RequestURITooLarge(
            _(
                "The request line is %(size)s bytes; the limit is %(limit)s."
                " Send long values in a body.",
                size=format_decimal(line, locale=babel_locale(current_language())),
                limit=format_decimal(MAX_REQUEST_LINE, locale=babel_locale(current_language())),
            )
        )
    if len(request.headers) > MAX_HEADER_FIELDS:
        raise HeaderTooLarge(
            _(
                "The request has %(count)s header fields; the limit is %(limit)s.",
                count=len(request.headers),
                limit=MAX_HEADER_FIELDS,
            ),
            None,
        )
    for name, value in request.headers.items():
        if len(name) + len(value) + 2 > MAX_HEADER_FIELD_SIZE:
            raise HeaderTooLarge(
                _(
                    "The header %(name)s is longer than %(limit)s bytes.",
                    name=name,
                    limit=format_decimal(
                        MAX_HEADER_FIELD_SIZE, locale=babel_locale(current_language())
                    ),
                ),
                name,
            )
