"""Forms of the calendar subscriptions page."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectChoice, SelectField, StringField
from wtforms.validators import Length


class SubscriptionForm(FlaskForm):
    # Choices ("all", "topic:russia", ...) are filled in by the view from the catalogue.
    scope = SelectField(_l("Meetings to include"), choices=[SelectChoice("all", "All meetings")])
    label = StringField(_l("Name in your calendar (optional)"), validators=[Length(max=200)])
    all_history = BooleanField(
        _l("Include all past meetings (otherwise those that ended within the last year)")
    )


class SubscriptionActionForm(FlaskForm):
    """Revoke or rotate: CSRF only."""
