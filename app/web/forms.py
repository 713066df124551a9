"""Form helpers shared by every page: choices, service errors onto fields, filter forms."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

import wtforms
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import Field, SelectChoice, SelectMultipleField, widgets

from app.core.errors import EntenteError
from app.core.validation import MAX_YEAR, MIN_YEAR, parse_whole, years_message

# Zones the secretariat meets in, first; any other IANA name is accepted by the services.
COMMON_ZONES = (
    "Europe/London",
    "Europe/Brussels",
    "Europe/Paris",
    "Europe/Luxembourg",
    "Europe/Berlin",
    "Europe/Dublin",
    "Europe/Lisbon",
    "Europe/Madrid",
    "Europe/Rome",
    "Europe/Warsaw",
    "Europe/Helsinki",
    "Europe/Kyiv",
    "UTC",
    "America/New_York",
    "Asia/Tokyo",
)


def options(pairs: Iterable[tuple[Any, str]]) -> list[SelectChoice]:
    """(value, label) pairs as WTForms choices."""
    return [SelectChoice(value, label) for value, label in pairs]


def zone_choices(current: str | None = None) -> list[SelectChoice]:
    zones = list(COMMON_ZONES)
    if current and current not in zones:
        zones.insert(0, current)
    return options((name, name) for name in zones)


def optional_choices(
    rows: Iterable[tuple[object, str]], blank: str | None = None
) -> list[SelectChoice]:
    """A blank choice (default "None", translated) before the rows."""
    return options([("", blank or _("None")), *((str(value), label) for value, label in rows)])


class DateField(wtforms.DateField):
    """A date in the years every entry point accepts (app.core.validation); every date field
    of every form is one of these."""

    data: date | None

    def process_formdata(self, valuelist: list[Any]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError("Enter a real date, e.g. 2027-03-16") from None
        if self.data is not None and not MIN_YEAR <= self.data.year <= MAX_YEAR:
            self.data = None
            raise ValueError(years_message())


class CheckboxesField(SelectMultipleField):
    """A multiple choice shown as checkboxes (each labelled, keyboard reachable)."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def apply_error(form: FlaskForm, error: EntenteError, aliases: Mapping[str, str] = {}) -> str:
    """Put a service error on the field it names; return it for the summary if no field fits."""
    name = aliases.get(error.field or "", error.field or "")
    target: Field | None = getattr(form, name, None) if name else None
    if isinstance(target, Field):
        target.errors = [*list(target.errors or []), error.message]
        return ""
    return error.message


def int_or_none(value: object) -> int | None:
    """A whole number 0..MAX_ID in ASCII digits, else None: `core.validation.parse_whole`."""
    return parse_whole(value)
