"""Papers tabled under a draft agenda item: list, add, remove (editors, like the draft).

Papers are listed by reference, revision and original language, as on the item page: no file
is uploaded. They are circulated with the agenda, so they count in the agenda's ETag and an
add or remove honours If-Match like any other agenda edit. A reader of one side never reaches
an item only the other side may see.
"""

from __future__ import annotations

from typing import Any

from apiflask import Schema
from apiflask.fields import Integer, List, Nested
from apiflask.validators import Length, Range

from app.agendas import access, papers
from app.agendas.numbering import papers_for
from app.agendas.overview import reader_side
from app.agendas.papers import MAX_REVISION
from app.api.agendas import (
    OPTIONAL_IF_MATCH,
    AgendaPaperOut,
    ListedPaperOut,
    agenda_write,
    with_agenda_etag,
)
from app.api.auth import current_api_user, requires
from app.api.common import IfMatchHeader, Text, api_blueprint, no_content
from app.auth.models import Role
from app.extensions import db_session

bp = api_blueprint("api_agenda_papers", __name__, "/agenda-items", "Agendas")
blueprints = (bp,)
ETAG_HEADER: dict[str, Any] = {"ETag": Text(metadata={"description": "The agenda's state"})}


class PapersOut(Schema):
    item_id = Integer(required=True)
    papers = List(Nested(ListedPaperOut), required=True)


class PaperIn(Schema):
    reference = Text(
        required=True, validate=Length(min=1, max=60), metadata={"example": "ENT 12/26"}
    )
    revision = Integer(
        load_default=0,
        validate=Range(min=0, max=MAX_REVISION),
        metadata={"description": "0 for the original, 1 for REV 1 …"},
    )
    original_language = Text(
        load_default="en",
        validate=Length(min=2, max=3),
        metadata={"description": "Two or three letters, e.g. en or fr"},
    )
    title = Text(load_default="", validate=Length(max=300))


@bp.get("/<int:item_id>/papers")
@requires(bp, Role.EDITOR)
@bp.output(PapersOut, headers=ETAG_HEADER)
def list_papers(item_id: int) -> Any:
    """The papers listed under a draft item, in order; the ETag is the agenda's."""
    session, user = db_session(), current_api_user()
    item = access.readable_item(session, user, item_id)
    listed = papers_for(item, reader_side(session, user, None))
    return with_agenda_etag({"item_id": item.id, "papers": listed}, item.meeting_id)


@bp.post("/<int:item_id>/papers")
@requires(bp, Role.EDITOR)
@bp.input(IfMatchHeader, location="headers", arg_name="headers")
@bp.input(PaperIn, location="json")
@bp.output(AgendaPaperOut, status_code=201, headers=ETAG_HEADER)
@bp.doc(responses=OPTIONAL_IF_MATCH)
def add_paper(item_id: int, json_data: dict[str, Any], headers: Any) -> Any:
    """List a paper under an item (If-Match honoured); a reference and revision already
    listed there is a 409."""
    session = db_session()
    item = access.readable_item(session, current_api_user(), item_id)
    values = dict(json_data)
    return agenda_write(
        item.meeting_id,
        lambda: papers.add_paper(
            session, current_api_user(), item.id, values.pop("reference"), **values
        ),
        status=201,
    )


@bp.delete("/<int:item_id>/papers/<int:paper_id>")
@requires(bp, Role.EDITOR)
@bp.input(IfMatchHeader, location="headers", arg_name="headers")
@bp.output({}, status_code=204)
@bp.doc(responses=OPTIONAL_IF_MATCH)
def remove_paper(item_id: int, paper_id: int, headers: Any) -> Any:
    """Take a paper off an item (If-Match honoured); the others close ranks."""
    session = db_session()
    paper = access.readable_paper(session, current_api_user(), item_id, paper_id)
    agenda_write(
        paper.item.meeting_id,
        lambda: papers.remove_paper(session, current_api_user(), paper.id),
        answer_etag=False,
    )
    return no_content()
