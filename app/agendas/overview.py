"""What the agenda page shows: the draft (for editors) or the latest circulated version,
the version history, what changed since the last circulation, and the choices for the forms."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.agendas import rules
from app.agendas.document import SIDES, AgendaDocument, build_document
from app.agendas.models import AgendaItem, AgendaVersion, FollowUpAction, VersionStage
from app.agendas.numbering import NumberedItem, visible_to
from app.agendas.outcomes import actions_of, next_round
from app.agendas.services import MAX_DEPTH, items_of, numbered
from app.agendas.versions import (
    draft_changes,
    draft_source,
    get_version,
    latest_version,
    list_versions,
    next_stage,
    version_source,
)
from app.core import clock
from app.core.errors import NotFound, PermissionDenied, ValidationError
from app.core.validation import is_digits, parse_id
from app.meetings.models import Meeting, MeetingKind, MeetingStatus
from app.meetings.services import get_meeting
from app.topics.models import TopicArea

if TYPE_CHECKING:
    from app.auth.models import User

NEXT_CONSULTATION = "next-consultation"


@dataclass(frozen=True)
class AgendaOverview:
    meeting: Meeting
    draft: list[NumberedItem[AgendaItem]]
    latest: AgendaDocument | None
    versions: Sequence[AgendaVersion]
    changes: list[str] | None  # None: never circulated
    actions: Sequence[FollowUpAction]
    next_meeting: Meeting | None
    topics: Sequence[TopicArea]
    own_side: str | None = None  # a one-side delegate's view: their items only, no changes

    @property
    def next_number(self) -> int:
        return self.versions[-1].number + 1 if self.versions else 1

    @property
    def final_circulated(self) -> bool:
        return any(v.stage is not VersionStage.PROVISIONAL for v in self.versions)

    @property
    def next_stage(self) -> tuple[VersionStage, int]:
        """What the next circulation is, unless it is made the final agenda: provisional, or
        a revision once the final agenda is out (the same rule `circulate` applies)."""
        return next_stage(sum(v.stage is not VersionStage.PROVISIONAL for v in self.versions))

    def parent_choices(self, exclude: AgendaItem | None = None) -> list[tuple[str, str]]:
        """Items that may take children: not too deep, and not `exclude` or its own subtree."""
        choices = [("", _("Top level"))]
        for line in self.draft:
            if line.depth + 1 >= MAX_DEPTH or _within(line.item, exclude):
                continue
            choices.append((str(line.item.id), f"{line.number} {line.item.title}"[:80]))
        return choices


def overview(
    session: Session, meeting_id: int, *, side: str | None = None, own_side: str | None = None
) -> AgendaOverview:
    """`side` filters the circulated version shown (a reader's edition). The draft, which only
    editors see, has every item for the secretariat; for an editor linked to one side's
    delegate (`own_side`) it has that side's items only, and no change summary, which would
    name the other side's items."""
    meeting = get_meeting(session, meeting_id)
    latest = latest_version(session, meeting.id)
    changes = draft_changes(session, meeting.id)
    return AgendaOverview(
        meeting=meeting,
        draft=numbered(meeting, items_of(session, meeting.id), own_side),
        latest=build_document(version_source(latest), latest, side=side) if latest else None,
        versions=list_versions(session, meeting.id),
        changes=changes if own_side is None or changes is None else [],
        actions=[a for a in actions_of(session, meeting.id) if visible_to(a.item, own_side)],
        next_meeting=next_round(session, meeting),
        topics=session.scalars(
            select(TopicArea).where(TopicArea.is_active.is_(True)).order_by(TopicArea.name)
        ).all(),
        own_side=own_side,
    )


def reader_side(session: Session, user: User | None, requested: str | None) -> str | None:
    """The side whose items a reader gets. A user linked to a delegate of one side only ever
    gets that side; the secretariat (no linked person) may ask for either, or for all."""
    requested = requested or None
    if requested is not None and requested not in SIDES:
        raise ValidationError(_("Side must be uk or eu"), field="side")
    own = rules.own_side(session, user)
    if own is None:
        return requested
    if requested not in (None, own):
        raise PermissionDenied(_("You may read only your own side's agenda"), field="side")
    return own


def document_for(
    session: Session,
    actor: User | None,
    meeting_id: int,
    *,
    version: int | None = None,
    draft: bool = False,
    side: str | None = None,
    language: str | None = None,
) -> AgendaDocument:
    """The document to export: the draft (editors), version N, or the latest circulated one."""
    meeting = get_meeting(session, meeting_id)
    if draft:
        rules.require_draft_reader(
            actor, _("Only editors may read the draft agenda"), field="draft"
        )
        return build_document(draft_source(session, meeting.id), None, side=side, language=language)
    chosen = (
        get_version(session, meeting.id, version)
        if version is not None
        else latest_version(session, meeting.id)
    )
    if chosen is None:
        raise NotFound(_("No agenda has been circulated for this meeting yet"), field="version")
    return build_document(version_source(chosen), chosen, side=side, language=language)


def _within(item: AgendaItem, ancestor: AgendaItem | None) -> bool:
    node: AgendaItem | None = item
    while ancestor is not None and node is not None:
        if node.id == ancestor.id:
            return True
        node = node.parent
    return False


def find_meeting(session: Session, key: str) -> Meeting:
    """A meeting by id, or `next-consultation`: the next strategic consultation not cancelled."""
    if is_digits(key):
        meeting_id = parse_id(key)
        if meeting_id is None:
            raise NotFound(_("No meeting with id %(key)s", key=key), field="meeting")
        return get_meeting(session, meeting_id)
    if key != NEXT_CONSULTATION:
        raise ValidationError(
            _("Give a meeting id or %(NEXT_CONSULTATION)s", NEXT_CONSULTATION=NEXT_CONSULTATION),
            field="meeting",
        )
    meeting = session.scalar(
        select(Meeting)
        .join(MeetingKind, Meeting.kind_id == MeetingKind.id)
        .where(
            MeetingKind.slug == "strategic-consultation",
            Meeting.start_utc >= clock.now(),
            Meeting.status != MeetingStatus.CANCELLED,
        )
        .order_by(Meeting.start_utc)
        .limit(1)
    )
    if meeting is None:
        raise NotFound(_("No strategic consultation is coming up"), field="meeting")
    return meeting
