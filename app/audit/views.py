"""The audit log, filtered and paged (editors and admins)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import Length, Optional

from app.audit import services as audit
from app.auth import services as auth
from app.auth.models import Role
from app.auth.web import current_actor, role_required
from app.core.paging import Page
from app.core.timezones import zone
from app.extensions import db_session
from app.web.forms import DateField, int_or_none, optional_choices
from app.web.nav import nav_link
from app.web.templating import viewer_timezone

bp = Blueprint("audit", __name__, url_prefix="/audit")
nav_link(bp, "audit.index", _l("Audit log"), Role.EDITOR, order=80)
PER_PAGE = 50
ENTITY_TYPES = (
    "meeting",
    "invitation",
    "agenda_item",
    "topic",
    "person",
    "organisation",
    "series",
    "user",
    "unavailable_date",
)


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False

    entity_type = SelectField(_l("Record type"), validators=[Optional()])
    entity_id = StringField(_l("Record number"), validators=[Optional(), Length(max=12)])
    actor = SelectField(_l("Changed by"), validators=[Optional()])
    action = StringField(_l("Action"), validators=[Optional(), Length(max=64)])
    since = DateField(_l("From"), validators=[Optional()])
    until = DateField(_l("To"), validators=[Optional()])


@bp.get("")
@role_required(Role.EDITOR)
def index() -> ResponseReturnValue:
    session = db_session()
    audit.require_joint_reader(current_actor())
    form = AuditFilterForm(request.args)
    form.entity_type.choices = optional_choices(
        ((t, t.replace("_", " ")) for t in ENTITY_TYPES), _("Any")
    )
    form.actor.choices = optional_choices(
        ((u.id, u.email) for u in auth.list_users(session)), _("Anyone")
    )
    form.validate()
    tz = zone(viewer_timezone())
    since = form.since.data if not form.since.errors else None
    until = form.until.data if not form.until.errors else None
    filters = audit.AuditFilter(
        entity_type=form.entity_type.data or None,
        entity_id=int_or_none(form.entity_id.data),
        actor_id=int_or_none(form.actor.data),
        action=(form.action.data or "").strip() or None,
        since=datetime.combine(since, time()).replace(tzinfo=tz) if since else None,
        until=datetime.combine(until + timedelta(days=1), time()).replace(tzinfo=tz)
        if until
        else None,
    )
    number = max(1, int_or_none(request.args.get("page")) or 1)
    rows, total = audit.list_entries(
        session, filters, limit=PER_PAGE, offset=(number - 1) * PER_PAGE
    )
    page = Page(rows, number, PER_PAGE, total)
    return render_template("audit/index.html", form=form, page=page)
