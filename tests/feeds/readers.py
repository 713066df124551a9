"""Read a feed with parsers the project does not write it with, and check they agree.

Every feed a test fetches goes through `read_feed`: icalendar (the project's own library),
vobject, recurring-ical-events, ical (allenporter's strict parser) and, when node and
tests/js/node_modules are present, ical.js (the parser inside Thunderbird). Each gives (uid,
UTC start, UTC end, summary); they must agree with each other, and the test then compares
them with what it expects.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import icalendar
import recurring_ical_events
import vobject
from ical.calendar_stream import IcsCalendarStream

JS_DIR = Path(__file__).resolve().parent.parent / "js"


@dataclass(frozen=True, order=True)
class Seen:
    start: datetime  # UTC
    end: datetime
    uid: str
    summary: str


def _utc(value: datetime) -> datetime:
    assert value.tzinfo is not None, "floating time in feed"
    return value.astimezone(UTC)


def with_icalendar(body: bytes) -> list[Seen]:
    calendar = icalendar.Calendar.from_ical(body)
    return sorted(
        Seen(_utc(e.decoded("dtstart")), _utc(e.decoded("dtend")), str(e["uid"]), str(e["summary"]))
        for e in calendar.walk("VEVENT")
    )


def with_vobject(body: bytes) -> list[Seen]:
    # vobject keeps the first VTIMEZONE it ever read for a TZID for the rest of the process:
    # forget earlier ones, so that this calendar is read with its own, as a fresh reader would.
    registry = vars(vobject.icalendar)["__tzidMap"]
    for tzid in [tzid for tzid in registry if tzid != "UTC"]:
        del registry[tzid]
    calendar = vobject.readOne(body.decode("utf-8"))
    events = getattr(calendar, "vevent_list", [])
    return sorted(
        Seen(_utc(e.dtstart.value), _utc(e.dtend.value), e.uid.value, e.summary.value)
        for e in events
    )


def with_recurring_ical_events(body: bytes) -> list[Seen]:
    calendar = icalendar.Calendar.from_ical(body)
    events = recurring_ical_events.of(calendar).between(
        datetime(1970, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC)
    )
    return sorted(
        Seen(_utc(e["DTSTART"].dt), _utc(e["DTEND"].dt), str(e["UID"]), str(e["SUMMARY"]))
        for e in events
    )


def with_ical(body: bytes) -> list[Seen]:
    """ical (allenporter), whose parser is strict about RFC 5545 (it refuses, for instance,
    a missing DTSTAMP or a property value it cannot parse)."""
    calendar = IcsCalendarStream.calendar_from_ics(body.decode("utf-8"))
    return sorted(
        Seen(_utc(e.dtstart), _utc(e.dtend), e.uid or "", e.summary or "") for e in calendar.events
    )


def node_available() -> bool:
    return shutil.which("node") is not None and (JS_DIR / "node_modules" / "ical.js").exists()


def with_icaljs(body: bytes) -> list[Seen]:
    with tempfile.NamedTemporaryFile(suffix=".ics") as handle:
        handle.write(body)
        handle.flush()
        result = subprocess.run(
            ["node", str(JS_DIR / "read-ical.mjs"), handle.name],
            capture_output=True,
            check=False,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr.decode()
        events = json.loads(result.stdout)[handle.name]
    return sorted(
        Seen(
            datetime.fromisoformat(e["start"].replace("Z", "+00:00")),
            datetime.fromisoformat(e["end"].replace("Z", "+00:00")),
            e["uid"],
            e["summary"],
        )
        for e in events
    )


def read_feed(body: bytes) -> list[Seen]:
    """The feed's events as every available reader sees them (asserting that they agree)."""
    own = with_icalendar(body)
    assert with_vobject(body) == own, "vobject disagrees with icalendar"
    assert with_recurring_ical_events(body) == own, "recurring-ical-events disagrees"
    assert with_ical(body) == own, "ical disagrees with icalendar"
    if node_available():
        assert with_icaljs(body) == own, "ical.js disagrees with icalendar"
    return own
