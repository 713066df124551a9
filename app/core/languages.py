"""The languages the service speaks: interface, e-mails, feeds and agenda documents."""

from __future__ import annotations

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
