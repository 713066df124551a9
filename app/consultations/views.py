"""Consultation planning: each half-year's state, and scheduling the proposals (editors)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.auth.models import Role
from app.auth.web import current_actor, role_required
from app.consultations import services as consultations
from app.core import clock
from app.core.errors import EntenteError
from app.core.timezones import utc_to_local
from app.extensions import db_session
from app.meetings import catalogue
from app.web.nav import nav_link
from app.web.templating import viewer_timezone
from app.web.unit_of_work import run_change

bp = Blueprint("planning", __name__, url_prefix="/planning")
nav_link(bp, "planning.index", _l("Planning"), Role.VIEWER, order=30, active_prefix="planning.")
DEFAULT_SERIES = "strategic-consultations"


@bp.get("")
@role_required(Role.VIEWER)
def index() -> ResponseReturnValue:
    """Half-years of a six-monthly series: held, scheduled, missing (with a proposal), overdue."""
    session = db_session()
    series_list = [s for s in catalogue.list_series(session) if s.cadence_months == 6]
    slug = request.args.get("series") or DEFAULT_SERIES
    series = next((s for s in series_list if s.slug == slug), None) or (
        series_list[0] if series_list else None
    )
    first, last, problem = _range()
    status = 400 if problem else 200
    plans: list[consultations.HalfYearPlan] = []
    if series is not None and not problem:
        try:
            plans = consultations.plan_for(
                session, current_actor(), series.id, first, last, _today()
            )
        except EntenteError as error:
            problem, status = error.message, 400
    return render_template(
        "planning/index.html",
        series=series,
        series_list=series_list,
        plans=plans,
        first=first,
        last=last,
        problem=problem,
    ), status


@bp.post("/schedule")
@role_required(Role.EDITOR)
def schedule() -> ResponseReturnValue:
    """Create tentative consultations for the proposals the user ticked."""
    session = db_session()
    series = catalogue.get_series(session, request.form.get("series", DEFAULT_SERIES))
    wanted = set(request.form.getlist("half"))
    first, last, problem = _range(request.form)
    if problem:
        flash(problem, "error")
        return redirect(url_for("planning.index", series=series.slug))
    if not wanted:
        flash(_("Tick at least one proposal to schedule."), "error")
        return redirect(url_for("planning.index", series=series.slug))
    plans = consultations.plan_series(session, series.id, first, last, _today())
    chosen = [plan for plan in plans if plan.half.label in wanted and plan.proposal]
    span: dict[str, Any] = {"from": first.label, "to": last.label}
    change = run_change(
        lambda: consultations.schedule_proposals(session, current_actor(), series.id, chosen),
        success=lambda created: _(
            "%(len)s tentative consultation(s) added to the calendar.", len=len(created)
        ),
        to=url_for("planning.index", series=series.slug, **span),
    )
    return change.next_page


def _today() -> date:
    return utc_to_local(clock.now(), viewer_timezone()).date()


def _range(
    source: Mapping[str, str] | None = None,
) -> tuple[consultations.HalfYear, consultations.HalfYear, str]:
    """The half-years asked for (default: last year to two years ahead), and what was wrong
    with them, if anything (the defaults are shown then)."""
    source = source if source is not None else request.args
    today = _today()
    first = consultations.HalfYear.of(today - timedelta(days=365))
    last = consultations.HalfYear.of(today + timedelta(days=730))
    try:
        if source.get("from"):
            first = consultations.HalfYear.parse(source["from"], "from")
        if source.get("to"):
            last = consultations.HalfYear.parse(source["to"], "to")
    except EntenteError as error:
        default = _range({})
        return default[0], default[1], f"{error.field}: {error.message}"
    return first, last, ""
