from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, TextAreaField, TimeField
from wtforms.validators import DataRequired, Length, Optional

from app.web.forms import CheckboxesField, DateField, options


class InvitationForm(FlaskForm):
    inviter_id = SelectField("Invited by", validators=[DataRequired("Choose who invites")])
    invitee_id = SelectField("Organisation invited", validators=[DataRequired("Choose who")])
    invitee_person_id = SelectField("Person invited", description="Optional")
    scope = SelectField(
        "Invited to",
        choices=options(
            [
                ("whole", "The whole meeting"),
                ("items", "Single agenda items"),
                ("lunch", "The working lunch only"),
            ]
        ),
    )
    agenda_item_ids = CheckboxesField("Agenda items", coerce=int)
    deadline_date = DateField("Reply by (date)", validators=[Optional()])
    deadline_time = TimeField("Reply by (time)", validators=[Optional()])
    message = TextAreaField("Message", validators=[Length(max=5000)])


class ReplyForm(FlaskForm):
    status = SelectField(
        "Reply",
        choices=options(
            [("accepted", "Accepted"), ("declined", "Declined"), ("tentative", "Tentative")]
        ),
    )
    representative_id = SelectField(
        "Represented by", description="Who attends for them (when accepted)"
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
    note = TextAreaField("Note", validators=[Length(max=2000)])
    version = HiddenField()


class WithdrawForm(FlaskForm):
    reason = StringField("Reason for withdrawing", validators=[Length(max=300)])
    version = HiddenField()
