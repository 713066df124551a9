"""Organisations and people: read (viewer), add (editor)."""

from __future__ import annotations

from typing import Any

from apiflask import Schema
from apiflask.fields import Integer
from apiflask.validators import Email, Length, OneOf

from app.api.auth import current_api_user, requires
from app.api.common import Id, Text, api_blueprint
from app.auth.models import Role
from app.extensions import db, db_session
from app.people import services as people
from app.people.models import Side

organisations_bp = api_blueprint("api_organisations", __name__, "/organisations", "Organisations")
people_bp = api_blueprint("api_persons", __name__, "/people", "People")
blueprints = (organisations_bp, people_bp)
SIDES = [side.value for side in Side]


class OrganisationOut(Schema):
    id = Integer(required=True)
    code = Text(required=True)
    name = Text(required=True)
    side = Text(required=True, validate=OneOf(SIDES))
    parent_id = Integer(required=True, allow_none=True)


class OrganisationIn(Schema):
    code = Text(required=True, validate=Length(min=1, max=32))
    name = Text(required=True, validate=Length(min=1, max=200))
    side = Text(required=True, validate=OneOf(SIDES))
    parent_id = Id(load_default=None, allow_none=True)


class PersonOut(Schema):
    id = Integer(required=True)
    full_name = Text(required=True)
    honorific = Text(required=True)
    display_name = Text(required=True)
    position = Text(required=True)
    email = Text(required=True, allow_none=True)
    organisation_id = Integer(required=True)
    side = Text(required=True, validate=OneOf(SIDES))


class PersonIn(Schema):
    full_name = Text(required=True, validate=Length(min=1, max=200))
    organisation_id = Id(required=True)
    honorific = Text(load_default="", validate=Length(max=60))
    position = Text(load_default="", validate=Length(max=200))
    email = Text(load_default=None, allow_none=True, validate=[Length(max=254), Email()])


class PeopleQuery(Schema):
    organisation_id = Id(load_default=None)


@organisations_bp.get("")
@requires(organisations_bp, Role.VIEWER)
@organisations_bp.output(OrganisationOut(many=True))
def list_organisations() -> Any:
    """List organisations of both sides."""
    return list(people.list_organisations(db_session()))


@organisations_bp.get("/<int:organisation_id>")
@requires(organisations_bp, Role.VIEWER)
@organisations_bp.output(OrganisationOut)
def get_organisation(organisation_id: int) -> Any:
    """One organisation."""
    return people.get_organisation(db_session(), organisation_id)


@organisations_bp.post("")
@requires(organisations_bp, Role.EDITOR)
@organisations_bp.input(OrganisationIn, location="json")
@organisations_bp.output(OrganisationOut, status_code=201)
@organisations_bp.doc(responses={409: "The code is taken"})
def create_organisation(json_data: dict[str, Any]) -> Any:
    """Add an organisation."""
    organisation = people.create_organisation(db_session(), current_api_user(), **json_data)
    db.session.commit()
    return organisation


@people_bp.get("")
@requires(people_bp, Role.VIEWER)
@people_bp.input(PeopleQuery, location="query")
@people_bp.output(PersonOut(many=True))
def list_people(query_data: dict[str, Any]) -> Any:
    """List people, optionally of one organisation."""
    return list(people.list_people(db_session(), query_data["organisation_id"]))


@people_bp.get("/<int:person_id>")
@requires(people_bp, Role.VIEWER)
@people_bp.output(PersonOut)
def get_person(person_id: int) -> Any:
    """One person."""
    return people.get_person(db_session(), person_id)


@people_bp.post("")
@requires(people_bp, Role.EDITOR)
@people_bp.input(PersonIn, location="json")
@people_bp.output(PersonOut, status_code=201)
@people_bp.doc(responses={409: "The e-mail address is taken"})
def create_person(json_data: dict[str, Any]) -> Any:
    """Add a person to an organisation."""
    values = dict(json_data)
    person = people.create_person(
        db_session(),
        current_api_user(),
        values.pop("full_name"),
        values.pop("organisation_id"),
        **values,
    )
    db.session.commit()
    return person
