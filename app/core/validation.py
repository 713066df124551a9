"""Small input checks shared by services; each raises ValidationError naming the field."""

from __future__ import annotations

import re
from enum import Enum
from typing import TypeVar

from app.core.errors import ValidationError

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
EMAIL_RE = re.compile(r"^[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\"]+$")
E = TypeVar("E", bound=Enum)
# The largest id an INTEGER column holds; bigger ones are simply not found (never a 500 from
# the database, which cannot even compare them on SQLite past 2**63).
MAX_ID = 2**31 - 1


def is_digits(value: str) -> bool:
    """ASCII digits only: str.isdigit() is also true for '²' (which int() refuses) and '٣'."""
    return value.isascii() and value.isdigit()


def text(value: str | None, field: str, *, max_length: int, required: bool = True) -> str:
    cleaned = (value or "").strip()
    if required and not cleaned:
        raise ValidationError(f"{field.replace('_', ' ').capitalize()} is required", field=field)
    if len(cleaned) > max_length:
        raise ValidationError(
            f"{field.replace('_', ' ').capitalize()} must be at most {max_length} characters",
            field=field,
        )
    if "\x00" in cleaned:
        raise ValidationError("Text must not contain NUL characters", field=field)
    return cleaned


def slug(value: str | None, field: str = "slug") -> str:
    cleaned = text(value, field, max_length=64)
    if not SLUG_RE.match(cleaned):
        raise ValidationError(
            "Use lower-case letters, digits and single hyphens (e.g. western-balkans)", field=field
        )
    return cleaned


def email(value: str | None, field: str = "email") -> str:
    cleaned = text(value, field, max_length=254).lower()
    if not EMAIL_RE.match(cleaned):
        raise ValidationError(f"{cleaned!r} is not an e-mail address", field=field)
    return cleaned


def choice(enum_type: type[E], value: E | str | None, field: str) -> E:
    if isinstance(value, enum_type):
        return value
    try:
        return enum_type(value)
    except ValueError:
        allowed = ", ".join(str(member.value) for member in enum_type)
        raise ValidationError(f"{field} must be one of: {allowed}", field=field) from None
