"""Which draft items, papers and follow-up actions a reader may reach, in the UI and the API.

A reader linked to one side's delegate never gets the other side's items: not the item, not
the papers under it, not its outcome or actions. A hidden item is answered as not found, so
that its existence does not leak either. An item is hidden when it, or any item above it,
is for the other side only (as in the numbered agenda, which drops hidden items' children).
What acts on both sides' items at once (circulating, reordering, carrying actions forward,
removing an item with hidden sub-items) is for the joint secretariat, not for one side.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from app.agendas.models import AgendaItem, AgendaPaper, FollowUpAction
from app.agendas.numbering import papers_for, visible_to
from app.agendas.outcomes import actions_of, get_action
from app.agendas.overview import reader_side
from app.agendas.services import get_item
from app.core.errors import NotFound, PermissionDenied
from app.meetings.services import get_meeting

if TYPE_CHECKING:
    from app.auth.models import User


def readable_item(
    session: Session, user: User | None, item_id: int, *, meeting_id: int | None = None
) -> AgendaItem:
    """The item, if `user` may see it (and it belongs to `meeting_id` when given)."""
    item = get_item(session, item_id)
    hidden = not visible_to(item, reader_side(session, user, None))
    if hidden or (meeting_id is not None and item.meeting_id != meeting_id):
        raise NotFound(_("No agenda item with id %(item_id)s", item_id=item_id), field="item")
    return item


def readable_paper(session: Session, user: User | None, item_id: int, paper_id: int) -> AgendaPaper:
    """A paper listed under the item `item_id`, if `user` may see that item and the paper
    is for their side (a UK-only paper is not found by the EU side)."""
    item = readable_item(session, user, item_id)
    side = reader_side(session, user, None)
    paper = next((p for p in papers_for(item, side) if p.id == paper_id), None)
    if paper is None:
        raise NotFound(
            _("No paper with id %(paper_id)s under this item", paper_id=paper_id), field="paper"
        )
    return paper


def readable_action(session: Session, user: User | None, action_id: int) -> FollowUpAction:
    """The action, if `user` may see the item it was agreed under."""
    action = get_action(session, action_id)
    if not visible_to(action.item, reader_side(session, user, None)):
        raise NotFound(
            _("No follow-up action with id %(action_id)s", action_id=action_id), field="action"
        )
    return action


def readable_actions(
    session: Session, user: User | None, meeting_id: int
) -> Sequence[FollowUpAction]:
    """The meeting's follow-up actions under items `user` may see, oldest first."""
    meeting = get_meeting(session, meeting_id)
    side = reader_side(session, user, None)
    return [a for a in actions_of(session, meeting.id) if visible_to(a.item, side)]


def removable_item(
    session: Session, user: User | None, item_id: int, *, meeting_id: int | None = None
) -> AgendaItem:
    """The item, if `user` may see it and every sub-item that would go with it."""
    item = readable_item(session, user, item_id, meeting_id=meeting_id)
    side = reader_side(session, user, None)
    if side is not None and not all(visible_to(child, side) for child in _below(item)):
        raise PermissionDenied(
            _("This item has sub-items for the other side only: the secretariat removes it")
        )
    return item


def _below(item: AgendaItem) -> list[AgendaItem]:
    return [node for child in item.children for node in (child, *_below(child))]
