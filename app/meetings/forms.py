"""Meeting forms: create/edit, move, cancel, delegation, list filters."""

from __future__ import annotations

from datetime import date, datetime, time

from flask_babel import gettext as _
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
from app.web.labels import LABELS

STATUS_CHOICES = [
    (MeetingStatus.TENTATIVE.value, _l("Tentative")),
    (MeetingStatus.CONFIRMED.value, _l("Confirmed")),
    (MeetingStatus.POSTPONED.value, _l("Postponed")),
    (MeetingStatus.CANCELLED.value, _l("Cancelled")),
]
MARKING_CHOICES = [(m.value, m.value) for m in Marking]
ACCESS_CHOICES = [
    (Access.INTERNAL.value, _l("Internal: any signed-in user")),
    (Access.PUBLIC.value, _l("Public")),
    (Access.RESTRICTED.value, _l("Restricted: details withheld in shared calendars")),
]


def when_fields() -> tuple[DateField, TimeField, DateField, TimeField]:
    """Start and end fields, created where a form declares them so they keep its order."""
    return (
        DateField(_l("Start date"), validators=[InputRequired(_l("Enter the start date"))]),
        TimeField(_l("Start time"), validators=[InputRequired(_l("Enter the start time"))]),
        DateField(_l("End date, if another day"), validators=[Optional()]),
        TimeField(_l("End time"), validators=[InputRequired(_l("Enter the end time"))]),
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
            raise ValidationError(_("Enter the start date"), field="start_date")
        return self.start_date.data


class MeetingForm(WhenMixin, FlaskForm):
    title = StringField(
        _l("Title"), validators=[DataRequired(_l("Enter a title")), Length(max=300)]
    )
    title_fr = StringField(
        _l("Title in French"),
        validators=[Length(max=300)],
        description=_l("Optional: French pages and documents use it; else the title above."),
    )
    kind = SelectField(
        _l("Kind of meeting"),
        coerce=str,
        validators=[DataRequired(_l("Choose the kind of meeting"))],
    )
    start_date, start_time, end_date, end_time = when_fields()
    timezone = SelectField(_l("Time zone"), description=_l("Times are entered in this zone"))
    venue = StringField(_l("Venue"), validators=[Length(max=300)])
    host_city = StringField(_l("Host city"), validators=[Length(max=120)])
    status = SelectField(
        _l("Status"), choices=options(c for c in STATUS_CHOICES if c[0] != "cancelled")
    )
    marking = SelectField(
        _l("Handling marking"), choices=options(MARKING_CHOICES), default=Marking.OFFICIAL.value
    )
    access = SelectField(_l("Who may see the details"), choices=options(ACCESS_CHOICES))
    topics = CheckboxesField(_l("Topic areas"))
    series = SelectField(
        _l("Series"), description=_l("For rounds of one format, e.g. consultations")
    )
    planned_half = StringField(
        _l("Planned half-year"),
        validators=[Length(max=7)],
        description=_l("For consultations, e.g. 2026-H1; moving it out of that half is flagged"),
    )
    chair_id = SelectField(_l("Chair"))
    host_organisation_id = SelectField(_l("Host organisation"))
    language = SelectField(
        _l("Language"), choices=options([("en", _l("English")), ("fr", _l("French"))])
    )
    description = TextAreaField(_l("Description"), validators=[Length(max=10000)])
    version = HiddenField()
    confirm_warnings = BooleanField(_l("Save anyway: I have seen these warnings"))


class MoveForm(WhenMixin, FlaskForm):
    start_date, start_time, end_date, end_time = when_fields()
    timezone = SelectField(_l("Time zone"))
    version = HiddenField()
    confirm_warnings = BooleanField(_l("Move anyway: I have seen these warnings"))


class CancelForm(FlaskForm):
    reason = StringField(
        _l("Reason"),
        validators=[Length(max=300)],
        description=_l("Shown in the history and in calendar updates"),
    )
    version = HiddenField()


class ParticipantForm(FlaskForm):
    person_id = SelectField(_l("Person"), validators=[DataRequired(_l("Choose a person"))])
    role = SelectField(
        _l("Role"), choices=options([(r.value, LABELS[r.value]) for r in DelegateRole])
    )
    attendance = SelectField(
        _l("Attends"),
        choices=options(
            [
                (Attendance.WHOLE.value, _l("Whole meeting")),
                (Attendance.ITEMS.value, _l("Single agenda items")),
                (Attendance.LUNCH.value, _l("Lunch only")),
            ]
        ),
    )
    protocol_order = IntegerField(
        _l("Protocol position"),
        validators=[Optional()],
        description=_l("Leave empty to add at the end"),
    )
    # Offered to administrators: an account from the person's e-mail address, linked to them.
    create_account = BooleanField(
        _l("Also give them an account (a viewer, linked to this person)"),
        description=_l(
            "Only for someone with an e-mail address and no account yet; they see the "
            "restricted meetings they are a delegate of"
        ),
    )


class MeetingFilterForm(FlaskForm):
    """GET form for the list and calendar; no CSRF (it changes nothing)."""

    class Meta:
        csrf = False

    q = StringField(
        _l("Search"), validators=[Length(max=200)], description=_l("Title, venue or city")
    )
    topic = SelectField(_l("Topic area"), validators=[Optional()])
    kind = SelectField(_l("Kind"), validators=[Optional()])
    organisation = SelectField(_l("Organisation"), validators=[Optional()])
    status = SelectField(
        _l("Status"), choices=options([("", _l("Any")), *STATUS_CHOICES]), validators=[Optional()]
    )
    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("To"), validators=[Optional()])
