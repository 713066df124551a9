"""Map service errors and HTTP errors to JSON (API, feeds) or HTML pages."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from app.core.errors import EntenteError, StaleVersion
from app.extensions import db


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
        stale = StaleVersion("Someone else changed this record first; reload and try again")
        return _render(stale.code, stale.message, None, stale.http_status)

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException) -> ResponseReturnValue:
        status = error.code or 500
        code = (error.name or "error").lower().replace(" ", "_")
        stock = error.description == type(error).description
        return _render(code, error.description or error.name, None, status, plain=not stock)
