"""Agenda forms. Choices that depend on the meeting (parents, topics) are set by the view."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.agendas.models import ItemVisibility, Purpose
from app.packs.messages import PACK_LINK_HINT, PACK_LINK_LABEL
from app.web.forms import DateField


def as_choices(pairs: Iterable[tuple[str, str]]) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


PURPOSES = as_choices(
    [
        ("", _l("Not set")),
        (Purpose.DECISION.value, _l("For decision")),
        (Purpose.DISCUSSION.value, _l("For discussion")),
        (Purpose.INFORMATION.value, _l("For information")),
    ]
)
VISIBILITIES = as_choices(
    [
        (ItemVisibility.ALL.value, _l("All participants")),
        (ItemVisibility.UK.value, _l("UK side only")),
        (ItemVisibility.EU.value, _l("EU side only")),
    ]
)
TOP_LEVEL = as_choices([("", _l("Top level"))])


class ItemForm(FlaskForm):
    title = StringField(
        _l("Title"), validators=[DataRequired(_l("Enter a title")), Length(max=500)]
    )
    title_fr = StringField(
        _l("Title in French"),
        validators=[Length(max=500)],
        description=_l("Optional: the French and bilingual editions use it."),
    )
    purpose = SelectField(_l("Purpose"), choices=PURPOSES, default="", validate_choice=False)
    lead_text = StringField(_l("Lead"), validators=[Length(max=200)])
    duration_minutes = IntegerField(
        _l("Duration (minutes)"),
        validators=[Optional(), NumberRange(0, 1440, _l("Enter between 0 and 1440 minutes"))],
    )
    visibility = SelectField(_l("Who sees it"), choices=VISIBILITIES, default="all")
    topic_id = SelectField(
        _l("Topic area"), choices=as_choices([("", _l("None"))]), default="", validate_choice=False
    )
    parent_id = SelectField(_l("Under"), choices=TOP_LEVEL, default="", validate_choice=False)
    notes = TextAreaField(_l("Notes shown under the item"), validators=[Length(max=5000)])


class MoveForm(FlaskForm):
    parent_id = SelectField(_l("Under"), choices=TOP_LEVEL, default="", validate_choice=False)
    position = IntegerField(
        _l("Position"), validators=[DataRequired(_l("Enter a position")), NumberRange(1, 500)]
    )


class PaperForm(FlaskForm):
    reference = StringField(
        _l("Reference"),
        validators=[DataRequired(_l("Enter the paper's reference")), Length(max=60)],
    )
    revision = IntegerField(
        _l("Revision"), default=0, validators=[Optional(), NumberRange(0, 99, _l("Enter 0 to 99"))]
    )
    original_language = StringField(
        _l("Original language"),
        default="en",
        validators=[
            DataRequired(_l("Enter the original language")),
            Length(max=3, message=_l("Give the original language as a two-letter code such as en")),
        ],
    )
    title = StringField(_l("Title"), id="paper-title", validators=[Length(max=300)])


class OutcomeForm(FlaskForm):
    outcome = TextAreaField(_l("Outcome"), validators=[Length(max=5000)])


class ActionForm(FlaskForm):
    description = StringField(
        _l("Action"), validators=[DataRequired(_l("Describe the action")), Length(max=1000)]
    )
    owner = StringField(_l("Owner"), validators=[Length(max=200)])
    due_on = DateField(_l("Due on"), validators=[Optional()])


class CirculateForm(FlaskForm):
    note = StringField(_l("Note to readers"), validators=[Length(max=1000)])
    final = BooleanField(_l("Circulate as the final agenda"))
    pack_link = BooleanField(PACK_LINK_LABEL, description=PACK_LINK_HINT)
    # "yes" once the user has seen what circulating makes (it cannot be undone).
    confirmed = HiddenField(default="")
