"""Document wording in the export language (Flask-Babel; catalogues in app/translations).

Call these inside `flask_babel.force_locale(language)`: documents are written in the
meeting's language (or the one asked for), whatever the reader's browser prefers.
"""

from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_date
from flask_babel import gettext as _

from app.agendas.models import ItemVisibility, Purpose, VersionStage
from app.core.languages import BABEL_LOCALES, LANGUAGES

__all__ = ["BABEL_LOCALES", "LANGUAGES"]


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


def edition(side: str | None) -> str:
    return {None: "", "uk": _("UK side edition"), "eu": _("EU side edition")}[side]


def stage(value: VersionStage | None, revision: int = 0) -> str:
    if value is None:
        return _("Draft agenda")
    if value is VersionStage.REVISION:
        return _("Final agenda REV %(revision)s", revision=revision)
    return _("Final agenda") if value is VersionStage.FINAL else _("Provisional agenda")


def long_date(day: date | datetime, language: str) -> str:
    day = day.date() if isinstance(day, datetime) else day
    return format_date(day, "full", locale=BABEL_LOCALES.get(language, "en_GB"))


def short_date(day: date | datetime, language: str) -> str:
    day = day.date() if isinstance(day, datetime) else day
    return format_date(day, "long", locale=BABEL_LOCALES.get(language, "en_GB"))


def minutes(value: int | None) -> str:
    return "" if value is None else _("%(minutes)s min", minutes=value)
