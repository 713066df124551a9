"""Agenda forms. Choices that depend on the meeting (parents, topics) are set by the view."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.agendas.models import ItemVisibility, Purpose
from app.web.forms import DateField


def as_choices(pairs: Iterable[tuple[str, str]]) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


PURPOSES = as_choices([("", "Not set")] + [(p.value, f"For {p.value}") for p in Purpose])
VISIBILITIES = as_choices(
    [
        (ItemVisibility.ALL.value, "All participants"),
        (ItemVisibility.UK.value, "UK side only"),
        (ItemVisibility.EU.value, "EU side only"),
    ]
)
TOP_LEVEL = as_choices([("", "Top level")])


class ItemForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired("Enter a title"), Length(max=500)])
    title_fr = StringField(
        _l("Title in French"),
        validators=[Length(max=500)],
        description=_l("Optional: the French and bilingual editions use it."),
    )
    purpose = SelectField("Purpose", choices=PURPOSES, default="", validate_choice=False)
    lead_text = StringField("Lead", validators=[Length(max=200)])
    duration_minutes = IntegerField(
        "Duration (minutes)",
        validators=[Optional(), NumberRange(0, 1440, "Enter between 0 and 1440 minutes")],
    )
    visibility = SelectField("Who sees it", choices=VISIBILITIES, default="all")
    topic_id = SelectField(
        "Topic area", choices=as_choices([("", "None")]), default="", validate_choice=False
    )
    parent_id = SelectField("Under", choices=TOP_LEVEL, default="", validate_choice=False)
    notes = TextAreaField("Notes shown under the item", validators=[Length(max=5000)])


class MoveForm(FlaskForm):
    parent_id = SelectField("Under", choices=TOP_LEVEL, default="", validate_choice=False)
    position = IntegerField(
        "Position", validators=[DataRequired("Enter a position"), NumberRange(1, 500)]
    )


class PaperForm(FlaskForm):
    reference = StringField(
        "Reference", validators=[DataRequired("Enter the paper's reference"), Length(max=60)]
    )
    revision = IntegerField(
        "Revision", default=0, validators=[Optional(), NumberRange(0, 99, "Enter 0 to 99")]
    )
    original_language = StringField(
        "Original language",
        default="en",
        validators=[
            DataRequired("Enter the original language"),
            Length(max=3, message="Give the original language as a two-letter code such as en"),
        ],
    )
    title = StringField("Title", id="paper-title", validators=[Length(max=300)])


class OutcomeForm(FlaskForm):
    outcome = TextAreaField("Outcome", validators=[Length(max=5000)])


class ActionForm(FlaskForm):
    description = StringField(
        "Action", validators=[DataRequired("Describe the action"), Length(max=1000)]
    )
    owner = StringField("Owner", validators=[Length(max=200)])
    due_on = DateField("Due on", validators=[Optional()])


class CirculateForm(FlaskForm):
    note = StringField("Note to readers", validators=[Length(max=1000)])
    final = BooleanField("Circulate as the final agenda")
    # "yes" once the user has seen what circulating makes (it cannot be undone).
    confirmed = HiddenField(default="")
