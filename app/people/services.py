"""Organisations and people."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from flask_babel import gettext as _
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from app.audit import services as audit
from app.core import validation
from app.core.errors import DuplicateError, NotFound, ValidationError
from app.core.paging import Page, paginate
from app.core.unique import flush_unique
from app.people.models import Organisation, Person, Side

if TYPE_CHECKING:
    from app.auth.models import User


def list_organisations(session: Session) -> Sequence[Organisation]:
    """Every organisation, by side and then name."""
    return session.scalars(
        select(Organisation).order_by(Organisation.side, Organisation.name)
    ).all()


def get_organisation(session: Session, organisation_id: int) -> Organisation:
    """The organisation with this id, or NotFound."""
    organisation = session.get(Organisation, organisation_id)
    if organisation is None:
        raise NotFound(
            _("No organisation with id %(organisation_id)s", organisation_id=organisation_id),
            field="organisation",
        )
    return organisation


def get_organisation_by_code(session: Session, code: str) -> Organisation:
    """The organisation with this code (matched in upper case), or NotFound."""
    organisation = session.scalar(select(Organisation).where(Organisation.code == code.upper()))
    if organisation is None:
        raise NotFound(
            _("No organisation with code %(code)s", code=repr(code)), field="organisation"
        )
    return organisation


def create_organisation(
    session: Session,
    actor: User | None,
    code: str,
    name: str,
    side: Side | str,
    parent_id: int | None = None,
) -> Organisation:
    """Add an organisation with an upper-case code of letters, digits, - and _;
    DuplicateError if the code is taken, NotFound for an unknown parent."""
    code = validation.text(code, "code", max_length=32).upper()
    if not code.replace("-", "").replace("_", "").isalnum():
        raise ValidationError(_("Code may hold letters, digits, - and _ only"), field="code")
    if session.scalar(select(Organisation.id).where(Organisation.code == code)):
        raise _code_taken(code)
    if parent_id is not None:
        get_organisation(session, parent_id)
    organisation = Organisation(
        code=code,
        name=validation.text(name, "name", max_length=200),
        side=validation.choice(Side, side, "side"),
        parent_id=parent_id,
    )
    session.add(organisation)
    flush_unique(session, {"uq_organisations_code": _code_taken(code)})
    audit.record(
        session,
        actor,
        "organisation.created",
        "organisation",
        organisation.id,
        f"Organisation {organisation.name} added",
        {"code": code, "name": organisation.name, "side": organisation.side},
    )
    return organisation


def list_people(session: Session, organisation_id: int | None = None) -> Sequence[Person]:
    """Everyone, or everyone in one organisation, by name."""
    return session.scalars(_people_query(organisation_id)).all()


def page_of_people(
    session: Session, organisation_id: int | None = None, *, page: int = 1, per_page: int = 50
) -> Page[Person]:
    """One page of `list_people`."""
    return paginate(session, _people_query(organisation_id), page, per_page)


def _people_query(organisation_id: int | None) -> Select[Person]:
    query = select(Person).order_by(Person.full_name, Person.id)
    if organisation_id is not None:
        query = query.where(Person.organisation_id == organisation_id)
    return query


def get_person(session: Session, person_id: int) -> Person:
    """The person with this id, or NotFound."""
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound(_("No person with id %(person_id)s", person_id=person_id), field="person")
    return person


def create_person(
    session: Session,
    actor: User | None,
    full_name: str,
    organisation_id: int,
    *,
    honorific: str = "",
    position: str = "",
    email: str | None = None,
) -> Person:
    """Add a person to an existing organisation (NotFound otherwise); DuplicateError if
    someone already has the e-mail address."""
    get_organisation(session, organisation_id)
    address = validation.email(email) if email else None
    if address and session.scalar(select(Person.id).where(Person.email == address)):
        raise _address_taken(address)
    person = Person(
        full_name=validation.text(full_name, "full_name", max_length=200),
        honorific=validation.text(honorific, "honorific", max_length=60, required=False),
        position=validation.text(position, "position", max_length=200, required=False),
        email=address,
        organisation_id=organisation_id,
    )
    session.add(person)
    flush_unique(session, {"uq_people_email": _address_taken(address or "")})
    audit.record(
        session,
        actor,
        "person.created",
        "person",
        person.id,
        f"{person.display_name} added",
        {
            "full_name": person.full_name,
            "organisation_id": organisation_id,
            "position": person.position,
        },
    )
    return person


def _code_taken(code: str) -> DuplicateError:
    return DuplicateError(
        _("An organisation with code %(code)s already exists", code=repr(code)), field="code"
    )


def _address_taken(address: str) -> DuplicateError:
    return DuplicateError(
        _("Someone already has the address %(address)s", address=address), field="email"
    )
