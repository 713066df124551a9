"""VTIMEZONEs: yearly rules in the form Outlook reads, and offsets every reader gets right.

Each reader here takes the offsets from the VTIMEZONE itself, not from its own copy of the
IANA database: dateutil (inside vobject), ical (allenporter), icalendar's own converter and,
when node is there, ical.js. They must give zoneinfo's offset at every instant sampled: every
few days from 2019 to 2030 and around each change of the clocks.
"""

from __future__ import annotations

import io
import itertools
import json
import subprocess
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
from dateutil import tz as dateutil_tz
from ical.calendar_stream import IcsCalendarStream
from ical.timezone import IcsTimezoneInfo

from app.feeds import ical
from tests.feeds.readers import JS_DIR, node_available

FIRST_YEAR, LAST_YEAR = 2019, 2030
# Zones whose current rules Outlook can hold: one STANDARD, one DAYLIGHT, each a yearly rule.
RULED = {
    "Europe/London": ("-1SU", 3, "-1SU", 10),
    "Europe/Brussels": ("-1SU", 3, "-1SU", 10),
    "Europe/Dublin": ("-1SU", 3, "-1SU", 10),  # negative DST in tzdata: still summer = daylight
    "America/New_York": ("2SU", 3, "1SU", 11),
    "Australia/Sydney": ("1SU", 10, "1SU", 4),  # summer across the new year
}
OTHERS = [
    "Asia/Tokyo",  # no summer time
    "Asia/Kolkata",  # +0530
    "America/St_Johns",  # -0330 / -0230
    "Australia/Lord_Howe",  # 30-minute summer time
    "Pacific/Chatham",  # +1245 / +1345
    "America/Sao_Paulo",  # summer time abolished in 2019
    "America/Mexico_City",  # ... and in 2022
    "Asia/Tehran",  # ... and in 2022, on fixed dates before that
    "Africa/Casablanca",  # Ramadan hours: no yearly rule at all
    "Pacific/Kiritimati",  # +14
]


def wall_times(zone: str) -> list[datetime]:
    """Local times every 7 hours over the years, and a second and two hours either side of
    each change, leaving out the repeated hour (written in UTC: see app.calendar.local_or_utc) and
    the skipped one (no meeting can start there)."""
    tz = ZoneInfo(zone)
    start, end = datetime(FIRST_YEAR, 1, 1, tzinfo=UTC), datetime(LAST_YEAR + 1, 1, 1, tzinfo=UTC)
    steps = (end - start) // timedelta(hours=7)
    grid = [start + timedelta(hours=7 * step) for step in range(steps)]
    moments = set(grid[::10])
    for before, after in itertools.pairwise(grid):
        if before.astimezone(tz).utcoffset() != after.astimezone(tz).utcoffset():
            low, high = before, after
            while high - low > timedelta(seconds=1):
                middle = (low + (high - low) / 2).replace(microsecond=0)
                same = middle.astimezone(tz).utcoffset() == low.astimezone(tz).utcoffset()
                low, high = (middle, high) if same else (low, middle)
            moments.update(high + timedelta(seconds=delta) for delta in (-7200, -1, 0, 7200))
    local = {moment.astimezone(tz).replace(tzinfo=None, fold=0) for moment in moments}
    return sorted(wall for wall in local if unambiguous(wall, tz))


def unambiguous(wall: datetime, tz: ZoneInfo) -> bool:
    first, second = wall.replace(tzinfo=tz), wall.replace(tzinfo=tz, fold=1)
    exists = first.astimezone(UTC).astimezone(tz).replace(tzinfo=None) == wall
    return exists and first.utcoffset() == second.utcoffset()


def calendar_with(zone: str) -> bytes:
    head = ical.calendar_head("Zones", 60)
    return head + ical.vtimezone_bytes(zone, FIRST_YEAR, LAST_YEAR) + ical.END_CALENDAR


def offsets(reader: tzinfo, walls: list[datetime]) -> list[timedelta]:
    return [wall.replace(tzinfo=reader).utcoffset() or timedelta(0) for wall in walls]


def with_dateutil(body: bytes, zone: str) -> tzinfo:
    reader = dateutil_tz.tzical(io.StringIO(body.decode())).get(zone)
    assert reader is not None
    return reader


def with_ical(body: bytes, zone: str) -> tzinfo:
    (vtimezone,) = IcsCalendarStream.calendar_from_ics(body.decode()).timezones
    return IcsTimezoneInfo.from_timezone(vtimezone)


def with_icalendar(body: bytes, zone: str) -> tzinfo:
    (vtimezone,) = icalendar.Calendar.from_ical(body).walk("VTIMEZONE")
    return vtimezone.to_tz(lookup_tzid=False)


def with_icaljs(body: bytes, zone: str, walls: list[datetime], tmp_path: Path) -> list[timedelta]:
    calendar, wanted = tmp_path / "zone.ics", tmp_path / "walls.json"
    calendar.write_bytes(body)
    wanted.write_text(json.dumps([wall.strftime("%Y-%m-%dT%H:%M:%S") for wall in walls]))
    result = subprocess.run(
        ["node", str(JS_DIR / "zone-offsets.mjs"), str(calendar), str(wanted)],
        capture_output=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr.decode()
    return [timedelta(seconds=seconds) for seconds in json.loads(result.stdout)[zone]]


@pytest.mark.parametrize("zone", [*RULED, *OTHERS])
def test_every_reader_gets_zoneinfo_s_offset_at_every_wall_time(zone, tmp_path):
    body = calendar_with(zone)
    walls = wall_times(zone)
    want = offsets(ZoneInfo(zone), walls)
    readers = {"dateutil": with_dateutil, "icalendar": with_icalendar}
    if zone in RULED:
        # ical (allenporter) expands only RRULEs: it finds no onset in a DTSTART or an RDATE
        # alone (it uses its own copy of the IANA zones for names it knows, as these are).
        readers["ical"] = with_ical
    found = {name: offsets(reader(body, zone), walls) for name, reader in readers.items()}
    if node_available():
        found["ical.js"] = with_icaljs(body, zone, walls, tmp_path)
    for name, got in found.items():
        wrong = [(w, g, e) for w, g, e in zip(walls, got, want, strict=True) if g != e]
        assert not wrong, f"{name} reads {zone} wrongly at {wrong[:3]}"


@pytest.mark.parametrize(("zone", "rules"), RULED.items())
def test_zones_with_summer_time_are_one_standard_and_one_daylight_yearly_rule(zone, rules):
    (vtimezone,) = icalendar.Calendar.from_ical(calendar_with(zone)).walk("VTIMEZONE")
    observances = {sub.name: sub for sub in vtimezone.subcomponents}
    assert len(vtimezone.subcomponents) == 2
    assert set(observances) == {"STANDARD", "DAYLIGHT"}
    daylight_day, daylight_month, standard_day, standard_month = rules
    for name, day, month in (
        ("DAYLIGHT", daylight_day, daylight_month),
        ("STANDARD", standard_day, standard_month),
    ):
        observance = observances[name]
        assert "RDATE" not in observance
        rule = observance["RRULE"]
        assert dict(rule) == {"FREQ": ["YEARLY"], "BYDAY": [day], "BYMONTH": [month]}
        assert observance.decoded("DTSTART").year < FIRST_YEAR  # covers the first day asked
    assert b"RRULE:FREQ=YEARLY;BYDAY=" in calendar_with(zone)


def test_a_zone_without_summer_time_is_one_standard_observance():
    (vtimezone,) = icalendar.Calendar.from_ical(calendar_with("Asia/Tokyo")).walk("VTIMEZONE")
    (observance,) = vtimezone.subcomponents
    assert observance.name == "STANDARD"
    assert str(observance["TZNAME"]) == "JST"
    assert observance["TZOFFSETFROM"].td == observance["TZOFFSETTO"].td == timedelta(hours=9)
    assert "RRULE" not in observance
    assert "RDATE" not in observance


def test_a_rule_that_ended_says_until_when():
    (vtimezone,) = icalendar.Calendar.from_ical(calendar_with("America/Sao_Paulo")).walk(
        "VTIMEZONE"
    )
    rules = [sub["RRULE"] for sub in vtimezone.subcomponents if "RRULE" in sub]
    assert rules
    assert all(rule["UNTIL"][0] <= datetime(2019, 2, 17, 2, 0, tzinfo=UTC) for rule in rules)


@pytest.mark.parametrize("zone", [*RULED, *OTHERS])
def test_no_rdate_lists_which_ical_js_reads_only_the_first_date_of(zone):
    assert b"RDATE" not in calendar_with(zone)


# Meetings years apart in one feed: winter and summer, 2019 and 2030, four zones.
SPREAD = [
    (zone, local, expected_utc)
    for zone, winter_offset, summer_offset in (
        ("Europe/London", 0, 1),
        ("Europe/Brussels", 1, 2),
        ("America/New_York", -5, -4),
        ("Asia/Tokyo", 9, 9),
    )
    for local, offset in (
        (datetime(2019, 1, 15, 10, 0), winter_offset),
        (datetime(2019, 7, 15, 10, 0), summer_offset),
        (datetime(2030, 1, 15, 10, 0), winter_offset),
        (datetime(2030, 7, 15, 10, 0), summer_offset),
    )
    for expected_utc in [(local - timedelta(hours=offset)).replace(tzinfo=UTC)]
]


def test_meetings_years_apart_read_right_in_every_reader(feed, make):
    meetings = [
        (make.meeting(start=local, end=local + timedelta(hours=2), timezone=zone), utc)
        for zone, local, utc in SPREAD
    ]
    _user, path = feed.subscribe(all_history=True)  # 2019 is outside the default window
    got = feed.get(path)
    seen = {event.uid: event.start for event in got.events}  # every reader agreed on these
    assert seen == {meeting.uid: utc for meeting, utc in meetings}
    assert node_available() or not JS_DIR.joinpath("package-lock.json").exists()
