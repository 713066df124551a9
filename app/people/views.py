"""People and organisations: lists for everyone; additions for editors."""

from __future__ import annotations

from flask import Blueprint, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from app.auth.models import Role
from app.auth.web import current_actor, role_required
from app.extensions import db_session
from app.people import services as people
from app.web.forms import int_or_none, optional_choices, options
from app.web.nav import nav_link
from app.web.unit_of_work import form_page

bp = Blueprint("people", __name__)
nav_link(bp, "people.index", _l("People"), Role.VIEWER, order=55, active_prefix="people.")
PER_PAGE = 50
SIDES = [("uk", "United Kingdom"), ("eu", "European Union")]


class PersonForm(FlaskForm):
    honorific = StringField(_l("Title or honorific"), validators=[Length(max=60)])
    full_name = StringField(
        _l("Full name"), validators=[DataRequired(_l("Enter the name")), Length(max=200)]
    )
    position = StringField(_l("Position"), validators=[Length(max=200)])
    email = EmailField(_l("E-mail address"), validators=[Optional(), Length(max=254)])
    organisation_id = SelectField(_l("Organisation"), validators=[DataRequired(_l("Choose one"))])


class OrganisationForm(FlaskForm):
    code = StringField(
        _l("Code"),
        validators=[DataRequired(_l("Enter a code")), Length(max=32)],
        description=_l("Short and unique, e.g. FCDO or EEAS"),
    )
    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter the name")), Length(max=200)])
    side = SelectField(_l("Side"), choices=options(SIDES))
    parent_id = SelectField(_l("Part of"), description=_l("Optional"))


@bp.get("/people")
@role_required(Role.VIEWER)
def index() -> ResponseReturnValue:
    session = db_session()
    organisation_id = int_or_none(request.args.get("organisation"))
    page = people.page_of_people(
        session, organisation_id, page=int_or_none(request.args.get("page")) or 1, per_page=PER_PAGE
    )
    return render_template(
        "people/index.html",
        page=page,
        organisations=people.list_organisations(session),
        organisation_id=organisation_id,
    )


@bp.route("/people/new", methods=["GET", "POST"])
@role_required(Role.EDITOR)
def new() -> ResponseReturnValue:
    session = db_session()
    form = PersonForm()
    form.organisation_id.choices = optional_choices(
        ((o.id, f"{o.name} ({o.side.label})") for o in people.list_organisations(session)),
        _("Choose an organisation"),
    )
    return form_page(
        form,
        lambda: people.create_person(
            session,
            current_actor(),
            form.full_name.data or "",
            int(form.organisation_id.data or 0),
            honorific=form.honorific.data or "",
            position=form.position.data or "",
            email=form.email.data or None,
        ),
        success=lambda person: _("%(display_name)s added.", display_name=person.display_name),
        to=url_for("people.index"),
        render=lambda problem: render_template(
            "people/form.html", form=form, problem=problem, kind="person"
        ),
    )


@bp.get("/organisations")
@role_required(Role.VIEWER)
def organisations() -> ResponseReturnValue:
    rows = people.list_organisations(db_session())
    return render_template("people/organisations.html", organisations=rows)


@bp.route("/organisations/new", methods=["GET", "POST"])
@role_required(Role.EDITOR)
def new_organisation() -> ResponseReturnValue:
    session = db_session()
    form = OrganisationForm()
    form.parent_id.choices = optional_choices(
        ((o.id, f"{o.name} ({o.side.label})") for o in people.list_organisations(session)),
        _("Not part of another"),
    )
    return form_page(
        form,
        lambda: people.create_organisation(
            session,
            current_actor(),
            form.code.data or "",
            form.name.data or "",
            form.side.data or "",
            int_or_none(form.parent_id.data),
        ),
        success=lambda organisation: _("%(name)s added.", name=organisation.name),
        to=url_for("people.organisations"),
        render=lambda problem: render_template(
            "people/form.html", form=form, problem=problem, kind="organisation"
        ),
    )
