"""The scheduler page for admins: heartbeat, jobs and next runs, the outbox and failures."""

from __future__ import annotations

from flask import Blueprint, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.auth.models import Role
from app.auth.web import current_actor, role_required
from app.core import clock
from app.extensions import db_session
from app.notifications import outbox
from app.scheduling import services
from app.settings import current_settings
from app.web.nav import nav_link
from app.web.unit_of_work import run_change

bp = Blueprint("scheduler", __name__)
nav_link(bp, "scheduler.index", _l("Scheduler"), Role.ADMIN, order=95, active_prefix="scheduler.")


@bp.get("/admin/scheduler")
@role_required(Role.ADMIN)
def index() -> ResponseReturnValue:
    settings = current_settings()
    report = services.status(db_session(), settings, clock.now())
    return render_template("scheduling/index.html", report=report)


@bp.post("/admin/scheduler/outbox/<int:outbox_id>/retry")
@role_required(Role.ADMIN)
def retry(outbox_id: int) -> ResponseReturnValue:
    """Queue a failed or uncertain e-mail again: an admin's decision (it may have gone out)."""
    back = url_for("scheduler.index")
    change = run_change(
        lambda: outbox.requeue(db_session(), current_actor(), outbox_id, clock.now()),
        success=lambda row: _(
            "The e-mail to %(recipient)s is queued again.", recipient=row.recipient
        ),
        to=back,
        flash_to=back,
    )
    return change.next_page
