"""The interface language of a request, the switcher for signed-out pages, locale formatting.

The language is the signed-in user's choice (account page), else the one picked with the
switcher (kept in the session), else the best the browser's Accept-Language offers, else
`default_language` from settings. Outside a request (CLI, jobs) it is the default; e-mails and
feeds choose theirs with `flask_babel.force_locale`.
"""

from __future__ import annotations

from datetime import date, datetime
from urllib.parse import urlsplit

from apiflask import APIFlask
from babel.numbers import format_decimal
from flask import has_request_context, redirect, request, session
from flask.typing import ResponseReturnValue
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.wrappers import Response

from app.core import languages
from app.core.languages import LANGUAGES, babel_locale, current_language, supported
from app.settings import current_settings
from app.web.viewer import current_viewer

SESSION_KEY = "language"


def select_language() -> str:
    """Flask-Babel's locale selector (see the module docstring for the order)."""
    default = current_settings().default_language
    if not has_request_context():
        return default
    chosen = supported(getattr(_viewer(), "language", None))
    chosen = chosen or supported(session.get(SESSION_KEY))
    return chosen or request.accept_languages.best_match(LANGUAGES) or default


def _viewer() -> object:
    """The signed-in user, or None also when the database cannot say (the outage page asks
    for its language too, and must not fail for want of the user's choice)."""
    try:
        return current_viewer()
    except SQLAlchemyError:
        return None


def choose_language() -> ResponseReturnValue:
    """POST /language: remember a signed-out visitor's choice, go back where they were."""
    language = supported(request.form.get("language"))
    if language:
        session[SESSION_KEY] = language
    return redirect(_local(request.form.get("next")), code=303)


def _local(target: str | None) -> str:
    """Only a path on this site (no scheme, no host, no `//`): an open redirect otherwise."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or "\\" in target:
        return "/"
    return target


def vary_on_language(response: Response) -> Response:
    """Pages differ by Accept-Language: tell caches so."""
    if response.mimetype == "text/html":
        response.vary.add("Accept-Language")
    return response


def format_moment(moment: date | datetime, strftime: str) -> str:
    """`app.core.languages.format_moment` in the language of this request or e-mail."""
    return languages.format_moment(moment, strftime, current_language())


def number(value: float) -> str:
    """A number with the language's separators ("1,234.5" / "1 234,5")."""
    return format_decimal(value, locale=babel_locale(current_language()))


def install_i18n(app: APIFlask) -> None:
    """Trimmed `{% trans %}` blocks, the switcher's route and the Vary header."""
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    # A page's form, not an API operation: kept out of /api/v1/openapi.json.
    app.add_url_rule("/language", "language", app.doc(hide=True)(choose_language), methods=["POST"])
    app.after_request(vary_on_language)
