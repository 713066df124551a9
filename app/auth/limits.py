"""The sign-in rate limit's shared parts: the UI sign-in page and the API token sign-in."""

from __future__ import annotations

from flask import Response
from flask_babel import gettext


def too_many_sign_ins() -> str:
    """The 429's message, in the reader's language."""
    return gettext("Too many failed sign-in attempts from your address.")


def failed_sign_in(response: Response) -> bool:
    """Only refused attempts count towards the limit: people who sign in often are not
    locked out, and a guesser is still stopped after the allowed number of wrong passwords.

    (The limit is tested before the request and deducted after it, so a burst of parallel
    guesses can pass the test together; each still costs an argon2 verification.)
    """
    return response.status_code == 401
