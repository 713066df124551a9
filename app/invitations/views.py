"""Invitations: the list awaiting replies, issuing one, recording a reply, withdrawing."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import Field

from app.agendas import services as agendas
from app.agendas.overview import reader_side
from app.audit.conflicts import CONFLICT_STATUS, Conflict, conflict
from app.auth.models import Role
from app.auth.web import current_actor, role_required
from app.core.errors import ValidationError
from app.core.timezones import local_to_utc
from app.extensions import db_session
from app.inbound import services as inbound
from app.invitations import received_calendar as received
from app.invitations import services as invitations
from app.invitations.forms import InvitationForm, ReplyForm, WithdrawForm
from app.invitations.models import Invitation, InvitationStatus
from app.meetings import services as meetings
from app.people import services as people
from app.web.forms import int_or_none, optional_choices, options
from app.web.labels import enum_label
from app.web.nav import nav_link
from app.web.unit_of_work import form_page, run_change

PER_PAGE = 50
bp = Blueprint("invitations", __name__, url_prefix="/invitations")
nav_link(
    bp, "invitations.index", _l("Invitations"), Role.VIEWER, order=40, active_prefix="invitations."
)


@bp.get("")
@role_required(Role.VIEWER)
def index() -> ResponseReturnValue:
    """Invitations by status; by default those still waiting for a reply, soonest deadline first."""
    status = request.args.get("status", "open")
    filters = invitations.InvitationFilter(
        open_only=status == "open",
        status=InvitationStatus(status) if status in set(InvitationStatus) else None,
    )
    page = invitations.page_of_invitations(
        db_session(),
        current_actor(),
        filters,
        page=int_or_none(request.args.get("page")) or 1,
        per_page=PER_PAGE,
    )
    replies = inbound.email_replies_for(db_session(), [i.id for i in page.items])
    return render_template(
        "invitations/index.html", page=page, status=status, email_replies=replies
    )


@bp.route("/new/<int:meeting_id>", methods=["GET", "POST"])
@role_required(Role.EDITOR)
def new(meeting_id: int) -> ResponseReturnValue:
    session = db_session()
    meeting = meetings.get_meeting(session, meeting_id)
    form = InvitationForm()
    organisations = [
        (o.id, f"{o.name} ({o.side.label})") for o in people.list_organisations(session)
    ]
    form.inviter_id.choices = optional_choices(organisations, _("Choose an organisation"))
    form.invitee_id.choices = optional_choices(organisations, _("Choose an organisation"))
    form.invitee_person_id.choices = optional_choices(
        ((p.id, f"{p.display_name} ({p.organisation.code})") for p in people.list_people(session)),
        _("No one in particular"),
    )
    side = reader_side(session, current_actor(), None)  # one side's editor: their items
    items = agendas.numbered(meeting, agendas.items_of(session, meeting.id), side)
    form.agenda_item_ids.choices = options((n.item.id, f"{n.number} {n.item.title}") for n in items)
    return form_page(
        form,
        lambda: invitations.issue_invitation(
            session,
            current_actor(),
            invitations.InvitationInput(
                meeting_id=meeting.id,
                inviter_id=int(form.inviter_id.data or 0),
                invitee_id=int(form.invitee_id.data or 0),
                invitee_person_id=int_or_none(form.invitee_person_id.data),
                scope=form.scope.data or "whole",
                agenda_item_ids=list(form.agenda_item_ids.data or []),
                reply_deadline=_deadline(form, meeting.timezone),
                message=form.message.data or "",
            ),
        ),
        success=lambda invitation: _(
            "Invitation to %(name)s issued.", name=invitation.invitee.name
        ),
        to=url_for("meetings.show", meeting_id=meeting.id, _anchor="invitations"),
        aliases={"reply_deadline": "deadline_date"},
        render=lambda problem: render_template(
            "invitations/new.html", form=form, meeting=meeting, problem=problem
        ),
    )


@bp.route("/<int:invitation_id>/reply", methods=["GET", "POST"])
@role_required(Role.EDITOR)
def reply(invitation_id: int) -> ResponseReturnValue:
    session = db_session()
    invitation = invitations.get_invitation(session, invitation_id)
    form = _reply_form(invitation, submitted=True)
    withdraw_form = WithdrawForm(formdata=None, prefix="withdraw", version=str(invitation.version))
    problem, stale = "", Conflict()
    if form.validate_on_submit():
        change = run_change(
            lambda: invitations.reply_to_invitation(
                session,
                current_actor(),
                invitation_id,
                form.status.data or "",
                representative_id=int_or_none(form.representative_id.data),
                note=form.note.data or "",
                scope=form.scope.data or None,
                expected_version=int_or_none(form.version.data),
            ),
            success=_reply_recorded(invitation, form.status.data or ""),
            to=_meeting_page(invitation),
            form=form,
            on_stale=lambda: _conflict(
                form.version, invitation, _("your reply has not been saved")
            ),
        )
        if change.response:
            return change.response
        if change.conflict:
            withdraw_form.version.data = form.version.data
        problem, stale = change.problem, change.conflict
    return _reply_page(invitation, form, withdraw_form, problem, stale)


@bp.post("/<int:invitation_id>/withdraw")
@role_required(Role.EDITOR)
def withdraw(invitation_id: int) -> ResponseReturnValue:
    invitation = invitations.get_invitation(db_session(), invitation_id)
    form = WithdrawForm(prefix="withdraw")
    if not form.validate_on_submit():
        flash(_("The withdrawal could not be read; try again."), "error")
        return redirect(url_for("invitations.reply", invitation_id=invitation_id))
    change = run_change(
        lambda: invitations.withdraw_invitation(
            db_session(),
            current_actor(),
            invitation_id,
            reason=form.reason.data or "",
            expected_version=int_or_none(form.version.data),
        ),
        success=_("Invitation of %(name)s withdrawn.", name=invitation.invitee.name),
        to=_meeting_page(invitation),
        on_stale=lambda: _conflict(form.version, invitation, _("it has not been withdrawn")),
    )
    if change.conflict:
        reply_form = _reply_form(invitation, submitted=False)
        return _reply_page(invitation, reply_form, form, change.problem, change.conflict)
    return change.next_page


@bp.post("/<int:invitation_id>/confirm-reply")
@role_required(Role.EDITOR)
def confirm_reply(invitation_id: int) -> ResponseReturnValue:
    """Send the organiser of an invitation from Brussels our answer again, after their update."""
    invitation = invitations.get_invitation(db_session(), invitation_id)
    change = run_change(
        lambda: received.confirm_reply(
            db_session(),
            current_actor(),
            invitation_id,
            expected_version=int_or_none(request.form.get("version")),
        ),
        success=gettext("Your answer goes back to the organiser for their latest version."),
        to=_meeting_page(invitation),
        flash_to=_meeting_page(invitation),
    )
    return change.next_page


def _reply_form(invitation: Invitation, *, submitted: bool) -> ReplyForm:
    """The reply form: as submitted (`submitted`), or as the invitation stands."""
    form = ReplyForm() if submitted else ReplyForm(formdata=None)
    form.representative_id.choices = optional_choices(
        (
            (p.id, f"{p.display_name} ({p.organisation.code})")
            for p in people.list_people(db_session())
            if p.side is invitation.invitee.side
        ),
        _("Not known yet"),
    )
    if not form.is_submitted() or not submitted:
        form.version.data = str(invitation.version)
        form.representative_id.data = str(invitation.representative_id or "")
        form.scope.data = invitation.scope.value
    return form


def _reply_recorded(invitation: Invitation, status: str) -> str:
    if invitation.received is not None:
        return gettext(
            "Reply recorded: %(status)s. It goes back to %(organiser)s as a calendar reply.",
            status=enum_label(status),
            organiser=invitation.received.organiser_email,
        )
    return gettext("Reply recorded: %(status)s.", status=enum_label(status))


def _reply_page(
    invitation: Invitation,
    form: ReplyForm,
    withdraw_form: WithdrawForm,
    problem: str,
    stale: Conflict,
) -> ResponseReturnValue:
    page = render_template(
        "invitations/reply.html",
        form=form,
        withdraw_form=withdraw_form,
        invitation=invitation,
        problem=problem,
        conflict=stale,
        email_replies=inbound.email_replies_for(db_session(), [invitation.id]),
    )
    return page, CONFLICT_STATUS if stale else 200


def _conflict(version: Field, invitation: Invitation, outcome: str) -> Conflict:
    """Someone else saved first: the page again, with the current version and what changed."""
    message = _(
        "This invitation was changed by someone else after you opened this page; %(outcome)s",
        outcome=outcome,
    )
    return conflict(db_session(), message, version, invitation, "invitation", invitation.id)


def _meeting_page(invitation: Invitation) -> str:
    return url_for("meetings.show", meeting_id=invitation.meeting_id, _anchor="invitations")


def _deadline(form: InvitationForm, zone_name: str) -> datetime | None:
    """Reply-by date and time, read in the meeting's zone (end of day when no time given)."""
    day = form.deadline_date.data
    if day is None:
        if form.deadline_time.data is not None:
            raise ValidationError(_("Give a date for the reply deadline"), field="reply_deadline")
        return None
    at = form.deadline_time.data or datetime.max.time().replace(microsecond=0)
    return local_to_utc(datetime.combine(day, at), zone_name, field="reply_deadline")
