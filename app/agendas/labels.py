"""Document wording in the export language (Flask-Babel; catalogues in app/translations).

Call these inside `document_locale(language)`: documents are written in the meeting's
language (or the one asked for), whatever the reader's browser prefers. The bilingual
edition ("en-fr") gives every label in English and French ("Date / Date", "Time / Heure").
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from typing import Any

from babel.dates import format_date
from flask_babel import force_locale
from flask_babel import gettext as babel_gettext

from app.agendas.models import ItemVisibility, Purpose, VersionStage
from app.core.languages import BABEL_LOCALES, LANGUAGES

BILINGUAL = "en-fr"
EDITIONS = (*LANGUAGES, BILINGUAL)
AUTONYMS = {"en": "English", "fr": "Français"}  # column heads of the bilingual edition
_IN_BOTH: ContextVar[bool] = ContextVar("agenda_labels_in_both", default=False)


def gettext(message: str, **variables: Any) -> str:
    """`flask_babel.gettext`; inside a bilingual document, the English and the French."""
    if not _IN_BOTH.get():
        return babel_gettext(message, **variables)
    with force_locale("en"):
        english = babel_gettext(message, **variables)
    with force_locale("fr"):
        french = babel_gettext(message, **variables)
    return english if english == french else f"{english} / {french}"


_ = gettext


@contextmanager
def document_locale(language: str) -> Iterator[None]:
    """Labels in the document's language (both, for the bilingual edition)."""
    token = _IN_BOTH.set(language == BILINGUAL)
    try:
        with force_locale("en" if language == BILINGUAL else language):
            yield
    finally:
        _IN_BOTH.reset(token)


def purpose(value: Purpose | None) -> str:
    if value is None:
        return ""
    return {
        Purpose.DECISION: _("For decision"),
        Purpose.DISCUSSION: _("For discussion"),
        Purpose.INFORMATION: _("For information"),
    }[value]


def visibility(value: ItemVisibility) -> str:
    return {
        ItemVisibility.ALL: "",
        ItemVisibility.UK: _("UK only"),
        ItemVisibility.EU: _("EU only"),
    }[value]


def withheld(value: ItemVisibility) -> str:
    """In place of the other side's item in a side's edition (its number and time kept)."""
    return {
        ItemVisibility.ALL: "",
        ItemVisibility.UK: _("UK side only – not in this edition"),
        ItemVisibility.EU: _("EU side only – not in this edition"),
    }[value]


def edition(side: str | None) -> str:
    return {None: "", "uk": _("UK side edition"), "eu": _("EU side edition")}[side]


def stage(value: VersionStage | None, revision: int = 0) -> str:
    if value is None:
        return _("Draft agenda")
    if value is VersionStage.REVISION:
        return _("Final agenda REV %(revision)s", revision=revision)
    return _("Final agenda") if value is VersionStage.FINAL else _("Provisional agenda")


def long_date(day: date | datetime, language: str) -> str:
    return _date(day, "full", language)


def short_date(day: date | datetime, language: str) -> str:
    return _date(day, "long", language)


def _date(day: date | datetime, form: str, language: str) -> str:
    day = day.date() if isinstance(day, datetime) else day
    if language == BILINGUAL:
        return " / ".join(format_date(day, form, locale=BABEL_LOCALES[lang]) for lang in LANGUAGES)
    return format_date(day, form, locale=BABEL_LOCALES.get(language, "en_GB"))


def minutes(value: int | None) -> str:
    return "" if value is None else _("%(minutes)s min", minutes=value)
