"""Meeting changes for editors: create, edit, move, cancel, delegation.

Conflicts come back from the services as warnings: the change is rolled back and the form
shown again with the warnings, until the user ticks "save anyway". A stale version (someone
saved first) is refused with 409 and the input kept: the form comes back with what changed and
the current version, so that saving it again goes through (app/audit/conflicts.py).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from flask import Blueprint, flash, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from app.audit.conflicts import CONFLICT_STATUS, Conflict, conflict
from app.auth import linking
from app.auth.models import Role
from app.auth.web import current_actor, role_required
from app.core.errors import PermissionDenied
from app.extensions import db_session
from app.meetings import catalogue, delegations
from app.meetings import services as meetings
from app.meetings.conflicts import Warning
from app.meetings.forms import CancelForm, MeetingForm, MoveForm, ParticipantForm
from app.meetings.models import Meeting, Participant
from app.people import services as people
from app.topics import services as topics
from app.web.forms import (
    int_or_none,
    optional_choices,
    options,
    zone_choices,
)
from app.web.unit_of_work import Change, run_change

ALIASES = {"start": "start_date", "end": "end_date", "kind": "kind", "meeting": ""}


@role_required(Role.EDITOR)
def new() -> ResponseReturnValue:
    form = MeetingForm()
    _choices(form)
    if not form.is_submitted():
        form.timezone.data = "Europe/London"
    attempt = _Attempt()
    if form.validate_on_submit():
        attempt = _save(
            form,
            lambda: meetings.create_meeting(db_session(), current_actor(), _input(form)),
            lambda result: _("Meeting “%(title)s” created.", title=result.meeting.title),
        )
    return attempt.response or render_template(
        "meetings/form.html", form=form, meeting=None, **attempt.context
    )


@role_required(Role.EDITOR)
def edit(meeting_id: int) -> ResponseReturnValue:
    meeting = meetings.get_meeting(db_session(), meeting_id)
    form = MeetingForm()
    if not form.is_submitted():
        _fill(form, meeting)
    _choices(form, meeting)
    attempt = _Attempt()
    if form.validate_on_submit():
        attempt = _save(
            form,
            lambda: meetings.update_meeting(
                db_session(),
                current_actor(),
                meeting_id,
                _input(form),
                expected_version=int_or_none(form.version.data),
            ),
            lambda _result: _("Your changes are saved."),
            meeting,
        )
    return attempt.response or (
        render_template("meetings/form.html", form=form, meeting=meeting, **attempt.context),
        attempt.status,
    )


@role_required(Role.EDITOR)
def move(meeting_id: int) -> ResponseReturnValue:
    meeting = meetings.get_meeting(db_session(), meeting_id)
    form = MoveForm()
    if not form.is_submitted():
        _fill_when(form, meeting)
        form.timezone.data = meeting.timezone
        form.version.data = str(meeting.version)
    form.timezone.choices = zone_choices(meeting.timezone)
    attempt = _Attempt()
    if form.validate_on_submit():
        attempt = _save(
            form,
            lambda: meetings.move_meeting(
                db_session(),
                current_actor(),
                meeting_id,
                form.start(),
                form.end(),
                form.timezone.data,
                expected_version=int_or_none(form.version.data),
            ),
            lambda _result: _("The meeting is moved; calendars will show the new time."),
            meeting,
        )
    return attempt.response or (
        render_template("meetings/move.html", form=form, meeting=meeting, **attempt.context),
        attempt.status,
    )


@role_required(Role.EDITOR)
def cancel(meeting_id: int) -> ResponseReturnValue:
    meeting = meetings.get_meeting(db_session(), meeting_id)
    form = CancelForm()
    if not form.is_submitted():
        form.version.data = str(meeting.version)
    change: Change[Meeting] = Change()
    if form.validate_on_submit():
        change = run_change(
            lambda: meetings.cancel_meeting(
                db_session(),
                current_actor(),
                meeting_id,
                reason=form.reason.data or "",
                expected_version=int_or_none(form.version.data),
            ),
            success=_("The meeting is cancelled."),
            to=url_for("meetings.show", meeting_id=meeting_id),
            form=form,
            on_stale=lambda: _conflict(form, meeting),
        )
    return change.response or (
        render_template(
            "meetings/cancel.html",
            form=form,
            meeting=meeting,
            problem=change.problem,
            conflict=change.conflict,
        ),
        CONFLICT_STATUS if change.conflict else 200,
    )


@role_required(Role.EDITOR)
def add_participant(meeting_id: int) -> ResponseReturnValue:
    session = db_session()
    meeting = meetings.get_meeting(session, meeting_id)
    form = ParticipantForm()
    form.person_id.choices = optional_choices(
        (
            (p.id, f"{p.display_name} ({p.organisation.code}, {p.side.label})")
            for p in people.list_people(session)
        ),
        "Choose a person",
    )
    problem = ""
    if form.validate_on_submit():
        change = run_change(
            lambda: _add_to_delegation(session, meeting_id, form),
            success=_("Added to the delegation."),
            to=url_for("meetings.show", meeting_id=meeting_id, _anchor="delegations"),
            form=form,
        )
        if change.response and change.result:
            for warning in change.result[1]:
                flash(warning.message, "warning")
            return change.response
        problem = change.problem
    return render_template("meetings/participant.html", form=form, meeting=meeting, problem=problem)


def _add_to_delegation(
    session: Session, meeting_id: int, form: ParticipantForm
) -> tuple[Participant, list[Warning]]:
    """Add the person; with the box ticked (administrators), also an account linked to them,
    in the same unit of work."""
    actor = current_actor()
    person_id = int(form.person_id.data or 0)
    added = delegations.add_participant(
        session,
        actor,
        meeting_id,
        person_id,
        role=form.role.data or "adviser",
        attendance=form.attendance.data or "whole",
        protocol_order=form.protocol_order.data,
    )
    if form.create_account.data:
        if actor is None or not actor.has_role(Role.ADMIN):
            raise PermissionDenied(_("Only administrators create accounts"))
        if linking.account_of(session, person_id) is None:
            linking.create_linked_account(session, actor, person_id)
    return added


@role_required(Role.EDITOR)
def remove_participant(meeting_id: int, person_id: int) -> ResponseReturnValue:
    return run_change(
        lambda: delegations.remove_participant(
            db_session(), current_actor(), meeting_id, person_id
        ),
        success=_("Removed from the delegation."),
        to=url_for("meetings.show", meeting_id=meeting_id, _anchor="delegations"),
    ).next_page


# --- helpers ---------------------------------------------------------------------------------


@dataclasses.dataclass
class _Attempt:
    """What a save came to: a redirect, or the form again with a problem or warnings."""

    response: ResponseReturnValue | None = None
    problem: str = ""
    warnings: list[Warning] = dataclasses.field(default_factory=list)
    conflict: Conflict = dataclasses.field(default_factory=Conflict)

    @property
    def context(self) -> dict[str, object]:
        return {"problem": self.problem, "warnings": self.warnings, "conflict": self.conflict}

    @property
    def status(self) -> int:
        return CONFLICT_STATUS if self.conflict else 200


def register(bp: Blueprint) -> None:
    """Add the editors' pages to the meetings blueprint."""
    bp.add_url_rule("/new", view_func=new, methods=["GET", "POST"])
    bp.add_url_rule("/<int:meeting_id>/edit", view_func=edit, methods=["GET", "POST"])
    bp.add_url_rule("/<int:meeting_id>/move", view_func=move, methods=["GET", "POST"])
    bp.add_url_rule("/<int:meeting_id>/cancel", view_func=cancel, methods=["GET", "POST"])
    bp.add_url_rule(
        "/<int:meeting_id>/participants/new", view_func=add_participant, methods=["GET", "POST"]
    )
    bp.add_url_rule(
        "/<int:meeting_id>/participants/<int:person_id>/remove",
        view_func=remove_participant,
        methods=["POST"],
    )


def _save(
    form: MeetingForm | MoveForm,
    change: Callable[[], meetings.MeetingResult],
    saved_message: Callable[[meetings.MeetingResult], str],
    meeting: Meeting | None = None,
) -> _Attempt:
    """Make the change and commit it, unless it raised warnings the user has not accepted
    ("save anyway"), a colleague saved first (`meeting` is the one edited), or the input is
    refused: then nothing is kept."""
    done = run_change(
        change,
        success=saved_message,
        to=lambda result: url_for("meetings.show", meeting_id=result.meeting.id),
        form=form,
        aliases=ALIASES,
        on_stale=(lambda: _conflict(form, meeting)) if meeting is not None else None,
        keep=lambda result: not result.warnings or bool(form.confirm_warnings.data),
    )
    warnings = done.result.warnings if done.result and not done.response else []
    return _Attempt(done.response, done.problem, warnings, done.conflict)


def _conflict(form: MeetingForm | MoveForm | CancelForm, meeting: Meeting) -> Conflict:
    """Someone else saved first: the form again, with the current version and what changed."""
    message = _(
        "This meeting was changed by someone else after you opened this page; "
        "your change has not been saved"
    )
    return conflict(db_session(), message, form.version, meeting, "meeting", meeting.id)


def _choices(form: MeetingForm, meeting: Meeting | None = None) -> None:
    session = db_session()
    form.kind.choices = optional_choices(
        ((k.slug, catalogue.kind_label(k)) for k in catalogue.list_kinds(session)),
        _("Choose the kind of meeting"),
    )
    form.timezone.choices = zone_choices(meeting.timezone if meeting else None)
    form.topics.choices = options(
        (t.slug, topics.topic_name(t)) for t in topics.list_topics(session)
    )
    form.series.choices = optional_choices(
        ((s.id, s.name) for s in catalogue.list_series(session)), _("Not part of a series")
    )
    form.chair_id.choices = optional_choices(
        (p.id, f"{p.display_name} ({p.organisation.code})") for p in people.list_people(session)
    )
    form.host_organisation_id.choices = optional_choices(
        (o.id, f"{o.name} ({o.side.label})") for o in people.list_organisations(session)
    )
    if meeting is not None and meeting.status.value == "cancelled":
        form.status.choices = options([("cancelled", _("Cancelled"))])


def _fill_when(form: MeetingForm | MoveForm, meeting: Meeting) -> None:
    data = meetings.input_from(meeting)
    form.start_date.data, form.start_time.data = data.start.date(), data.start.time()
    form.end_date.data, form.end_time.data = data.end.date(), data.end.time()


def _fill(form: MeetingForm, meeting: Meeting) -> None:
    _fill_when(form, meeting)
    form.title.data = meeting.title
    form.title_fr.data = meeting.title_fr or ""
    form.kind.data = meeting.kind.slug
    form.timezone.data = meeting.timezone
    form.venue.data = meeting.venue
    form.host_city.data = meeting.host_city
    form.status.data = meeting.status.value
    form.marking.data = meeting.marking.value
    form.access.data = meeting.access.value
    form.topics.data = [t.slug for t in meeting.topics]
    form.series.data = str(meeting.series_id or "")
    form.planned_half.data = meeting.planned_half or ""
    form.chair_id.data = str(meeting.chair_id or "")
    form.host_organisation_id.data = str(meeting.host_organisation_id or "")
    form.language.data = meeting.language
    form.description.data = meeting.description
    form.version.data = str(meeting.version)


def _input(form: MeetingForm) -> meetings.MeetingInput:
    base = meetings.MeetingInput(
        title=form.title.data or "",
        kind=form.kind.data or "",
        start=form.start(),
        end=form.end(),
        timezone=form.timezone.data or "",
    )
    return dataclasses.replace(
        base,
        venue=form.venue.data or "",
        host_city=form.host_city.data or "",
        status=form.status.data or "tentative",
        marking=form.marking.data or "OFFICIAL",
        access=form.access.data or "internal",
        topics=list(form.topics.data or []),
        series=int_or_none(form.series.data),
        planned_half=form.planned_half.data or None,
        description=form.description.data or "",
        language=form.language.data or "en",
        chair_id=int_or_none(form.chair_id.data),
        host_organisation_id=int_or_none(form.host_organisation_id.data),
        title_fr=form.title_fr.data or None,
    )
