"""Meeting pages for every signed-in user: list, month calendar, meeting page."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.agendas import services as agendas
from app.agendas import versions
from app.agendas.overview import reader_side
from app.audit import services as audit
from app.auth.models import Role
from app.auth.web import current_actor, role_required
from app.core import clock
from app.core.timezones import utc_to_local
from app.core.validation import MAX_YEAR, MIN_YEAR, is_digits, years_message
from app.extensions import db_session
from app.feeds.stamp import current_stamp
from app.inbound import services as inbound
from app.invitations import services as invitations
from app.meetings import access, catalogue, delegations, queries
from app.meetings import services as meetings
from app.meetings.filters import MeetingFilter
from app.meetings.forms import MeetingFilterForm
from app.meetings.models import MeetingStatus
from app.people import services as people
from app.topics import services as topics
from app.web.forms import int_or_none, optional_choices
from app.web.nav import nav_link
from app.web.templating import endpoint_url, viewer_timezone

PER_PAGE = 25
# Agenda work in the history names items and papers of both sides (draft titles, side-only
# papers' citations, the joint change summary): for the joint secretariat's editors only.
AGENDA_ACTIONS = (
    "agenda.",
    "agenda_item.",
    "agenda_paper.",
    "agenda_action.",
    "agenda_actions.",
    "paper_file.",
)


@role_required(Role.VIEWER)
def index() -> ResponseReturnValue:
    """All meetings, filtered and searched, a page at a time (upcoming first by default)."""
    form, filters = _filters(default_from=clock.now().date())
    page = queries.search_meetings(
        db_session(),
        current_actor(),
        filters,
        page=int_or_none(request.args.get("page")) or 1,
        per_page=PER_PAGE,
    )
    return render_template("meetings/index.html", form=form, page=page)


@role_required(Role.VIEWER)
def calendar() -> ResponseReturnValue:
    """A month of meetings, each on its own local date(s)."""
    form, filters = _filters(default_from=None)
    for field in (form.date_from, form.date_to):
        if field.errors:  # the calendar does not show these fields: say so plainly
            abort(400, f"{field.name}: {field.errors[0]}")
    today = utc_to_local(clock.now(), viewer_timezone()).date()
    year, month = _month(request.args.get("month"), today)
    grid = queries.month_grid(db_session(), current_actor(), year, month, filters)
    return render_template("meetings/calendar.html", form=form, grid=grid, today=today)


@role_required(Role.VIEWER)
def show(meeting_id: int) -> ResponseReturnValue:
    """One meeting in full, for those who may read it (otherwise 404, as for an unknown id)."""
    session = db_session()
    actor = current_actor()
    meeting = access.readable_meeting(session, actor, meeting_id)
    invites = invitations.list_invitations(
        session, actor, invitations.InvitationFilter(meeting_id=meeting.id)
    )
    history = audit.history_of(
        session, {"meeting": [meeting.id], "invitation": [i.id for i in invites]}
    )
    side = reader_side(session, actor, None)
    if actor is None or not actor.has_role(Role.EDITOR) or side is not None:
        # Readers and one side's editors see the agenda, in their edition, on the agenda page.
        history = [e for e in history if not e.action.startswith(AGENDA_ACTIONS)]
    return render_template(
        "meetings/show.html",
        meeting=meeting,
        stamp=current_stamp(session, meeting),
        delegation=delegations.delegation(meeting),
        delegate_ids={participant.person_id for participant in meeting.participants},
        invitations=invites,
        email_replies=inbound.email_replies_for(session, [i.id for i in invites]),
        agenda=agendas.numbered(
            meeting,
            agendas.items_of(session, meeting.id),
            visible_to=side,
        ),
        agenda_version=versions.latest_version(session, meeting.id),
        agenda_url=endpoint_url("agendas.agenda", meeting_id=meeting.id),
        warnings=meetings.conflicts_for(session, actor, meeting.id),
        history=history,
    )


def register(bp: Blueprint) -> None:
    """Add the reading pages and their navigation links to the meetings blueprint."""
    nav_link(
        bp,
        "meetings.index",
        _l("Meetings"),
        Role.VIEWER,
        order=20,
        active_prefix=("meetings.", "agendas."),
    )
    nav_link(bp, "meetings.calendar", _l("Calendar"), Role.VIEWER, order=25)
    bp.add_app_template_filter(catalogue.kind_label, "kind_label")
    bp.add_url_rule("", view_func=index, methods=["GET"])
    bp.add_url_rule("/calendar", view_func=calendar, methods=["GET"])
    bp.add_url_rule("/<int:meeting_id>", view_func=show, methods=["GET"])


def _filters(default_from: date | None) -> tuple[MeetingFilterForm, MeetingFilter]:
    session = db_session()
    form = MeetingFilterForm(request.args)
    form.topic.choices = optional_choices(
        ((t.id, topics.topic_name(t)) for t in topics.list_topics(session)), _("Any")
    )
    form.kind.choices = optional_choices(
        ((k.id, catalogue.kind_label(k)) for k in catalogue.list_kinds(session)), _("Any")
    )
    form.organisation.choices = optional_choices(
        ((o.id, f"{o.name} ({o.side.label})") for o in people.list_organisations(session)), _("Any")
    )
    if "date_from" not in request.args and default_from is not None:
        form.date_from.data = default_from
    if not form.validate():
        for field in (form.date_from, form.date_to):
            if field.errors:
                field.data = None
    status = request.args.get("status") or None
    filters = MeetingFilter(
        text=form.q.data or "",
        topic=int_or_none(request.args.get("topic")),
        kind=int_or_none(request.args.get("kind")),
        organisation_id=int_or_none(request.args.get("organisation")),
        status=MeetingStatus(status) if status in set(MeetingStatus) else None,
        date_from=form.date_from.data,
        date_to=form.date_to.data,
        zone_name=viewer_timezone(),
    )
    return form, filters


def _month(value: str | None, today: date) -> tuple[int, int]:
    if not value:
        return today.year, today.month
    year, _sep, month = value.partition("-")
    if not (is_digits(year) and is_digits(month) and 1 <= int(month) <= 12):
        abort(400, _("Month looks like 2026-03"))
    if not MIN_YEAR <= int(year) <= MAX_YEAR:
        abort(400, _("Month out of range: %(lower)s", lower=years_message().lower()))
    return int(year), int(month)
