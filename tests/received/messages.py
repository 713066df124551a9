"""Calendar messages shaped like those the EEAS and the Council's Outlook/Exchange send.

Written from the published formats ([MS-OXCICAL], RFC 5545/5546): CRLF lines, a Windows
TZID ("Romance Standard Time", "W. Europe Standard Time", "GMT Standard Time") with its
VTIMEZONE as Exchange writes it (a STANDARD and a DAYLIGHT from 1601 with yearly rules),
LANGUAGE parameters, and the X-MICROSOFT-CDO-* properties.
"""

from __future__ import annotations

from datetime import datetime
from email.message import EmailMessage

# Exchange's VTIMEZONE bodies: (standard offset, daylight offset).
ZONES = {
    "Romance Standard Time": ("+0100", "+0200"),
    "W. Europe Standard Time": ("+0100", "+0200"),
    "GMT Standard Time": ("+0000", "+0100"),
}
ORGANISER = "anna.kowalska@eeas.europa.eu"
SENDER = "anna.kowalska@eeas.europa.eu"
UID = "040000008200E00074C5B7101A82E00800000000B0A4C4F2E3D4DA0100000000000000001000000047"


def vtimezone(tzid: str) -> list[str]:
    standard, daylight = ZONES[tzid]
    return [
        "BEGIN:VTIMEZONE",
        f"TZID:{tzid}",
        "BEGIN:STANDARD",
        "DTSTART:16010101T030000",
        f"TZOFFSETFROM:{daylight}",
        f"TZOFFSETTO:{standard}",
        "RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=10",
        "END:STANDARD",
        "BEGIN:DAYLIGHT",
        "DTSTART:16010101T020000",
        f"TZOFFSETFROM:{standard}",
        f"TZOFFSETTO:{daylight}",
        "RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=3",
        "END:DAYLIGHT",
        "END:VTIMEZONE",
    ]


def outlook_calendar(
    *,
    start: datetime,
    end: datetime,
    method: str | None = "REQUEST",
    uid: str = UID,
    sequence: int = 0,
    tzid: str = "Romance Standard Time",
    summary: str = "Foreign Affairs Council (Defence)",
    location: str = "Europa building, Brussels",
    description: str = "Dear colleagues,\nThe UK is invited to item 3.\n",
    organiser: str = ORGANISER,
    organiser_name: str = "Anna Kowalska",
    attendee: str = "secretariat@entente.example",
    status: str | None = None,
    klass: str = "PUBLIC",
    extra: tuple[str, ...] = (),
) -> bytes:
    """An Outlook REQUEST (or CANCEL, or a plain .ics with `method=None`), as bytes."""
    cancel = method == "CANCEL"
    lines = ["BEGIN:VCALENDAR"]
    if method:
        lines.append(f"METHOD:{method}")
    lines += ["PRODID:Microsoft Exchange Server 2010", "VERSION:2.0", *vtimezone(tzid)]
    lines += [
        "BEGIN:VEVENT",
        f"ORGANIZER;CN={organiser_name}:mailto:{organiser}",
        "ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE;CN=UK Secretariat:"
        f"mailto:{attendee}",
        "DESCRIPTION;LANGUAGE=en-US:" + _text(description),
        f"UID:{uid}",
        f"SUMMARY;LANGUAGE=en-US:{'Canceled: ' if cancel else ''}{_text(summary)}",
        f"DTSTART;TZID={tzid}:{start:%Y%m%dT%H%M%S}",
        f"DTEND;TZID={tzid}:{end:%Y%m%dT%H%M%S}",
        f"CLASS:{klass}",
        "PRIORITY:1" if cancel else "PRIORITY:5",
        "DTSTAMP:20270301T090000Z",
        "TRANSP:TRANSPARENT" if cancel else "TRANSP:OPAQUE",
        f"STATUS:{status or ('CANCELLED' if cancel else 'CONFIRMED')}",
        f"SEQUENCE:{sequence}",
        f"LOCATION;LANGUAGE=en-US:{_text(location)}",
        f"X-MICROSOFT-CDO-APPT-SEQUENCE:{sequence}",
        "X-MICROSOFT-CDO-OWNERAPPTID:2117369876",
        f"X-MICROSOFT-CDO-BUSYSTATUS:{'FREE' if cancel else 'TENTATIVE'}",
        "X-MICROSOFT-CDO-INTENDEDSTATUS:BUSY",
        "X-MICROSOFT-CDO-ALLDAYEVENT:FALSE",
        "X-MICROSOFT-CDO-IMPORTANCE:1",
        "X-MICROSOFT-CDO-INSTTYPE:0",
        "X-MICROSOFT-DONOTFORWARDMEETING:FALSE",
        "X-MICROSOFT-DISALLOW-COUNTER:FALSE",
        *extra,
        "BEGIN:VALARM",
        "DESCRIPTION:REMINDER",
        "TRIGGER;RELATED=START:-PT15M",
        "ACTION:DISPLAY",
        "END:VALARM",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return ("\r\n".join(_fold(line) for line in lines) + "\r\n").encode("utf-8")


def outlook_email(
    calendar: bytes,
    *,
    sender: str = SENDER,
    to: str = "secretariat@entente.example",
    subject: str = "Foreign Affairs Council (Defence)",
    message_id: str = "<DB9PR01MB1234ABCD@DB9PR01MB1234.eurprd01.prod.outlook.com>",
) -> bytes:
    """The e-mail Exchange sends with a meeting request: multipart/alternative with the text,
    the HTML and the text/calendar part (method=..., base64), and Exchange's headers."""
    method = "REQUEST"
    for line in calendar.decode("utf-8").splitlines():
        if line.startswith("METHOD:"):
            method = line.split(":", 1)[1]
    message = EmailMessage()
    message["From"] = f"Kowalska Anna (EEAS) <{sender}>"
    message["To"] = f"UK Secretariat <{to}>"
    message["Subject"] = subject
    message["Date"] = "Mon, 01 Mar 2027 10:00:00 +0100"
    message["Message-ID"] = message_id
    message["Thread-Topic"] = subject
    message["Content-class"] = "urn:content-classes:calendarmessage"
    message["X-MS-Has-Attach"] = ""
    message["X-MS-TNEF-Correlator"] = ""
    message.set_content("When: see the calendar entry.\n\nDear colleagues,\n")
    message.add_alternative("<html><body><p>Dear colleagues,</p></body></html>", subtype="html")
    message.add_alternative(
        calendar, maintype="text", subtype="calendar", params={"method": method, "charset": "utf-8"}
    )
    return message.as_bytes()


def _text(value: str) -> str:
    """An RFC 5545 TEXT value."""
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """Lines of at most 75 octets, continued with a space (RFC 5545 section 3.1)."""
    data = line.encode("utf-8")
    parts = []
    while len(data) > 75:
        cut = 75 if not parts else 74
        while cut and (data[cut] & 0xC0) == 0x80:  # never inside a UTF-8 sequence
            cut -= 1
        parts.append(data[:cut])
        data = data[cut:]
    parts.append(data)
    return "\r\n ".join(part.decode("utf-8") for part in parts)
