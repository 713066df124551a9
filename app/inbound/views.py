"""The quarantine (admins) and the Import page (editors) of inbound calendar e-mail."""

from __future__ import annotations

from flask import Blueprint, Response, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.auth.models import Role
from app.auth.web import current_actor, role_required
from app.core import clock
from app.extensions import db_session
from app.inbound import services
from app.inbound.forms import ImportForm
from app.inbound.models import InboundOutcome, InboundSource
from app.settings import current_settings
from app.web.forms import int_or_none
from app.web.unit_of_work import run_change

bp = Blueprint("inbound", __name__)
OUTCOMES = {
    InboundOutcome.APPLIED: _l("applied"),
    InboundOutcome.RECORDED: _l("recorded for the secretariat"),
    InboundOutcome.DUPLICATE: _l("already received"),
    InboundOutcome.QUARANTINED: _l("quarantined"),
    InboundOutcome.RELEASED: _l("applied"),
    InboundOutcome.DELETED: _l("deleted"),
}


@bp.get("/admin/quarantine")
@role_required(Role.ADMIN)
def quarantine() -> ResponseReturnValue:
    """Refused inbound messages: reason, sender, date; download, release or delete each."""
    page = services.page_of_quarantine(
        db_session(), page=int_or_none(request.args.get("page")) or 1
    )
    return render_template("inbound/quarantine.html", page=page)


@bp.get("/admin/quarantine/<int:quarantine_id>/raw")
@role_required(Role.ADMIN)
def quarantine_raw(quarantine_id: int) -> ResponseReturnValue:
    """The message exactly as received, as a download that no browser renders."""
    held = services.get_quarantined(db_session(), quarantine_id)
    response = Response(held.raw, mimetype="application/octet-stream")
    response.headers["Content-Disposition"] = f'attachment; filename="quarantined-{held.id}.eml"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@bp.post("/admin/quarantine/<int:quarantine_id>/release")
@role_required(Role.ADMIN)
def quarantine_release(quarantine_id: int) -> ResponseReturnValue:
    back = url_for("inbound.quarantine")
    change = run_change(
        lambda: services.release(
            db_session(), current_actor(), current_settings(), quarantine_id, clock.now()
        ),
        success=lambda row: _("Processed again: %(summary)s", summary=row.summary),
        to=back,
        flash_to=back,
    )
    return change.next_page if change.response else redirect(back)


@bp.post("/admin/quarantine/<int:quarantine_id>/delete")
@role_required(Role.ADMIN)
def quarantine_delete(quarantine_id: int) -> ResponseReturnValue:
    back = url_for("inbound.quarantine")
    change = run_change(
        lambda: services.delete_quarantined(db_session(), current_actor(), quarantine_id),
        success=_("The quarantined message was deleted."),
        to=back,
        flash_to=back,
    )
    return change.next_page if change.response else redirect(back)


@bp.route("/invitations/import", methods=["GET", "POST"])
@role_required(Role.EDITOR)
def import_message() -> ResponseReturnValue:
    """Upload an .eml or .ics that reached the office by other means than the mailbox."""
    form = ImportForm()
    problem = ""
    if form.validate_on_submit():
        raw = form.file.data.read(current_settings().inbound_imap_max_message_bytes + 1)
        change = run_change(
            lambda: services.process_upload(
                db_session(), current_actor(), current_settings(), raw, source=InboundSource.UPLOAD
            ),
            success=lambda row: _(
                "Imported: %(outcome)s. %(summary)s",
                outcome=_(row.outcome.value),
                summary=row.summary,
            ),
            to=url_for("invitations.index"),
            form=form,
        )
        if change.response:
            return change.response
        problem = change.problem
    return render_template("inbound/import.html", form=form, problem=problem)
