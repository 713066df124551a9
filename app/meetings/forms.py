"""Meeting forms: create/edit, move, cancel, delegation, list filters."""

from __future__ import annotations

from datetime import date, datetime, time

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from app.core.errors import ValidationError
from app.meetings.models import Access, Attendance, DelegateRole, Marking, MeetingStatus
from app.web.forms import CheckboxesField, DateField, options

STATUS_CHOICES = [(s.value, s.value.capitalize()) for s in MeetingStatus]
MARKING_CHOICES = [(m.value, m.value) for m in Marking]
ACCESS_CHOICES = [
    (Access.INTERNAL.value, "Internal: any signed-in user"),
    (Access.PUBLIC.value, "Public"),
    (Access.RESTRICTED.value, "Restricted: details withheld in shared calendars"),
]


def when_fields() -> tuple[DateField, TimeField, DateField, TimeField]:
    """Start and end fields, created where a form declares them so they keep its order."""
    return (
        DateField("Start date", validators=[InputRequired("Enter the start date")]),
        TimeField("Start time", validators=[InputRequired("Enter the start time")]),
        DateField("End date, if another day", validators=[Optional()]),
        TimeField("End time", validators=[InputRequired("Enter the end time")]),
    )


class WhenMixin:
    """Wall-clock start and end from the date and time fields (the end date may be left out)."""

    start_date: DateField
    start_time: TimeField
    end_date: DateField
    end_time: TimeField

    def start(self) -> datetime:
        return datetime.combine(self._start_day(), self.start_time.data)

    def end(self) -> datetime:
        end_day: date = self.end_date.data or self._start_day()
        end_at: time = self.end_time.data
        return datetime.combine(end_day, end_at)

    def _start_day(self) -> date:
        if self.start_date.data is None:  # only read after validation; never a 500 regardless
            raise ValidationError("Enter the start date", field="start_date")
        return self.start_date.data


class MeetingForm(WhenMixin, FlaskForm):
    title = StringField("Title", validators=[DataRequired("Enter a title"), Length(max=300)])
    title_fr = StringField(
        _l("Title in French"),
        validators=[Length(max=300)],
        description=_l("Optional: French pages and documents use it; else the title above."),
    )
    kind = SelectField(
        "Kind of meeting", coerce=str, validators=[DataRequired("Choose the kind of meeting")]
    )
    start_date, start_time, end_date, end_time = when_fields()
    timezone = SelectField("Time zone", description="Times are entered in this zone")
    venue = StringField("Venue", validators=[Length(max=300)])
    host_city = StringField("Host city", validators=[Length(max=120)])
    status = SelectField(
        "Status", choices=options(c for c in STATUS_CHOICES if c[0] != "cancelled")
    )
    marking = SelectField(
        "Handling marking", choices=options(MARKING_CHOICES), default=Marking.OFFICIAL.value
    )
    access = SelectField("Who may see the details", choices=options(ACCESS_CHOICES))
    topics = CheckboxesField("Topic areas")
    series = SelectField("Series", description="For rounds of one format, e.g. consultations")
    planned_half = StringField(
        "Planned half-year",
        validators=[Length(max=7)],
        description="For consultations, e.g. 2026-H1; moving it out of that half is flagged",
    )
    chair_id = SelectField("Chair")
    host_organisation_id = SelectField("Host organisation")
    language = SelectField("Language", choices=options([("en", "English"), ("fr", "French")]))
    description = TextAreaField("Description", validators=[Length(max=10000)])
    version = HiddenField()
    confirm_warnings = BooleanField("Save anyway: I have seen these warnings")


class MoveForm(WhenMixin, FlaskForm):
    start_date, start_time, end_date, end_time = when_fields()
    timezone = SelectField("Time zone")
    version = HiddenField()
    confirm_warnings = BooleanField("Move anyway: I have seen these warnings")


class CancelForm(FlaskForm):
    reason = StringField(
        "Reason",
        validators=[Length(max=300)],
        description="Shown in the history and in calendar updates",
    )
    version = HiddenField()


class ParticipantForm(FlaskForm):
    person_id = SelectField("Person", validators=[DataRequired("Choose a person")])
    role = SelectField(
        "Role", choices=options([(r.value, r.value.replace("_", "-")) for r in DelegateRole])
    )
    attendance = SelectField(
        "Attends",
        choices=options(
            [
                (Attendance.WHOLE.value, "Whole meeting"),
                (Attendance.ITEMS.value, "Single agenda items"),
                (Attendance.LUNCH.value, "Lunch only"),
            ]
        ),
    )
    protocol_order = IntegerField(
        "Protocol position", validators=[Optional()], description="Leave empty to add at the end"
    )


class MeetingFilterForm(FlaskForm):
    """GET form for the list and calendar; no CSRF (it changes nothing)."""

    class Meta:
        csrf = False

    q = StringField("Search", validators=[Length(max=200)], description="Title, venue or city")
    topic = SelectField("Topic area", validators=[Optional()])
    kind = SelectField("Kind", validators=[Optional()])
    organisation = SelectField("Organisation", validators=[Optional()])
    status = SelectField(
        "Status", choices=options([("", "Any"), *STATUS_CHOICES]), validators=[Optional()]
    )
    date_from = DateField("From", validators=[Optional()])
    date_to = DateField("To", validators=[Optional()])
