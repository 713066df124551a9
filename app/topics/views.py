"""Topic areas: list for everyone; add, rename and retire for editors."""

from __future__ import annotations

from flask import Blueprint, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from app.auth.models import Role
from app.auth.web import current_actor, role_required
from app.extensions import db_session
from app.topics import services as topics
from app.web.nav import nav_link
from app.web.unit_of_work import form_page

bp = Blueprint("topics", __name__, url_prefix="/topics")
bp.add_app_template_filter(topics.topic_name, "topic_name")
nav_link(bp, "topics.index", _l("Topics"), Role.VIEWER, order=50, active_prefix="topics.")
FRENCH_NAME_HINT = _l("Optional: French pages and documents use it; else the name above.")


class TopicForm(FlaskForm):
    slug = StringField(
        _l("Short name"),
        validators=[DataRequired(_l("Enter a short name")), Length(max=64)],
        description=(
            _l("Lower-case letters, digits and hyphens, e.g. western-balkans. Used in feed links.")
        ),
    )
    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter a name")), Length(max=120)])
    name_fr = StringField(
        _l("Name in French"), validators=[Length(max=120)], description=FRENCH_NAME_HINT
    )
    description = TextAreaField(_l("Description"), validators=[Length(max=2000)])


class TopicEditForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter a name")), Length(max=120)])
    name_fr = StringField(
        _l("Name in French"), validators=[Length(max=120)], description=FRENCH_NAME_HINT
    )
    description = TextAreaField(_l("Description"), validators=[Length(max=2000)])
    is_active = BooleanField(_l("In use (retired topics are hidden from forms)"))


@bp.get("")
@role_required(Role.VIEWER)
def index() -> ResponseReturnValue:
    rows = topics.list_topics(db_session(), include_inactive=True)
    return render_template("topics/index.html", topics=rows)


@bp.route("/new", methods=["GET", "POST"])
@role_required(Role.EDITOR)
def new() -> ResponseReturnValue:
    form = TopicForm()
    return form_page(
        form,
        lambda: topics.create_topic(
            db_session(),
            current_actor(),
            form.slug.data or "",
            form.name.data or "",
            form.description.data or "",
            name_fr=form.name_fr.data,
        ),
        success=lambda topic: _("Topic area %(name)s added.", name=topic.name),
        to=url_for("topics.index"),
        render=lambda problem: render_template(
            "topics/edit.html", topic=None, form=form, problem=problem
        ),
    )


@bp.route("/<int:topic_id>/edit", methods=["GET", "POST"])
@role_required(Role.EDITOR)
def edit(topic_id: int) -> ResponseReturnValue:
    topic = topics.get_topic(db_session(), topic_id)
    form = TopicEditForm(obj=topic)
    return form_page(
        form,
        lambda: topics.update_topic(
            db_session(),
            current_actor(),
            topic_id,
            name=form.name.data or "",
            description=form.description.data or "",
            is_active=bool(form.is_active.data),
            name_fr=form.name_fr.data,
        ),
        success=_("Topic area saved."),
        to=url_for("topics.index"),
        render=lambda problem: render_template(
            "topics/edit.html", topic=topic, form=form, problem=problem
        ),
    )
