"""Who may act on an agenda: the rules every entry point meets, checked by the services.

The pages, the API and the CLI call the same services, so a rule stated here holds for all of
them (a page may still hide a button it knows will be refused). Two rules live here:
- the draft agenda is for editors: readers get circulated versions only;
- what acts on both sides' items at once (circulating, reordering, carrying actions forward,
  comparing versions) is for the joint secretariat, not for one side's delegates.
A caller with no user (the CLI, scheduled jobs) acts for the secretariat.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from app.auth.models import Role
from app.core.errors import PermissionDenied
from app.people.models import Person

if TYPE_CHECKING:
    from app.auth.models import User


def own_side(session: Session, user: User | None) -> str | None:
    """The only side `user` may read ("uk" or "eu"): that of the delegate they are linked to;
    None for the joint secretariat (no linked person) and for the CLI."""
    person = session.get(Person, user.person_id) if user and user.person_id else None
    return person.side.value if person is not None else None


def require_both_sides(session: Session, user: User | None, what: str) -> None:
    """Refuse an operation that acts on both sides' items to a reader of one side."""
    if own_side(session, user) is not None:
        raise PermissionDenied(
            _("%(what)s acts on both sides' items: not for one side's delegates", what=what)
        )


def require_draft_reader(user: User | None, message: str, *, field: str | None = None) -> None:
    """Refuse the draft agenda to anyone below editor."""
    if user is not None and not user.has_role(Role.EDITOR):
        raise PermissionDenied(message, field=field)
