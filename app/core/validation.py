"""Small input checks shared by services; each raises ValidationError naming the field."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from enum import Enum
from typing import TypeVar

from flask_babel import gettext as _

from app.core.errors import ValidationError

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
EMAIL_RE = re.compile(r"^[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\"]+$")
E = TypeVar("E", bound=Enum)
# The largest id an INTEGER column holds; bigger ones are simply not found (never a 500 from
# the database, which cannot even compare them on SQLite past 2**63).
MAX_ID = 2**31 - 1
# The one range of years every entry point accepts (forms, API, CLI, services): wide enough for
# any real meeting, narrow enough that a day either side and every UTC offset stay representable.
MIN_YEAR = 1900
MAX_YEAR = 2200
YEARS_MESSAGE = f"Use a date between the years {MIN_YEAR} and {MAX_YEAR}"


def years_message() -> str:
    """YEARS_MESSAGE in the reader's language."""
    return _("Use a date between the years %(first)s and %(last)s", first=MIN_YEAR, last=MAX_YEAR)


# Bidirectional embeddings, overrides and isolates: they make text read differently from what
# it is (a title that shows one name and sorts, searches or prints as another).
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def is_digits(value: str) -> bool:
    """ASCII digits only: str.isdigit() is also true for '²' (which int() refuses) and '٣'."""
    return value.isascii() and value.isdigit()


def id_in_range(number: int) -> bool:
    """An id a row can have: 1..MAX_ID (ids start at 1; past MAX_ID no column holds it)."""
    return 1 <= number <= MAX_ID


def parse_whole(value: object) -> int | None:
    """A whole number 0..MAX_ID written in ASCII digits, else None.

    None for blank, 'x', a sign, '²', '٣' (int() reads Arabic-Indic digits), '1_0' (int()
    reads underscores) and numbers no INTEGER column holds.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 <= value <= MAX_ID else None
    text = value.strip() if isinstance(value, str) else ""
    if not is_digits(text) or len(text) > len(str(MAX_ID)):
        return None
    number = int(text)
    return number if number <= MAX_ID else None


def parse_id(value: object) -> int | None:
    """The one rule for reading an id: ASCII digits, 1..MAX_ID, else None."""
    number = parse_whole(value)
    return number if number is not None and id_in_range(number) else None


def year_in_range(year: int, field: str) -> int:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationError(years_message(), field=field)
    return year


D = TypeVar("D", bound=date)


def in_range(day: D, field: str) -> D:
    """A date or date-time within the years every entry point accepts."""
    year_in_range(day.year, field)
    return day


def text(
    value: str | None,
    field: str,
    *,
    max_length: int,
    required: bool = True,
    multiline: bool = False,
) -> str:
    """Trimmed text of at most `max_length` characters.

    Single-line fields (titles, names, venues, labels, codes...) refuse line breaks and every
    other control character: they end up in e-mail headers and bodies and in iCalendar lines,
    where a line break forges a new line. Multi-line fields (descriptions, notes) keep line
    breaks and tabs. Both refuse NUL and the bidirectional overrides and isolates.
    """
    cleaned = (value or "").strip()
    if required and not cleaned:
        raise ValidationError(_("%(label)s is required", label=_label(field)), field=field)
    if len(cleaned) > max_length:
        raise ValidationError(
            _(
                "%(label)s must be at most %(max_length)s characters",
                label=_label(field),
                max_length=max_length,
            ),
            field=field,
        )
    if "\x00" in cleaned:
        raise ValidationError(_("Text must not contain NUL characters"), field=field)
    if any(char in BIDI_CONTROLS for char in cleaned):
        raise ValidationError(
            _("Text must not contain bidirectional override or isolate characters"), field=field
        )
    allowed = "\n\r\t" if multiline else ""
    if any(_is_control(char) and char not in allowed for char in cleaned):
        message = (
            _("Text must not contain control characters")
            if multiline
            else _(
                "%(label)s must be a single line without control characters", label=_label(field)
            )
        )
        raise ValidationError(message, field=field)
    return cleaned


def optional_text(value: str | None, field: str, *, max_length: int) -> str | None:
    """A single-line text that may be left out (a French title beside the English one):
    None when blank, else checked as `text` does."""
    cleaned = text(value, field, max_length=max_length, required=False)
    return cleaned or None


def localized(english: str, french: str | None, language: str) -> str:
    """The French text for French readers when there is one, else the English."""
    return french if language == "fr" and french else english


def _is_control(char: str) -> bool:
    # Cc (C0, DEL, C1) plus the line and paragraph separators, which also break a line.
    return unicodedata.category(char) in {"Cc", "Zl", "Zp"}


def _label(field: str) -> str:
    return field.replace("_", " ").capitalize()


def slug(value: str | None, field: str = "slug") -> str:
    cleaned = text(value, field, max_length=64)
    if not SLUG_RE.match(cleaned):
        raise ValidationError(
            _("Use lower-case letters, digits and single hyphens (e.g. western-balkans)"),
            field=field,
        )
    return cleaned


def email(value: str | None, field: str = "email") -> str:
    # The pattern refuses every blank, line breaks included, with the plainer message.
    cleaned = text(value, field, max_length=254, multiline=True).lower()
    if not EMAIL_RE.match(cleaned):
        raise ValidationError(
            _("%(cleaned)s is not an e-mail address", cleaned=repr(cleaned)), field=field
        )
    return cleaned


def choice(enum_type: type[E], value: E | str | None, field: str) -> E:
    if isinstance(value, enum_type):
        return value
    try:
        return enum_type(value)
    except ValueError:
        allowed = ", ".join(str(member.value) for member in enum_type)
        raise ValidationError(
            _("%(field)s must be one of: %(allowed)s", field=field, allowed=allowed), field=field
        ) from None
