"""A paper's page under the agenda: its details, its document's versions, upload, download
and delete. Thin views over app.agendas.papers and app.agendas.paper_files; the agenda's
rules (editors only for the draft, one side's delegates their own side) are the services'.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select

from app.agendas import paper_deadlines, paper_files, papers
from app.agendas.forms import as_choices
from app.agendas.models import AgendaPaper
from app.agendas.paper_forms import PaperDetailsForm, UploadForm
from app.auth.models import Role
from app.auth.web import current_actor, role_required
from app.core import clock
from app.core.timezones import utc_to_local
from app.extensions import db_session
from app.files import messages
from app.files.web import file_response
from app.meetings.services import get_meeting
from app.people.models import Person
from app.settings import current_settings
from app.web.security import accepts_uploads
from app.web.unit_of_work import run_change

bp = Blueprint("paper_files", __name__)
PAPER = "/meetings/<int:meeting_id>/agenda/papers/<int:paper_id>"


@bp.get(PAPER)
@role_required(Role.EDITOR)
def paper_page(meeting_id: int, paper_id: int) -> ResponseReturnValue:
    """The paper's details form, its versions and the upload form."""
    paper = _paper(meeting_id, paper_id)
    return _page(paper, details_form=_details_form(paper, formdata=None))


@bp.post(f"{PAPER}/details")
@role_required(Role.EDITOR)
def save_details(meeting_id: int, paper_id: int) -> ResponseReturnValue:
    paper = _paper(meeting_id, paper_id)
    form = _details_form(paper)
    if form.validate_on_submit():
        details = papers.PaperDetails(
            marking=form.marking.data or "",
            original_language=form.original_language.data or "",
            visibility=form.visibility.data or "",
            owner_id=int(form.owner_id.data) if form.owner_id.data else None,
            due_on=form.due_on.data,
        )
        return _change(
            lambda: papers.update_paper_details(db_session(), current_actor(), paper.id, details),
            form,
            paper,
            success=str(_l("Paper saved.")),
            details_form=form,
        )
    return _page(paper, status=422, details_form=form)


@bp.post(f"{PAPER}/files")
@accepts_uploads
@role_required(Role.EDITOR)
def upload(meeting_id: int, paper_id: int) -> ResponseReturnValue:
    """A new version of the paper's document (the form posts multipart; JS shows progress)."""
    paper = _paper(meeting_id, paper_id)
    form = UploadForm()
    if form.validate_on_submit():
        limits = paper_files.UploadLimits.of(current_settings())
        chosen = form.file.data
        return _change(
            lambda: paper_files.upload_file(
                db_session(), current_actor(), paper.id, chosen.stream, chosen.filename, limits
            ),
            form,
            paper,
            success=lambda saved: str(_l("Version %(n)s uploaded.", n=saved.version)),
            upload_form=form,
        )
    return _page(paper, status=422, upload_form=form)


@bp.get(f"{PAPER}/files/latest")
@role_required(Role.VIEWER)
def download_latest(meeting_id: int, paper_id: int) -> ResponseReturnValue:
    """The latest version (readers: once the agenda has been circulated)."""
    return _download(meeting_id, paper_id, None)


@bp.get(f"{PAPER}/files/<int:file_id>")
@role_required(Role.VIEWER)
def download(meeting_id: int, paper_id: int, file_id: int) -> ResponseReturnValue:
    """One version (earlier ones: editors only)."""
    return _download(meeting_id, paper_id, file_id)


@bp.post(f"{PAPER}/files/<int:file_id>/delete")
@role_required(Role.EDITOR)
def delete(meeting_id: int, paper_id: int, file_id: int) -> ResponseReturnValue:
    paper = _paper(meeting_id, paper_id)
    return run_change(
        lambda: paper_files.delete_file(db_session(), current_actor(), paper.id, file_id),
        success=str(_l("Version deleted.")),
        to=url_for(".paper_page", meeting_id=meeting_id, paper_id=paper.id),
    ).next_page


def _paper(meeting_id: int, paper_id: int) -> AgendaPaper:
    """The paper, if it is in this meeting and the user may see it; 404 otherwise."""
    paper = paper_files.readable_paper(db_session(), current_actor(), paper_id)
    if paper.item.meeting_id != meeting_id:
        raise messages.no_paper(paper_id)
    return paper


def _download(meeting_id: int, paper_id: int, file_id: int | None) -> ResponseReturnValue:
    paper = _paper(meeting_id, paper_id)
    upload = paper_files.readable_file(db_session(), current_actor(), paper.id, file_id)
    return file_response(
        db_session(),
        sha256=upload.sha256,
        filename=upload.filename,
        media_type=upload.media_type,
        size=upload.size,
    )


def _change(
    action: Any, form: FlaskForm, paper: AgendaPaper, *, success: Any, **forms: FlaskForm
) -> ResponseReturnValue:
    to = url_for(".paper_page", meeting_id=paper.item.meeting_id, paper_id=paper.id)
    change = run_change(action, success=success, to=to, form=form)
    if change.response is not None:
        return change.response
    if change.problem:
        form.form_errors.append(change.problem)
    return _page(paper, status=422 if change.status < 500 else change.status, **forms)


def _details_form(paper: AgendaPaper, **kwargs: Any) -> PaperDetailsForm:
    form = PaperDetailsForm(
        marking=paper.marking.value,
        original_language=paper.original_language,
        visibility=paper.visibility.value,
        owner_id=str(paper.owner_id or ""),
        due_on=paper.due_on,
        **kwargs,
    )
    people = db_session().scalars(select(Person).order_by(Person.full_name))
    form.owner_id.choices = as_choices(
        [("", str(_l("No owner")))] + [(str(p.id), p.display_name) for p in people]
    )
    return form


def _page(paper: AgendaPaper, status: int = 200, **forms: FlaskForm) -> ResponseReturnValue:
    session = db_session()
    settings = current_settings()
    meeting = get_meeting(session, paper.item.meeting_id)
    forms.setdefault("details_form", _details_form(paper, formdata=None))
    forms.setdefault("upload_form", UploadForm(formdata=None))
    deadline = paper_deadlines.statuses(session, settings, meeting, [paper])[paper.id]
    today = utc_to_local(clock.now(), meeting.timezone).date()
    return render_template(
        "agendas/paper.html",
        meeting=meeting,
        paper=paper,
        versions=paper_files.file_versions(session, paper.id),
        deadline=deadline,
        status=deadline.status(today),
        default_due=paper_deadlines.default_due(
            meeting, settings, paper_deadlines.unavailable_days(session)
        ),
        max_bytes=settings.upload_max_bytes,
        **forms,
    ), status
