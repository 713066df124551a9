"""Papers tabled under an agenda item (reference, revision, original language)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.agendas.models import AgendaPaper, ItemVisibility
from app.agendas.services import editable_meeting, get_item
from app.audit import services as audit
from app.core import validation
from app.core.db import as_plain
from app.core.errors import DuplicateError, NotFound, ValidationError
from app.core.unique import flush_unique
from app.meetings.models import Marking
from app.people.models import Person

if TYPE_CHECKING:
    from app.auth.models import User

LANGUAGE_RE = re.compile(r"^[a-z]{2,3}$")
MAX_REVISION = 99


def add_paper(
    session: Session,
    actor: User | None,
    item_id: int,
    reference: str,
    *,
    revision: int = 0,
    original_language: str = "en",
    title: str = "",
) -> AgendaPaper:
    item = get_item(session, item_id)
    editable_meeting(session, item.meeting_id)
    reference = " ".join(validation.text(reference, "reference", max_length=60).split())
    if not 0 <= revision <= MAX_REVISION:
        raise ValidationError(
            _("Revision must be between 0 and %(MAX_REVISION)s", MAX_REVISION=MAX_REVISION),
            field="revision",
        )
    language = (original_language or "").strip().lower()
    if not LANGUAGE_RE.match(language):
        raise ValidationError(
            _("Give the original language as a two-letter code such as en or fr"),
            field="original_language",
        )
    if any(p.reference == reference and p.revision == revision for p in item.papers):
        raise _paper_listed()
    paper = AgendaPaper(
        item_id=item.id,
        position=len(item.papers) + 1,
        reference=reference,
        revision=revision,
        original_language=language,
        title=validation.text(title, "title", max_length=300, required=False),
    )
    item.papers.append(paper)
    flush_unique(session, {"uq_agenda_papers_item_id_reference_revision": _paper_listed()})
    audit.record(
        session,
        actor,
        "agenda_paper.added",
        "meeting",
        item.meeting_id,
        f"Paper {paper.citation} listed under “{item.title}”",
        {"item_id": item.id, "paper": paper.citation},
    )
    return paper


def remove_paper(session: Session, actor: User | None, paper_id: int) -> None:
    paper = session.scalar(select(AgendaPaper).where(AgendaPaper.id == paper_id))
    if paper is None:
        raise NotFound(_("No paper with id %(paper_id)s", paper_id=paper_id), field="paper")
    item = paper.item
    editable_meeting(session, item.meeting_id)
    audit.record(
        session,
        actor,
        "agenda_paper.removed",
        "meeting",
        item.meeting_id,
        f"Paper {paper.citation} removed from “{item.title}”",
        {"item_id": item.id, "paper": paper.citation},
    )
    item.papers.remove(paper)
    session.flush()
    for index, remaining in enumerate(item.papers, start=1):
        remaining.position = index
    session.flush()


def item_of_paper(session: Session, meeting_id: int, paper_id: int) -> int:
    """The id of the item a paper is listed under, checking it belongs to `meeting_id`."""
    paper = session.get(AgendaPaper, paper_id)
    if paper is None or paper.item.meeting_id != meeting_id:
        raise NotFound(
            _("No paper with id %(paper_id)s in this meeting", paper_id=paper_id), field="paper"
        )
    return paper.item_id


def _paper_listed() -> DuplicateError:
    return DuplicateError(_("This paper is already listed under the item"), field="reference")


@dataclass(frozen=True)
class PaperDetails:
    """A paper's own handling: marking, language, sides, owner, due date (None: default)."""

    marking: str
    original_language: str
    visibility: str
    owner_id: int | None
    due_on: date | None


def update_paper_details(
    session: Session, actor: User | None, paper_id: int, details: PaperDetails
) -> AgendaPaper:
    """Save a paper's marking, language, visibility, owner and due date."""
    paper = session.get(AgendaPaper, paper_id)
    if paper is None:
        raise NotFound(f"No paper with id {paper_id}", field="paper")
    editable_meeting(session, paper.item.meeting_id)
    language = (details.original_language or "").strip().lower()
    if not LANGUAGE_RE.match(language):
        raise ValidationError(
            "Give the original language as a two-letter code such as en or fr",
            field="original_language",
        )
    if details.owner_id is not None and session.get(Person, details.owner_id) is None:
        raise ValidationError("Choose an owner from the list", field="owner_id")
    values = {
        "marking": validation.choice(Marking, details.marking, "marking"),
        "original_language": language,
        "visibility": validation.choice(ItemVisibility, details.visibility, "visibility"),
        "owner_id": details.owner_id,
        "due_on": details.due_on,
    }
    before = {name: as_plain(getattr(paper, name)) for name in values}
    for name, value in values.items():
        setattr(paper, name, value)
    session.flush()
    changes = {
        name: [before[name], as_plain(getattr(paper, name))]
        for name in values
        if before[name] != as_plain(getattr(paper, name))
    }
    if changes:
        audit.record(
            session,
            actor,
            "agenda_paper.updated",
            "meeting",
            paper.item.meeting_id,
            f"Paper {paper.citation} updated",
            {"paper_id": paper.id, **changes},
        )
    return paper
