"""Administrators: link accounts to people, reset a user's second factors, and choose which
roles must use a second factor."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, SelectMultipleField, widgets

from app.auth import factors, linking, sessions
from app.auth import services as auth
from app.auth.models import Role, User
from app.auth.web import current_actor, role_required
from app.extensions import db_session
from app.people import services as people
from app.settings import current_settings
from app.web.forms import int_or_none
from app.web.unit_of_work import form_page, run_change

bp = Blueprint("identity", __name__)
ROLE_LABELS = {"viewer": _l("Viewers"), "editor": _l("Editors"), "admin": _l("Administrators")}


class LinkForm(FlaskForm):
    person_id = SelectField(_l("Person"))


class RolesField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class PolicyForm(FlaskForm):
    password = RolesField(_l("Require a second factor when signing in with a password"))
    oidc = RolesField(_l("Require a second factor when signing in through the identity provider"))


def link_form(target: User, *, posted: bool = False) -> LinkForm:
    """The "this account is ..." form: the linked person and everyone without an account."""
    current = str(target.person_id or "")
    form = LinkForm() if posted else LinkForm(formdata=None, person_id=current)
    database = db_session()
    choices = [("", _("Not linked to a person"))]
    if target.person_id is not None:
        person = people.get_person(database, target.person_id)
        choices.append((str(person.id), _person_label(person)))
    choices += [(str(p.id), _person_label(p)) for p in linking.people_without_account(database)]
    form.person_id.choices = choices
    return form


def _person_label(person: object) -> str:
    return f"{person.display_name} ({person.organisation.name})"  # type: ignore[attr-defined]


@bp.post("/admin/users/<int:user_id>/person")
@role_required(Role.ADMIN)
def link(user_id: int) -> ResponseReturnValue:
    """Link the account to a person, or unlink it; their sessions end."""
    target = auth.get_user(db_session(), user_id)
    form = link_form(target, posted=True)
    back = url_for("admin.user", user_id=user_id)
    if not form.validate_on_submit():
        flash(_("Choose a person from the list"), "error")
        return redirect(back)
    return run_change(
        lambda: linking.link_person(
            db_session(), current_actor(), user_id, int_or_none(form.person_id.data)
        ),
        success=_linked_message,
        to=back,
        flash_to=back,
    ).response or redirect(back)


def _linked_message(user: User) -> str:
    if user.person is None:
        return _(
            "%(email)s is no longer linked to a person; their sessions have ended.",
            email=user.email,
        )
    return _(
        "%(email)s is now %(name)s; their sessions have ended.",
        email=user.email,
        name=user.person.display_name,
    )


@bp.post("/people/<int:person_id>/account")
@role_required(Role.ADMIN)
def create_account(person_id: int) -> ResponseReturnValue:
    """Create a viewer account from the person's e-mail address, linked to them."""
    to = url_for("identity.person", person_id=person_id)
    return run_change(
        lambda: linking.create_linked_account(db_session(), current_actor(), person_id),
        success=lambda user: _("%(email)s can now sign in as this person.", email=user.email),
        to=to,
        flash_to=to,
    ).response or redirect(to)


class AccountForm(FlaskForm):
    user_id = SelectField(_l("Account"))


def account_form(*, posted: bool = False) -> AccountForm:
    """The person page's "link an existing account" form: accounts linked to nobody."""
    form = AccountForm() if posted else AccountForm(formdata=None)
    form.user_id.choices = [
        (str(user.id), user.email) for user in linking.accounts_without_person(db_session())
    ]
    return form


@bp.post("/people/<int:person_id>/account/link")
@role_required(Role.ADMIN)
def link_account(person_id: int) -> ResponseReturnValue:
    """Link an existing account (one linked to nobody) to this person."""
    to = url_for("identity.person", person_id=person_id)
    form = account_form(posted=True)
    if not form.validate_on_submit():
        flash(_("Choose an account from the list"), "error")
        return redirect(to)
    return run_change(
        lambda: linking.link_person(
            db_session(), current_actor(), int(form.user_id.data or 0), person_id
        ),
        success=_linked_message,
        to=to,
        flash_to=to,
    ).response or redirect(to)


@bp.get("/people/<int:person_id>")
@role_required(Role.VIEWER)
def person(person_id: int) -> ResponseReturnValue:
    database = db_session()
    found = people.get_person(database, person_id)
    return render_template(
        "people/person.html",
        person=found,
        account=linking.account_of(database, person_id),
        account_form=account_form(),
    )


@bp.post("/admin/users/<int:user_id>/factors/reset")
@role_required(Role.ADMIN)
def reset_factors(user_id: int) -> ResponseReturnValue:
    target = auth.get_user(db_session(), user_id)
    return run_change(
        lambda: factors.reset_factors(db_session(), current_actor(), target),
        success=_(
            "The second factors of %(email)s are removed; they set one up at their next sign-in.",
            email=target.email,
        ),
        to=url_for("admin.user", user_id=user_id),
    ).next_page


@bp.post("/admin/users/<int:user_id>/sessions/end")
@role_required(Role.ADMIN)
def end_sessions(user_id: int) -> ResponseReturnValue:
    """Sign the user out of every browser (their API tokens keep working)."""
    target = auth.get_user(db_session(), user_id)
    return run_change(
        lambda: sessions.end_all_by_admin(db_session(), current_actor(), target),
        success=_("Every session of %(email)s has ended.", email=target.email),
        to=url_for("admin.user", user_id=user_id),
    ).next_page


@bp.route("/admin/security", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def security() -> ResponseReturnValue:
    """Which roles must use a second factor, per sign-in method."""
    database = db_session()
    settings = current_settings()
    current = {
        "password": factors.required_roles(database, "password", settings.second_factor_roles),
        "oidc": factors.required_roles(database, "oidc", settings.second_factor_roles_oidc),
    }
    form = PolicyForm(
        password=[role.value for role in current["password"]],
        oidc=[role.value for role in current["oidc"]],
    )
    choices = [(role.value, str(ROLE_LABELS[role.value])) for role in Role]
    form.password.choices = form.oidc.choices = choices

    def save() -> None:
        me = current_actor()
        assert me is not None
        factors.set_required_roles(database, me, "password", form.password.data or [])
        factors.set_required_roles(database, me, "oidc", form.oidc.data or [])

    return form_page(
        form,
        save,
        success=_("Sign-in security saved."),
        to=url_for("identity.security"),
        render=lambda problem: render_template("admin/security.html", form=form, problem=problem),
    )
