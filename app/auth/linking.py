"""Accounts linked to the people they belong to.

The link decides what a user reads (app.meetings.access: a restricted meeting's delegates)
and which side of an agenda they see, so changing it ends the user's sessions, and the feed
listener (app.feeds.invalidation) re-issues the meetings whose access it switches.
"""

from __future__ import annotations

from collections.abc import Sequence

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit import services as audit
from app.auth import sessions
from app.auth.models import Role, User
from app.auth.services import create_user, get_user
from app.core.errors import DuplicateError, ValidationError
from app.core.unique import flush_unique
from app.people.models import Person
from app.people.services import get_person


def link_person(session: Session, actor: User | None, user_id: int, person_id: int | None) -> User:
    """Link the account to a person (None: unlink). DuplicateError if another account is
    already that person's."""
    user = get_user(session, user_id)
    person = get_person(session, person_id) if person_id is not None else None
    if user.person_id == person_id:
        return user
    if person is not None:
        owner = account_of(session, person.id)
        if owner is not None and owner.id != user.id:
            raise _linked_elsewhere(person, owner)
    before = user.person_id
    user.person_id = person_id
    sessions.end_all(session, user)
    flush_unique(session, {"uq_users_person_id": _linked_elsewhere(person, None)})
    session.expire(user, ["person"])
    if person is None:
        summary, action = f"{user.email} is no longer linked to a person", "user.unlinked"
    else:
        summary, action = f"{user.email} is {person.display_name}", "user.linked"
    audit.record(
        session, actor, action, "user", user.id, summary, {"person_id": [before, person_id]}
    )
    return user


def account_of(session: Session, person_id: int) -> User | None:
    """The account linked to this person, if any."""
    return session.scalar(select(User).where(User.person_id == person_id))


def people_without_account(session: Session) -> Sequence[Person]:
    """People no account is linked to, by name."""
    linked = select(User.person_id).where(User.person_id.is_not(None))
    return session.scalars(
        select(Person).where(Person.id.not_in(linked)).order_by(Person.full_name, Person.id)
    ).all()


def accounts_without_person(session: Session) -> Sequence[User]:
    """Active accounts linked to no person, by e-mail address."""
    return session.scalars(
        select(User).where(User.person_id.is_(None), User.is_active.is_(True)).order_by(User.email)
    ).all()


def create_linked_account(
    session: Session, actor: User | None, person_id: int, role: Role | str = Role.VIEWER
) -> User:
    """An account for a person, from their e-mail address, linked to them (no password: they
    sign in through the provider, or an admin sets one)."""
    person = get_person(session, person_id)
    if not person.email:
        raise ValidationError(
            _("%(name)s has no e-mail address to make an account from", name=person.display_name),
            field="email",
        )
    user = create_user(session, actor, person.email, role, name=person.full_name)
    return link_person(session, actor, user.id, person.id)


def _linked_elsewhere(person: Person | None, owner: User | None) -> DuplicateError:
    name = person.display_name if person is not None else ""
    if owner is None:
        return DuplicateError(_("%(name)s already has an account", name=name), field="person_id")
    return DuplicateError(
        _("%(name)s already has an account: %(email)s", name=name, email=owner.email),
        field="person_id",
    )
