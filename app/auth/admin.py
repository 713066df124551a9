"""User administration (admins only), and each user's own account settings."""

from __future__ import annotations

from flask import Blueprint, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import refresh
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from app.auth import linking
from app.auth import services as auth
from app.auth.account_views import account_context
from app.auth.identity_admin import link_form
from app.auth.models import Role
from app.auth.web import current_actor, role_required
from app.core.languages import LANGUAGES
from app.extensions import db_session
from app.web.forms import options, zone_choices
from app.web.labels import language_name
from app.web.nav import nav_link
from app.web.unit_of_work import form_page, run_change

bp = Blueprint("admin", __name__)
nav_link(bp, "admin.users", _l("Users"), Role.ADMIN, order=90, active_prefix="admin.")
ROLES = [
    ("viewer", _l("Viewer: reads public and internal meetings; restricted ones need to know")),
    ("editor", _l("Editor: changes meetings, invitations, agendas")),
    ("admin", _l("Administrator: also manages users")),
]


class NewUserForm(FlaskForm):
    email = EmailField(
        _l("E-mail address"), validators=[DataRequired(_l("Enter an address")), Length(max=254)]
    )
    name = StringField(_l("Name"), validators=[Length(max=200)])
    role = SelectField(_l("Role"), choices=options(ROLES))
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(_l("Enter a password")), Length(max=1000)],
        description=_l(
            "At least %(MIN_PASSWORD_LENGTH)s characters; give it to them in person",
            MIN_PASSWORD_LENGTH=auth.MIN_PASSWORD_LENGTH,
        ),
    )


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=options(ROLES))


class PasswordForm(FlaskForm):
    password = PasswordField(
        _l("New password"),
        validators=[DataRequired(_l("Enter a password")), Length(max=1000)],
        description=(
            _l(
                "At least %(MIN_PASSWORD_LENGTH)s characters. Their other "
                "sessions end and their API tokens stop working.",
                MIN_PASSWORD_LENGTH=auth.MIN_PASSWORD_LENGTH,
            )
        ),
    )


class AccountForm(FlaskForm):
    timezone = SelectField(_l("Your time zone"), validators=[Optional()])
    language = SelectField(_l("Language"), validators=[Optional()])


@bp.get("/admin/users")
@role_required(Role.ADMIN)
def users() -> ResponseReturnValue:
    session = db_session()
    return render_template(
        "admin/users.html",
        users=auth.list_users(session),
        unlinked_people=linking.people_without_account(session),
    )


@bp.route("/admin/users/new", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def new_user() -> ResponseReturnValue:
    form = NewUserForm()
    return form_page(
        form,
        lambda: auth.create_user(
            db_session(),
            current_actor(),
            form.email.data or "",
            form.role.data or "viewer",
            password=form.password.data or "",
            name=form.name.data or "",
        ),
        success=lambda user: _("%(email)s can now sign in.", email=user.email),
        to=url_for("admin.users"),
        render=lambda problem: render_template("admin/new_user.html", form=form, problem=problem),
    )


@bp.route("/admin/users/<int:user_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def user(user_id: int) -> ResponseReturnValue:
    """Change a user's role (the page also offers disable/enable and a new password)."""
    session = db_session()
    target = auth.get_user(session, user_id)
    role_form = RoleForm(role=target.role.value)
    password_form = PasswordForm(prefix="pw")
    problem, status = "", 200
    if role_form.validate_on_submit():
        change = run_change(
            lambda: auth.set_role(session, current_actor(), user_id, role_form.role.data or ""),
            success=lambda _user: _(
                "%(email)s is now %(value)s.", email=target.email, value=target.role.value
            ),
            to=url_for("admin.user", user_id=user_id),
            form=role_form,
        )
        if change.response:
            return change.response
        problem, status = change.problem, change.status
    return render_template(
        "admin/user.html",
        link_form=link_form(target),
        target=target,
        role_form=role_form,
        password_form=password_form,
        problem=problem,
    ), status


@bp.post("/admin/users/<int:user_id>/password")
@role_required(Role.ADMIN)
def set_password(user_id: int) -> ResponseReturnValue:
    session = db_session()
    target = auth.get_user(session, user_id)
    form = PasswordForm(prefix="pw")
    problem = ""
    if form.validate_on_submit():
        change = run_change(
            lambda: auth.set_password(session, current_actor(), user_id, form.password.data or ""),
            success=(
                _(
                    "New password set for %(email)s; their other sessions and API tokens "
                    "have ended.",
                    email=target.email,
                )
            ),
            to=url_for("admin.user", user_id=user_id),
            form=form,
        )
        if change.response:
            return change.response
        problem = change.problem
    return render_template(
        "admin/user.html",
        link_form=link_form(target),
        target=target,
        role_form=RoleForm(formdata=None, role=target.role.value),
        password_form=form,
        problem=problem,
    ), 422


@bp.post("/admin/users/<int:user_id>/active")
@role_required(Role.ADMIN)
def set_active(user_id: int) -> ResponseReturnValue:
    """Disable (ends every session at once) or enable a user."""
    target = auth.get_user(db_session(), user_id)
    enable = not target.is_active
    role_form = RoleForm(formdata=None, role=target.role.value)
    change = run_change(
        lambda: auth.set_active(db_session(), current_actor(), user_id, enable),
        success=(
            _("%(email)s is enabled.", email=target.email)
            if enable
            else _(
                "%(email)s is disabled; their sessions have ended and API tokens are revoked.",
                email=target.email,
            )
        ),
        to=url_for("admin.user", user_id=user_id),
        form=role_form,
    )
    return change.response or (
        render_template(
            "admin/user.html",
            link_form=link_form(target),
            target=target,
            role_form=role_form,
            password_form=PasswordForm(formdata=None, prefix="pw"),
            problem=change.error.message if change.error else "",
        ),
        change.status,
    )


def _settings_saved(_user: object) -> str:
    """Said in the language just chosen (the request had picked its language before)."""
    refresh()
    return _("Your settings are saved.")


@bp.route("/account", methods=["GET", "POST"])
@role_required(Role.VIEWER)
def account() -> ResponseReturnValue:
    """The signed-in user's own settings: the zone times are shown in alongside each meeting's."""
    me = current_actor()
    assert me is not None
    form = AccountForm(timezone=me.timezone or "", language=me.language or "")
    form.timezone.choices = [*options([("", _("Service default"))]), *zone_choices(me.timezone)]
    form.language.choices = options(
        [("", _("Your browser's language")), *((code, language_name(code)) for code in LANGUAGES)]
    )
    return form_page(
        form,
        lambda: auth.set_preferences(
            db_session(),
            me,
            me.id,
            zone_name=form.timezone.data or None,
            language=form.language.data or None,
        ),
        success=_settings_saved,
        to=url_for("admin.account"),
        render=lambda problem: render_template(
            "admin/account.html", form=form, problem=problem, **account_context(me)
        ),
    )
