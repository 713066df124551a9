"""What people read for stored codes (statuses, roles, scopes...), in the page's language.

The codes stay English in the database, the API and the feeds; pages show `enum_label(value)`.
The kernel knows no domain's enums, so the labels are keyed by the stored value (plus a `kind`
where one value means two things).
"""

from __future__ import annotations

from enum import Enum

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

LABELS: dict[str, LazyString] = {
    # meetings
    "tentative": _l("tentative"),
    "confirmed": _l("confirmed"),
    "postponed": _l("postponed"),
    "cancelled": _l("cancelled"),
    "public": _l("public"),
    "internal": _l("internal"),
    "restricted": _l("restricted"),
    "principal": _l("principal"),
    "deputy": _l("deputy"),
    "adviser": _l("adviser"),
    "note_taker": _l("note-taker"),
    "whole": _l("whole meeting"),
    "items": _l("single items"),
    "lunch": _l("lunch only"),
    # invitations
    "invited": _l("invited"),
    "accepted": _l("accepted"),
    "declined": _l("declined"),
    "withdrawn": _l("withdrawn"),
    # agendas
    "decision": _l("for decision"),
    "discussion": _l("for discussion"),
    "information": _l("for information"),
    "provisional": _l("provisional"),
    "final": _l("final"),
    "revision": _l("revision"),
    "open": _l("open"),
    "done": _l("done"),
    # accounts
    "admin": _l("administrator"),
    "editor": _l("editor"),
    "viewer": _l("viewer"),
    # planning
    "held": _l("held"),
    "scheduled": _l("scheduled"),
    "missing": _l("missing"),
    "overdue": _l("overdue"),
    # sides
    "uk": _l("UK"),
    "eu": _l("EU"),
    # outbox
    "pending": _l("pending"),
    "sending": _l("sending"),
    "sent": _l("sent"),
    "failed": _l("failed"),
    "uncertain": _l("uncertain"),
    "skipped": _l("skipped"),
    "invitation": _l("invitation"),
    "reminder": _l("reminder"),
    "meeting_change": _l("meeting change"),
    "agenda_late": _l("late agenda"),
    "cadence_alert": _l("consultation alert"),
}
KIND_LABELS: dict[str, dict[str, LazyString]] = {
    "visibility": {"all": _l("both sides"), "uk": _l("UK only"), "eu": _l("EU only")},
    "scope": {
        "whole": _l("Whole meeting"),
        "items": _l("Agenda items"),
        "lunch": _l("Lunch"),
    },
    "feed": {
        "all": _l("Everything I may see"),
        "topic": _l("One topic"),
        "organisation": _l("One organisation"),
        "person": _l("One person"),
        "kind": _l("One kind of meeting"),
    },
    "side": {"uk": _l("United Kingdom"), "eu": _l("European Union")},
}
LANGUAGE_NAMES = {"en": _l("English"), "fr": _l("French")}
# Each language named in itself, for the switcher (not translated on purpose).
ENDONYMS = (("en", "English"), ("fr", "Français"))


def actor_name(label: str) -> str:
    """Who did something: an account's address, or "the system" for jobs, commands and set-up
    (stored as "system")."""
    return str(_l("the system")) if label == "system" else label


def languages_offered() -> tuple[tuple[str, str], ...]:
    """(code, name in that language) for each language the switcher offers."""
    return ENDONYMS


def enum_label(value: object, kind: str = "") -> str:
    """The label of a stored code in the current language (the code itself when unknown)."""
    if value is None:
        return ""
    code = str(value.value if isinstance(value, Enum) else value)
    label = KIND_LABELS.get(kind, {}).get(code) or LABELS.get(code)
    return str(label) if label is not None else code.replace("_", " ")


def language_name(code: str | None) -> str:
    """'English' / 'French' in the current language."""
    if not code:
        return ""
    label = LANGUAGE_NAMES.get(code)
    return str(label) if label is not None else code
