"""The dashboard page (`/`): thin view over app.dashboard.services."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l

from app.auth.models import Role
from app.auth.web import current_actor, role_required
from app.core import clock
from app.core.timezones import utc_to_local
from app.dashboard import services as dashboard
from app.extensions import db_session
from app.scheduling.services import heartbeat
from app.settings import current_settings
from app.web.nav import nav_link
from app.web.templating import viewer_timezone

bp = Blueprint("dashboard", __name__)
nav_link(bp, "dashboard.home", _l("Dashboard"), Role.VIEWER, order=10)


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
        settings=settings,
    )
    scheduler = heartbeat(db_session(), now)
    return render_template("home.html", board=board, now=now, scheduler=scheduler)
