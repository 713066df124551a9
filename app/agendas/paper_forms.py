"""Forms of a paper's page: its handling details, and an upload."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from app.agendas.forms import VISIBILITIES, as_choices
from app.meetings.models import Marking
from app.web.forms import DateField

MARKINGS = as_choices([(marking.value, marking.value) for marking in Marking])


class PaperDetailsForm(FlaskForm):
    marking = SelectField(_l("Handling marking"), choices=MARKINGS, default="OFFICIAL")
    original_language = StringField(
        _l("Language"), validators=[DataRequired(_l("Enter a language")), Length(max=3)]
    )
    visibility = SelectField(_l("Who sees it"), choices=VISIBILITIES, default="all")
    # Choices (the people) are set by the view.
    owner_id = SelectField(_l("Owner"), default="", validate_choice=True)
    due_on = DateField(_l("Due date"), validators=[Optional()])


class UploadForm(FlaskForm):
    file = FileField(_l("File"), validators=[FileRequired(_l("Choose a file to upload"))])
