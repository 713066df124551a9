"""The languages the service speaks: interface, e-mails, feeds and agenda documents."""

from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_date, format_datetime
from flask_babel import get_locale

LANGUAGES = ("en", "fr")
# The Babel locale that formats dates and numbers for each language (day-month order, 24 h).
BABEL_LOCALES = {"en": "en_GB", "fr": "fr_FR"}


def supported(language: str | None) -> str | None:
    """`language` when the service speaks it (case and region ignored: "fr-BE" is "fr")."""
    if not language:
        return None
    code = language.replace("_", "-").split("-")[0].lower()
    return code if code in LANGUAGES else None


def babel_locale(language: str | None) -> str:
    """The Babel locale for a language code (English when unknown)."""
    return BABEL_LOCALES.get(supported(language) or "en", "en_GB")


def defer_translation(text: str) -> str:
    """Mark `text` for the catalogue (`pybabel extract -k defer_translation`) where a library
    translates it later itself (Flask-Login's flashed message, through `localize_callback`)."""
    return text


def current_language() -> str:
    """The language being rendered (the request's, or a `force_locale` block's): "en" or "fr"."""
    locale = get_locale()
    return supported(locale.language if locale is not None else None) or "en"


# strftime directives the templates use, as Babel (CLDR) pattern fields.
_STRFTIME = {
    "a": "EEE",
    "A": "EEEE",
    "d": "dd",
    "e": "d",
    "b": "MMM",
    "B": "MMMM",
    "m": "MM",
    "y": "yy",
    "Y": "y",
    "H": "HH",
    "M": "mm",
    "S": "ss",
}


def cldr_pattern(strftime: str) -> str:
    """A strftime format as a CLDR pattern ("%a %d %b %Y" -> "EEE d MMM y"), text quoted."""
    out: list[str] = []
    literal = ""
    index = 0
    while index < len(strftime):
        char = strftime[index]
        if char == "%" and index + 1 < len(strftime) and strftime[index + 1] in _STRFTIME:
            if literal:
                out.append(_quote(literal))
                literal = ""
            out.append(_STRFTIME[strftime[index + 1]])
            index += 2
            continue
        literal += char
        index += 1
    if literal:
        out.append(_quote(literal))
    return "".join(out)


def _quote(text: str) -> str:
    if all(not c.isalpha() for c in text):
        return text.replace("'", "''")
    return "'" + text.replace("'", "''") + "'"


def format_moment(moment: date | datetime, strftime: str, language: str) -> str:
    """A date or wall-clock datetime in `language`, laid out like `strftime`.

    Day and month names (and their abbreviations) come from the language's CLDR data:
    "%a %d %b %Y" gives "Tue 3 Mar 2026" in English and "mar. 3 mars 2026" in French.
    """
    pattern = cldr_pattern(strftime)
    if supported(language) == "fr":  # "5 mars", not "05 mars"
        pattern = pattern.replace("dd", "d")
    locale = babel_locale(language)
    if isinstance(moment, datetime):
        return format_datetime(moment, pattern, locale=locale)
    return format_date(moment, pattern, locale=locale)
