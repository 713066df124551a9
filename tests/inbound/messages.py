"""Inbound test messages shaped like what each client sends, written from the published
formats (RFC 5546 iTIP, RFC 6047 iMIP, Microsoft's [MS-OXCICAL], Google's and Apple's own
messages), plus malformed and hostile ones.

Each builder returns the raw bytes of one e-mail.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import charset as email_charset
from email.mime.application import MIMEApplication
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import format_datetime

SECRETARIAT = "secretariat@entente.example"
_ids = itertools.count(1)
CLIENTS = ("outlook-windows", "outlook-mac", "outlook-web", "gmail", "apple", "thunderbird")

# Outlook on Windows writes the calendar itself ("Outlook 16.0 MIMEDIR", quoted Windows zone
# names, X-MS-OLK- properties); Outlook for Mac its own (Entourage's zone properties); Outlook
# on the web leaves it to Exchange.
PRODIDS = {
    "outlook-windows": "-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN",
    "outlook-mac": "-//Microsoft Corporation//Outlook for Mac MIMEDIR//EN",
    "outlook-web": "Microsoft Exchange Server 2010",
    "gmail": "-//Google Inc//Google Calendar 70.9054//EN",
    "apple": "-//Apple Inc.//macOS 14.4//EN",
    "thunderbird": "-//Mozilla.org/NONSGML Mozilla Calendar V1.1//EN",
}
OUTLOOK_ZONE = """BEGIN:VTIMEZONE\r
TZID:GMT Standard Time\r
BEGIN:STANDARD\r
DTSTART:16010101T020000\r
TZOFFSETFROM:+0100\r
TZOFFSETTO:+0000\r
RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=10\r
END:STANDARD\r
BEGIN:DAYLIGHT\r
DTSTART:16010101T010000\r
TZOFFSETFROM:+0000\r
TZOFFSETTO:+0100\r
RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=3\r
END:DAYLIGHT\r
END:VTIMEZONE\r
"""


@dataclass
class Answer:
    """One attendee's answer to one of our invitations."""

    uid: str
    attendee: str
    partstat: str = "ACCEPTED"
    sequence: int = 0
    method: str = "REPLY"
    name: str = "A Delegate"
    organizer: str = SECRETARIAT
    client: str = "outlook-windows"
    stamp: datetime = field(
        default_factory=lambda: datetime(2027, 4, 1, 9, 0, next(_ids) % 60, tzinfo=UTC)
    )
    delegated_to: str = ""
    comment: str = ""
    start: str = "20270504T100000"  # wall-clock in Europe/London (or the Outlook zone)
    end: str = "20270504T120000"
    title: str = "Strategic consultation"
    sender: str = ""  # the From address; default: the attendee
    message_id: str = ""

    def ics(self) -> str:
        return "".join(line + "\r\n" for line in self._lines())

    def _lines(self) -> list[str]:
        outlook = self.client.startswith("outlook")
        zone = {"outlook-windows": '"GMT Standard Time"'}.get(
            self.client, "GMT Standard Time" if outlook else "Europe/London"
        )
        params = {
            "outlook-windows": f'PARTSTAT={self.partstat};CN="{self.name}"',
            "outlook-mac": f"ROLE=REQ-PARTICIPANT;PARTSTAT={self.partstat};CN={self.name}",
            "outlook-web": f"PARTSTAT={self.partstat};CN={self.name}",
            "gmail": f"CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT={self.partstat};"
            f"CN={self.name};X-NUM-GUESTS=0",
            "apple": f'CN="{self.name}";PARTSTAT={self.partstat};ROLE=REQ-PARTICIPANT;'
            "SCHEDULE-STATUS=2.0",
            "thunderbird": f"RSVP=TRUE;CN={self.name};PARTSTAT={self.partstat};"
            "ROLE=REQ-PARTICIPANT",
        }[self.client]
        if self.delegated_to:
            params += f';DELEGATED-TO="mailto:{self.delegated_to}"'
        lines = [
            "BEGIN:VCALENDAR",
            f"PRODID:{PRODIDS[self.client]}",
            "VERSION:2.0",
            f"METHOD:{self.method}",
        ]
        if self.client == "apple":
            lines.append("CALSCALE:GREGORIAN")
        if outlook:
            zone_lines = OUTLOOK_ZONE.strip().split("\r\n")
            if self.client == "outlook-mac":  # Entourage's names for the zone, after TZID
                zone_lines[2:2] = ["X-ENTOURAGE-TZID:4", "X-ENTOURAGE-CFTIMEZONE:Europe/London"]
            lines.extend(zone_lines)
        lines += [
            "BEGIN:VEVENT",
            f"ATTENDEE;{params}:mailto:{self.attendee}",
        ]
        if self.delegated_to:
            lines.append(
                f'ATTENDEE;DELEGATED-FROM="mailto:{self.attendee}";PARTSTAT=NEEDS-ACTION:'
                f"mailto:{self.delegated_to}"
            )
        if self.comment:
            lines.append(f"COMMENT:{self.comment}")
        verb = {"ACCEPTED": "Accepted", "DECLINED": "Declined", "TENTATIVE": "Tentative"}
        lines += [
            f"ORGANIZER;CN=Entente Secretariat:mailto:{self.organizer}",
            f"SUMMARY:{verb.get(self.partstat, self.partstat.title())}: {self.title}",
            f"DTSTART;TZID={zone}:{self.start}",
            f"DTEND;TZID={zone}:{self.end}",
            f"UID:{self.uid}",
            f"SEQUENCE:{self.sequence}",
            f"DTSTAMP:{self.stamp:%Y%m%dT%H%M%SZ}",
        ]
        if outlook:
            lines += [
                "CLASS:PUBLIC",
                "PRIORITY:5",
                "TRANSP:OPAQUE",
                "STATUS:CONFIRMED",
                f"X-MICROSOFT-CDO-APPT-SEQUENCE:{self.sequence}",
                f"X-MICROSOFT-CDO-OWNERAPPTID:-{next(_ids)}",
                f"X-MICROSOFT-CDO-REPLYTIME:{self.stamp:%Y%m%dT%H%M%SZ}",
                "X-MICROSOFT-CDO-BUSYSTATUS:BUSY",
                "X-MICROSOFT-CDO-INTENDEDSTATUS:BUSY",
                "X-MICROSOFT-CDO-ALLDAYEVENT:FALSE",
                "X-MICROSOFT-CDO-IMPORTANCE:1",
                "X-MICROSOFT-CDO-INSTTYPE:0",
                "X-MICROSOFT-DISALLOW-COUNTER:FALSE",
            ]
        if self.client == "outlook-windows":
            lines += ["X-MS-OLK-CONFTYPE:0", "X-MS-OLK-AUTOFILLLOCATION:FALSE"]
        if self.client == "gmail":
            lines.append("X-GOOGLE-CONFERENCE:https://meet.google.com/abc-defg-hij")
        lines += ["END:VEVENT", "END:VCALENDAR"]
        return lines

    def email(self) -> bytes:
        return email_for(self.ics(), self.method, self)


def email_for(ics: str, method: str, answer: Answer) -> bytes:
    """The iMIP message around `ics`, in the layout of `answer.client`."""
    calendar = MIMEText(ics, "calendar", "utf-8")
    calendar.set_param("method", method)
    text = MIMEText(f"{answer.name} has answered: {answer.partstat.lower()}.\n", "plain", "utf-8")
    html = MIMEText(
        f'<html><body><p>{answer.name} has answered.</p><img src="https://tracker.example/p.gif">'
        "<script>alert(1)</script></body></html>",
        "html",
        "utf-8",
    )
    client = answer.client
    if client.startswith("outlook"):
        _base64(calendar)
        message: MIMEBase = MIMEMultipart("alternative", _subparts=[text, html, calendar])
    elif client in {"gmail", "thunderbird"}:
        parts = [text, html, calendar] if client == "gmail" else [text, calendar]
        attachment = MIMEApplication(ics.encode(), "ics", name="invite.ics")
        attachment.add_header("Content-Disposition", "attachment", filename="invite.ics")
        message = MIMEMultipart(
            "mixed", _subparts=[MIMEMultipart("alternative", _subparts=parts), attachment]
        )
    else:  # Apple Calendar: the calendar as a quoted-printable attachment beside the text
        qp = email_charset.Charset("utf-8")
        qp.body_encoding = email_charset.QP
        calendar = MIMEText(ics, "calendar", qp)  # type: ignore[arg-type]
        calendar.set_param("method", method)
        calendar.add_header("Content-Disposition", "attachment", filename="iCal-20270401.ics")
        message = MIMEMultipart("mixed", _subparts=[text, calendar])
    verb = {"ACCEPTED": "Accepted", "DECLINED": "Declined", "TENTATIVE": "Tentative"}
    message["Subject"] = f"{verb.get(answer.partstat, answer.partstat.title())}: {answer.title}"
    message["From"] = f"{answer.name} <{answer.sender or answer.attendee}>"
    message["To"] = f"Entente Secretariat <{answer.organizer}>"
    message["Date"] = format_datetime(answer.stamp)
    message["Message-ID"] = answer.message_id or f"<reply-{next(_ids)}@{client}.example>"
    if client == "outlook-windows":
        message["Content-class"] = "urn:content-classes:calendarmessage"
    if client.startswith("outlook"):
        message["Thread-Topic"] = answer.title
        message["X-MS-Has-Attach"] = ""
        message["X-MS-TNEF-Correlator"] = ""
        message["Content-Language"] = "en-GB"
    if client == "gmail":
        message["X-Google-Smtp-Source"] = "AGHT+IF"
    return message.as_bytes()


def _base64(part: MIMEText) -> None:
    payload = part.get_payload(decode=True)
    del part["Content-Transfer-Encoding"]
    part.set_payload(payload)
    from email import encoders

    encoders.encode_base64(part)


def plain_email(body: str, *, sender: str, subject: str = "Hello", html: bool = False) -> bytes:
    part = MIMEText(body, "html" if html else "plain", "utf-8")
    part["Subject"] = subject
    part["From"] = sender
    part["To"] = SECRETARIAT
    part["Message-ID"] = f"<plain-{next(_ids)}@example.org>"
    return part.as_bytes()


def calendar_email(
    ics: str, *, sender: str, method: str = "REPLY", param: str | None = None
) -> bytes:
    """`ics` as it is (malformed, hostile ...) in a minimal iMIP message."""
    part = MIMEText(ics, "calendar", "utf-8")
    part.set_param("method", param if param is not None else method)
    part["Subject"] = "Calendar"
    part["From"] = sender
    part["To"] = SECRETARIAT
    part["Message-ID"] = f"<calendar-{next(_ids)}@example.org>"
    return part.as_bytes()
