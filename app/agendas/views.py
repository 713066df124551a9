"""Agenda pages and documents: view, edit, circulate, compare, record outcomes, export."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from flask import Blueprint, Response, abort, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from app.agendas import access, labels, outcomes, paper_deadlines, papers, rules, versions
from app.agendas import export as exports
from app.agendas import services as agendas
from app.agendas.forms import (
    ActionForm,
    CirculateForm,
    ItemForm,
    MoveForm,
    OutcomeForm,
    PaperForm,
    as_choices,
)
from app.agendas.models import AgendaItem, AgendaPaper
from app.agendas.numbering import papers_for
from app.agendas.overview import AgendaOverview, document_for, overview, reader_side
from app.auth.models import Role
from app.auth.web import current_actor, role_required
from app.core import clock
from app.core.errors import NotFound, ValidationError
from app.core.timezones import utc_to_local
from app.extensions import db_session
from app.meetings.access import readable_meeting
from app.meetings.models import Meeting
from app.settings import current_settings
from app.web.forms import int_or_none
from app.web.unit_of_work import run_change

bp = Blueprint("agendas", __name__)
# Which papers under an item a page lists: a one-side reader's side only (app.agendas.source).
bp.add_app_template_global(papers_for, "papers_for")


@bp.get("/meetings/<int:meeting_id>/agenda")
@role_required(Role.VIEWER)
def agenda(meeting_id: int) -> ResponseReturnValue:
    """The agenda: the latest circulated version, and for editors the draft and its tools."""
    _readable(meeting_id)
    side = reader_side(db_session(), current_actor(), request.args.get("side"))
    return _agenda_page(_overview(meeting_id, side=side), side=side)


@bp.post("/meetings/<int:meeting_id>/agenda/items")
@role_required(Role.EDITOR)
def add_item(meeting_id: int) -> ResponseReturnValue:
    view = _overview(meeting_id)
    form = _item_form(view)
    if form.validate_on_submit():
        return _save(
            lambda: agendas.add_item(
                db_session(),
                current_actor(),
                meeting_id,
                _item_input(form),
                parent_id=_parent_id(meeting_id, form.parent_id.data),
            ),
            form,
            lambda: _agenda_page(view, item_form=form),
            success=_("Item added to the draft."),
            to=url_for(".agenda", meeting_id=meeting_id),
        )
    return _agenda_page(view, item_form=form, status=422)


@bp.route("/meetings/<int:meeting_id>/agenda/items/<int:item_id>", methods=["GET", "POST"])
@role_required(Role.EDITOR)
def edit_item(meeting_id: int, item_id: int) -> ResponseReturnValue:
    """Edit one item; its papers, outcome and follow-up actions are managed on the same page."""
    item = _item(meeting_id, item_id)
    view = _overview(meeting_id)
    form = _item_form(view, obj=item)
    del form.parent_id  # moving has its own form
    if form.validate_on_submit():
        return _save(
            lambda: agendas.update_item(db_session(), current_actor(), item.id, _item_input(form)),
            form,
            lambda: _item_page(view, item, item_form=form),
            success=_("Item saved."),
            to=url_for(".agenda", meeting_id=meeting_id),
        )
    status = 422 if request.method == "POST" else 200
    return _item_page(view, item, item_form=form, status=status)


@bp.post("/meetings/<int:meeting_id>/agenda/items/<int:item_id>/move")
@role_required(Role.EDITOR)
def move_item(meeting_id: int, item_id: int) -> ResponseReturnValue:
    item = _item(meeting_id, item_id)
    _before_reading_the_form(_("Reordering the agenda"))
    view = _overview(meeting_id)
    form = MoveForm()
    form.parent_id.choices = as_choices(view.parent_choices(exclude=item))
    if form.validate_on_submit():
        return _save(
            lambda: agendas.move_item(
                db_session(),
                current_actor(),
                item.id,
                form.position.data or 1,
                parent_id=_parent_id(meeting_id, form.parent_id.data),
            ),
            form,
            lambda: _item_page(view, item, move_form=form),
            success=_("Item moved."),
            to=url_for(".agenda", meeting_id=meeting_id),
        )
    return _item_page(view, item, move_form=form, status=422)


@bp.post("/meetings/<int:meeting_id>/agenda/items/<int:item_id>/remove")
@role_required(Role.EDITOR)
def remove_item(meeting_id: int, item_id: int) -> ResponseReturnValue:
    item = access.removable_item(db_session(), current_actor(), item_id, meeting_id=meeting_id)
    return run_change(
        lambda: agendas.remove_item(db_session(), current_actor(), item.id),
        success=_("Item removed from the draft."),
        to=url_for(".agenda", meeting_id=meeting_id),
    ).next_page


@bp.post("/meetings/<int:meeting_id>/agenda/items/<int:item_id>/papers")
@role_required(Role.EDITOR)
def add_paper(meeting_id: int, item_id: int) -> ResponseReturnValue:
    item = _item(meeting_id, item_id)
    form = PaperForm()
    if form.validate_on_submit():
        return _save(
            lambda: papers.add_paper(
                db_session(),
                current_actor(),
                item.id,
                form.reference.data or "",
                revision=form.revision.data or 0,
                original_language=form.original_language.data or "",
                title=form.title.data or "",
            ),
            form,
            lambda: _item_page(_overview(meeting_id), item, paper_form=form),
            success=_("Paper listed."),
            to=url_for(".edit_item", meeting_id=meeting_id, item_id=item.id),
        )
    return _item_page(_overview(meeting_id), item, paper_form=form, status=422)


@bp.post("/meetings/<int:meeting_id>/agenda/papers/<int:paper_id>/remove")
@role_required(Role.EDITOR)
def remove_paper(meeting_id: int, paper_id: int) -> ResponseReturnValue:
    item_id = papers.item_of_paper(db_session(), meeting_id, paper_id)
    _item(meeting_id, item_id)
    return run_change(
        lambda: papers.remove_paper(db_session(), current_actor(), paper_id),
        success=_("Paper removed."),
        to=url_for(".edit_item", meeting_id=meeting_id, item_id=item_id),
    ).next_page


@bp.post("/meetings/<int:meeting_id>/agenda/items/<int:item_id>/outcome")
@role_required(Role.EDITOR)
def record_outcome(meeting_id: int, item_id: int) -> ResponseReturnValue:
    item = _item(meeting_id, item_id)
    form = OutcomeForm()
    if form.validate_on_submit():
        return run_change(
            lambda: outcomes.record_outcome(
                db_session(), current_actor(), item.id, form.outcome.data or ""
            ),
            success=_("Outcome recorded."),
            to=url_for(".edit_item", meeting_id=meeting_id, item_id=item.id),
        ).next_page
    return _item_page(_overview(meeting_id), item, outcome_form=form, status=422)


@bp.post("/meetings/<int:meeting_id>/agenda/items/<int:item_id>/actions")
@role_required(Role.EDITOR)
def add_action(meeting_id: int, item_id: int) -> ResponseReturnValue:
    item = _item(meeting_id, item_id)
    form = ActionForm()
    if form.validate_on_submit():
        return run_change(
            lambda: outcomes.add_action(
                db_session(),
                current_actor(),
                item.id,
                form.description.data or "",
                owner=form.owner.data or "",
                due_on=form.due_on.data,
            ),
            success=_("Follow-up action added."),
            to=url_for(".edit_item", meeting_id=meeting_id, item_id=item.id),
        ).next_page
    return _item_page(_overview(meeting_id), item, action_form=form, status=422)


@bp.post("/meetings/<int:meeting_id>/agenda/actions/<int:action_id>/status")
@role_required(Role.EDITOR)
def action_status(meeting_id: int, action_id: int) -> ResponseReturnValue:
    action = access.readable_action(db_session(), current_actor(), action_id)
    if action.item.meeting_id != meeting_id:
        abort(404)
    return run_change(
        lambda: outcomes.set_action_status(
            db_session(), current_actor(), action.id, request.form.get("status", "")
        ),
        to=url_for(".edit_item", meeting_id=meeting_id, item_id=action.item_id),
    ).next_page


@bp.post("/meetings/<int:meeting_id>/agenda/carry")
@role_required(Role.EDITOR)
def carry_forward(meeting_id: int) -> ResponseReturnValue:
    return run_change(
        lambda: outcomes.carry_forward(db_session(), current_actor(), meeting_id),
        success=lambda result: _(
            "%(carried)s follow-up actions carried to %(title)s.",
            carried=result.carried,
            title=result.meeting.title,
        ),
        to=lambda result: url_for(".agenda", meeting_id=result.meeting.id),
        flash_to=url_for(".agenda", meeting_id=meeting_id),
    ).next_page


@bp.post("/meetings/<int:meeting_id>/agenda/circulate")
@role_required(Role.EDITOR)
def circulate(meeting_id: int) -> ResponseReturnValue:
    _before_reading_the_form(_("Circulating the agenda"))
    form = CirculateForm()
    if form.validate_on_submit() and form.confirmed.data != "yes":
        return _confirm_circulation(meeting_id, form)
    if form.validate_on_submit():
        return _save(
            lambda: versions.circulate(
                db_session(),
                current_actor(),
                meeting_id,
                final=bool(form.final.data),
                note=form.note.data or "",
                pack_link=bool(form.pack_link.data),
            ),
            form,
            lambda: _agenda_page(_overview(meeting_id), circulate_form=form),
            success=lambda version: _("Version %(number)s circulated.", number=version.number),
            to=url_for(".agenda", meeting_id=meeting_id),
        )
    return _agenda_page(_overview(meeting_id), circulate_form=form, status=422)


def _confirm_circulation(meeting_id: int, form: CirculateForm) -> ResponseReturnValue:
    """Circulating cannot be undone: first show what it would make (its number, stage and
    changes), or why it cannot be made, and ask again."""
    preview = run_change(
        lambda: versions.prepare_circulation(
            db_session(),
            current_actor(),
            meeting_id,
            final=bool(form.final.data),
            note=form.note.data or "",
        ),
        form=form,
        keep=lambda _plan: False,
    )
    if preview.result is None:
        if preview.problem:
            form.form_errors.append(preview.problem)
        page, _status = _agenda_page(_overview(meeting_id), circulate_form=form)
        return page, 422
    form.confirmed.data = "yes"
    return render_template(
        "agendas/circulate.html",
        meeting=_overview(meeting_id).meeting,
        plan=preview.result,
        form=form,
        labels=labels,
    )


@bp.get("/meetings/<int:meeting_id>/agenda/versions/<int:number>")
@role_required(Role.VIEWER)
def show_version(meeting_id: int, number: int) -> ResponseReturnValue:
    session = db_session()
    _readable(meeting_id)
    side = reader_side(session, current_actor(), request.args.get("side"))
    doc = document_for(session, current_actor(), meeting_id, version=number, side=side)
    version = versions.get_version(session, meeting_id, number)
    return render_template(
        "agendas/version.html",
        meeting=overview(session, meeting_id).meeting,
        doc=doc,
        version=version,
        title=versions.version_title(version),
        changes=versions.changes_for(session, version, doc.side),
        labels=labels,
        own_side=rules.own_side(session, current_actor()),
    )


@bp.get("/meetings/<int:meeting_id>/agenda/compare")
@role_required(Role.VIEWER)
def compare(meeting_id: int) -> ResponseReturnValue:
    """Changes between two versions (`from`, `to`); 0 stands for the draft (editors only)."""
    _readable(meeting_id)
    old, new = _int_arg("from"), _int_arg("to")
    changes = versions.compare(db_session(), current_actor(), meeting_id, old, new)
    view = _overview(meeting_id)
    return render_template("agendas/compare.html", view=view, old=old, new=new, changes=changes)


@bp.get("/meetings/<int:meeting_id>/agenda.<any(pdf, docx, html, md):fmt>")
@role_required(Role.VIEWER)
def export(meeting_id: int, fmt: str) -> ResponseReturnValue:
    """The agenda as a document: latest version, `?version=N`, or `?draft=1` (editors)."""
    session = db_session()
    user = current_actor()
    _readable(meeting_id)
    draft = request.args.get("draft", "") in ("1", "true", "yes")
    version = _int_arg("version") if request.args.get("version") else None
    doc = document_for(
        session,
        user,
        meeting_id,
        version=version,
        draft=draft,
        side=reader_side(session, user, request.args.get("side")),
        language=request.args.get("lang") or None,
    )
    stylesheet = url_for("static", filename="css/agenda-document.css")
    exported = exports.export(doc, fmt, stylesheet_href=stylesheet)
    disposition = "inline" if fmt in ("html", "pdf") else "attachment"
    response = Response(exported.content, content_type=exported.mimetype)
    response.headers["Content-Disposition"] = f'{disposition}; filename="{exported.filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _agenda_page(
    view: AgendaOverview, status: int = 200, side: str | None = None, **forms: FlaskForm
) -> Any:
    forms.setdefault("item_form", _item_form(view, formdata=None))
    forms.setdefault("circulate_form", CirculateForm(formdata=None))
    user = current_actor()
    can_edit = bool(user and user.has_role(Role.EDITOR))
    statuses: dict[int, str] = {}
    if can_edit:
        draft_papers = [
            paper for line in view.draft for paper in papers_for(line.item, view.own_side)
        ]
        statuses = paper_statuses(view.meeting, draft_papers)
    page = render_template(
        "agendas/agenda.html",
        view=view,
        can_edit=can_edit,
        side=side,
        paper_statuses=statuses,
        labels=labels,
        **forms,
    )
    return page, status


def paper_statuses(meeting: Meeting, listed: Sequence[AgendaPaper]) -> dict[int, str]:
    """Missing, uploaded or late, by paper id, on today's date in the meeting's zone."""
    today = utc_to_local(clock.now(), meeting.timezone).date()
    deadlines = paper_deadlines.statuses(db_session(), current_settings(), meeting, listed)
    return {paper_id: deadline.status(today).value for paper_id, deadline in deadlines.items()}


def _item_page(
    view: AgendaOverview, item: AgendaItem, status: int = 200, **forms: FlaskForm
) -> Any:
    if "item_form" not in forms:
        form = _item_form(view, obj=item, formdata=None)
        del form.parent_id
        forms["item_form"] = form
    if "move_form" not in forms:
        forms["move_form"] = MoveForm(
            formdata=None, parent_id=str(item.parent_id or ""), position=item.position
        )
        forms["move_form"].parent_id.choices = as_choices(view.parent_choices(exclude=item))
    forms.setdefault("paper_form", PaperForm(formdata=None))
    forms.setdefault("outcome_form", OutcomeForm(formdata=None, obj=item))
    forms.setdefault("action_form", ActionForm(formdata=None))
    number = next((line.number for line in view.draft if line.item.id == item.id), "")
    return render_template(
        "agendas/item.html",
        view=view,
        item=item,
        number=number,
        papers=papers_for(item, view.own_side),
        paper_statuses=paper_statuses(view.meeting, papers_for(item, view.own_side)),
        **forms,
    ), status


def _item_form(view: AgendaOverview, **kwargs: Any) -> ItemForm:
    obj = kwargs.get("obj")
    if obj is not None:
        kwargs.setdefault("purpose", obj.purpose.value if obj.purpose else "")
        kwargs.setdefault("visibility", obj.visibility.value)
        kwargs.setdefault("topic_id", str(obj.topic_id or ""))
    form = ItemForm(**kwargs)
    form.topic_id.choices = as_choices(
        [("", _("None"))] + [(str(t.id), t.name) for t in view.topics]
    )
    form.parent_id.choices = as_choices(view.parent_choices())
    return form


def _item_input(form: ItemForm) -> agendas.AgendaItemInput:
    return agendas.AgendaItemInput(
        title=form.title.data or "",
        title_fr=form.title_fr.data or None,
        purpose=form.purpose.data or None,
        lead_text=form.lead_text.data or "",
        duration_minutes=form.duration_minutes.data,
        visibility=form.visibility.data or "all",
        topic_id=_optional_int(form.topic_id.data),
        notes=form.notes.data or "",
    )


def _save(
    action: Callable[[], object],
    form: FlaskForm,
    render: Callable[[], Any],
    *,
    success: str | Callable[[Any], str],
    to: str,
) -> ResponseReturnValue:
    """Make the change; if a service refuses the input, the form again (422) with the message
    on the field it names, or above the form."""
    change = run_change(action, success=success, to=to, form=form)
    if change.response is not None:
        return change.response
    if change.problem:
        form.form_errors.append(change.problem)
    page, _status = render()
    return page, 422 if change.status < 500 else change.status


def _before_reading_the_form(what: str) -> None:
    """The service refuses a one-side delegate (app/agendas/rules.py); asking the same rule
    before the form is read answers 403 whatever they typed, not 422 for a slip in it."""
    rules.require_both_sides(db_session(), current_actor(), what)


def _readable(meeting_id: int) -> None:
    """404, as for an unknown id, when the current user may not read the meeting."""
    readable_meeting(db_session(), current_actor(), meeting_id)


def _overview(meeting_id: int, side: str | None = None) -> AgendaOverview:
    own = rules.own_side(db_session(), current_actor())
    return overview(db_session(), meeting_id, side=side, own_side=own)


def _item(meeting_id: int, item_id: int) -> AgendaItem:
    """The item of this meeting, if the current user may see it (else 404)."""
    return access.readable_item(db_session(), current_actor(), item_id, meeting_id=meeting_id)


def _parent_id(meeting_id: int, value: str | None) -> int | None:
    """The item chosen to nest under: blank is the top level; anything else must be an item of
    this agenda the user may see (never quietly the top level instead)."""
    if not (value or "").strip():
        return None
    number = _optional_int(value)
    try:
        if number is None or number < 1:
            raise NotFound(_("No such item"), field="parent_id")
        return _item(meeting_id, number).id
    except NotFound:
        raise ValidationError(
            _("Choose an item of this agenda to put it under"), field="parent_id"
        ) from None


def _optional_int(value: str | None) -> int | None:
    return int_or_none(value)


def _int_arg(name: str) -> int:
    number = _optional_int(request.args.get(name))
    if number is None:
        raise ValidationError(_("%(name)s must be a version number", name=name), field=name)
    return number
