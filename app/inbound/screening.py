"""What makes an inbound message untrusted, checked before anything is applied.

Each refusal carries the reason the quarantine shows. The order matters: what is cheap and
needs no parsing (size, sender) comes first.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from icalendar import Calendar, Component

from app.inbound.message import InboundEmail
from app.notifications.addresses import clean_address

MAX_EVENTS = 50
MAX_COMPONENTS = 200
METHODS_WITH_ATTENDEE = frozenset({"REPLY", "COUNTER"})


class Refused(Exception):
    """The message goes to the quarantine with `reason`."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class ITipObject:
    method: str  # upper case; "" for a plain calendar without METHOD
    calendar: Calendar
    sender: str


def check_size(size: int, limit: int) -> None:
    if size > limit:
        raise Refused(
            _(
                "Over the size limit (%(size)d bytes; the limit is %(limit)d)",
                size=size,
                limit=limit,
            )
        )


def screen(found: InboundEmail, allowed_domains: tuple[str, ...]) -> ITipObject:
    """The one calendar object `found` carries, or Refused with the reason."""
    if found.sender:
        _check_sender(found.sender, allowed_domains)
    if not found.calendars:
        if found.has_html and not found.has_text:
            raise Refused(_("HTML-only message with no calendar object"))
        raise Refused(_("No calendar object in the message"))
    # The same object as an alternative and as an attachment (Gmail, Thunderbird) is read once.
    texts = list(dict.fromkeys(part.text for part in found.calendars))
    calendars = [_parse(text) for text in texts]
    methods = {part.method_param for part in found.calendars if part.method_param}
    for calendar in calendars:
        methods.update(_methods(calendar))
    if len(methods) > 1:
        raise Refused(
            _("Several METHODs in one message: %(methods)s", methods=", ".join(sorted(methods)))
        )
    method = next(iter(methods), "")
    calendar = calendars[0]
    sender = found.sender or calendar_sender(calendar, method)
    if not found.sender:
        _check_sender(sender, allowed_domains)
    return ITipObject(method, calendar, sender)


def calendar_sender(calendar: Calendar, method: str) -> str:
    """Who sent a bare .ics: the attendee answering (REPLY, COUNTER), else the organiser."""
    name = "ATTENDEE" if method in METHODS_WITH_ATTENDEE else "ORGANIZER"
    events = calendar.walk("VEVENT")
    values = events[0].get(name) if events else None
    if isinstance(values, list):
        values = values[0] if len(values) == 1 else None
    return address_of(values) or ""


def address_of(value: object) -> str | None:
    """mailto:someone@example.org (any case) as a plain lower-case address, else None."""
    text = str(value or "").strip()
    if text[:7].lower() == "mailto:":
        text = text[7:]
    return clean_address(text.lower())


def _check_sender(sender: str, allowed_domains: tuple[str, ...]) -> None:
    domain = sender.rpartition("@")[2]
    if not sender or domain not in allowed_domains:
        raise Refused(
            _("Sender %(sender)s is outside the allow-list", sender=sender or _("(none)"))
        )


def _parse(text: str | None) -> Calendar:
    if text is None:
        raise Refused(_("Malformed iCalendar: not text in the declared character set"))
    try:
        calendars = Calendar.from_ical(text, multiple=True)
    except (ValueError, KeyError, IndexError, TypeError) as error:
        raise Refused(_("Malformed iCalendar: %(detail)s", detail=str(error)[:200])) from error
    if len(calendars) != 1 or calendars[0].name != "VCALENDAR":
        raise Refused(_("Malformed iCalendar: one VCALENDAR expected"))
    calendar = calendars[0]
    components = list(calendar.walk())
    if len(components) > MAX_COMPONENTS or len(calendar.walk("VEVENT")) > MAX_EVENTS:
        raise Refused(_("Too many events in one calendar (at most %(max)d)", max=MAX_EVENTS))
    if not calendar.walk("VEVENT"):
        raise Refused(_("Malformed iCalendar: no event"))
    broken = next((c for c in components if _errors(c)), None)
    if broken is not None:
        name, detail = _errors(broken)[0]
        raise Refused(
            _("Malformed iCalendar: %(name)s: %(detail)s", name=name, detail=detail[:200])
        )
    return calendar


def _errors(component: Component) -> list[tuple[str, str]]:
    return [(str(name), str(detail)) for name, detail in getattr(component, "errors", [])]


def _methods(calendar: Calendar) -> set[str]:
    value = calendar.get("METHOD")
    values = value if isinstance(value, list) else [value] if value is not None else []
    return {str(item).strip().upper() for item in values}
