"""Forms of the calendar subscriptions page."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, StringField
from wtforms.validators import Length


class SubscriptionForm(FlaskForm):
    # Choices ("all", "topic:russia", ...) are filled in by the view from the catalogue.
    scope = SelectField("Meetings to include", choices=[SelectChoice("all", "All meetings")])
    label = StringField("Name in your calendar (optional)", validators=[Length(max=200)])


class SubscriptionActionForm(FlaskForm):
    """Revoke or rotate: CSRF only."""
