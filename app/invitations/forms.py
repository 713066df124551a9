from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, TextAreaField, TimeField
from wtforms.validators import DataRequired, Length, Optional

from app.web.forms import CheckboxesField, DateField, options


class InvitationForm(FlaskForm):
    inviter_id = SelectField(_l("Invited by"), validators=[DataRequired(_l("Choose who invites"))])
    invitee_id = SelectField(
        _l("Organisation invited"), validators=[DataRequired(_l("Choose who"))]
    )
    invitee_person_id = SelectField(_l("Person invited"), description=_l("Optional"))
    scope = SelectField(
        _l("Invited to"),
        choices=options(
            [
                ("whole", _l("The whole meeting")),
                ("items", _l("Single agenda items")),
                ("lunch", _l("The working lunch only")),
            ]
        ),
    )
    agenda_item_ids = CheckboxesField(_l("Agenda items"), coerce=int)
    deadline_date = DateField(_l("Reply by (date)"), validators=[Optional()])
    deadline_time = TimeField(_l("Reply by (time)"), validators=[Optional()])
    message = TextAreaField(_l("Message"), validators=[Length(max=5000)])


class ReplyForm(FlaskForm):
    status = SelectField(
        _l("Reply"),
        choices=options(
            [
                ("accepted", _l("Accepted")),
                ("declined", _l("Declined")),
                ("tentative", _l("Tentative")),
            ]
        ),
    )
    representative_id = SelectField(
        _l("Represented by"), description=_l("Who attends for them (when accepted)")
    )
    scope = SelectField(
        _l("Attending"),
        description=_l("What the representative attends"),
        choices=options(
            [
                ("whole", _l("The whole meeting")),
                ("items", _l("The invited agenda items")),
                ("lunch", _l("The working lunch only")),
            ]
        ),
        validate_choice=False,
    )
    note = TextAreaField(_l("Note"), validators=[Length(max=2000)])
    version = HiddenField()


class WithdrawForm(FlaskForm):
    reason = StringField(_l("Reason for withdrawing"), validators=[Length(max=300)])
    version = HiddenField()
