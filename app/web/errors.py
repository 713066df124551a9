"""Map service errors and HTTP errors to JSON (API, feeds) or HTML pages."""

from __future__ import annotations

import contextlib
import math
import time

from flask import Flask, Response, current_app, jsonify, make_response, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_limiter import RateLimitExceeded
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from app.core.errors import EntenteError, StaleVersion
from app.core.outage import RETRY_AFTER_SECONDS, is_unavailable
from app.extensions import db, limiter


def _wants_json() -> bool:
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def _render(
    code: str, message: str, field: str | None, status: int, *, plain: bool = True
) -> ResponseReturnValue:
    """JSON for API clients; an HTML page otherwise (`plain=False`: werkzeug's stock wording,
    which the page replaces with its own plain-English text)."""
    if _wants_json():
        return jsonify(code=code, message=message, field=field), status
    shown = message if plain else ""
    return render_template("error.html", status=status, message=shown), status


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(EntenteError)
    def _service_error(error: EntenteError) -> ResponseReturnValue:
        db.session.rollback()
        return _render(error.code, error.message, error.field, error.http_status)

    @app.errorhandler(StaleDataError)
    def _stale(_error: StaleDataError) -> ResponseReturnValue:
        db.session.rollback()
        stale = StaleVersion(_("Someone else changed this record first; reload and try again"))
        return _render(stale.code, stale.message, None, stale.http_status)

    @app.errorhandler(RateLimitExceeded)
    def _too_many(error: RateLimitExceeded) -> ResponseReturnValue:
        """What happened and when to try again, never the bare limit ("10 per 1 minute")."""
        wait = _retry_after_seconds()
        what = error.description if error.limit.error_message else _("Too many requests.")
        message = _("%(what)s Try again in %(wait)s.", what=what, wait=_duration(wait))
        response = make_response(_render("too_many_requests", message, None, 429))
        response.headers["Retry-After"] = str(wait)
        return response

    @app.errorhandler(DBAPIError)
    @app.errorhandler(PoolTimeoutError)
    def _database_error(error: SQLAlchemyError) -> ResponseReturnValue:
        if not is_unavailable(error):
            raise error  # a bug, not an outage: Flask logs it and answers 500
        return database_unavailable(error)

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException) -> ResponseReturnValue:
        status = error.code or 500
        code = (error.name or "error").lower().replace(" ", "_")
        stock = error.description == type(error).description
        field = getattr(error, "field", None)
        response = make_response(
            _render(code, error.description or error.name, field, status, plain=not stock)
        )
        if isinstance(error, MethodNotAllowed) and error.valid_methods:
            response.headers["Allow"] = ", ".join(error.valid_methods)  # RFC 9110 §15.5.6
        return response


def unavailable_message() -> str:
    return _("The service cannot reach its database just now; try again shortly.")


def database_unavailable(error: SQLAlchemyError) -> Response:
    """503 with Retry-After, logged once per outage (app.core.outage): the house JSON error for
    API clients, plain text for calendar feeds (which retry), a short page that needs no
    database for everyone else."""
    current_app.extensions["entente.db_incident"].refuse(error)
    with contextlib.suppress(SQLAlchemyError):  # the connection is gone; the session resets
        db.session.rollback()
    if request.path.startswith("/feeds/") and request.path.endswith(".ics"):
        response = make_response(unavailable_message() + "\n", 503)
        response.mimetype = "text/plain"
    elif _wants_json():
        response = make_response(
            jsonify(code="service_unavailable", message=unavailable_message(), field=None), 503
        )
    else:
        response = make_response(
            render_template("unavailable.html", message=unavailable_message()), 503
        )
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response.headers["Cache-Control"] = "no-store"
    return response


def _retry_after_seconds() -> int:
    """Seconds until the breached limit lets a request through again (at least 1)."""
    breached = limiter.current_limit
    reset_at = breached.reset_at if breached is not None else time.time() + 60
    return max(1, math.ceil(reset_at - time.time()))


def _duration(seconds: int) -> str:
    if seconds < 120:
        return f"{seconds} second{'' if seconds == 1 else 's'}"
    minutes = math.ceil(seconds / 60)
    return f"{minutes} minutes"
