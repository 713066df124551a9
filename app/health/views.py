from __future__ import annotations

from flask import Blueprint, current_app, jsonify, make_response
from flask.typing import ResponseReturnValue
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.core import clock
from app.core.outage import RETRY_AFTER_SECONDS
from app.extensions import db
from app.scheduling.services import heartbeat

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    """Liveness and database reachability, for load balancers and the quick start; the
    scheduler's heartbeat is reported but does not make the web app unhealthy."""
    scheduler = {"last_seen": None, "alive": False}
    try:
        db.session.execute(text("SELECT 1"))
        database = "ok"
        scheduler = heartbeat(db.session(), clock.now()).as_json()
    except SQLAlchemyError as error:
        db.session.rollback()
        current_app.extensions["entente.db_incident"].refuse(error)
        database = "unavailable"
    status = 200 if database == "ok" else 503
    body = {"status": "ok" if status == 200 else "degraded", "database": database}
    response = make_response(jsonify(**body, scheduler=scheduler), status)
    if status == 503:
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
