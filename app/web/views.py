from __future__ import annotations

from flask import Blueprint, current_app, jsonify, make_response, render_template
from flask.typing import ResponseReturnValue
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.auth.models import Role
from app.auth.web import current_actor, role_required
from app.core import clock
from app.core.outage import RETRY_AFTER_SECONDS
from app.core.timezones import utc_to_local
from app.extensions import db, db_session
from app.scheduling.services import heartbeat
from app.settings import current_settings
from app.web import dashboard
from app.web.nav import nav_link
from app.web.templating import viewer_timezone

bp = Blueprint("web", __name__)
nav_link(bp, "web.home", "Dashboard", Role.VIEWER, order=10)


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


@bp.get("/")
@role_required(Role.VIEWER)
def home() -> ResponseReturnValue:
    """The dashboard: next meetings, consultation gaps, replies awaited, agendas due."""
    now = clock.now()
    today = utc_to_local(now, viewer_timezone()).date()
    settings = current_settings()
    board = dashboard.build(
        db_session(),
        current_actor(),
        now,
        today,
        agenda_working_days=settings.agenda_due_working_days,
    )
    scheduler = heartbeat(db_session(), now)
    return render_template("home.html", board=board, now=now, scheduler=scheduler)
