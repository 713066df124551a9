"""VTIMEZONE components (RFC 5545 section 3.6.5) that Outlook reads as well as everyone else.

Outlook turns a VTIMEZONE into a Windows zone: one standard and one daylight rule, each a
yearly "n-th weekday of a month" (`RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU`). Given the other
legal form, every transition listed as an RDATE, it finds no rule, takes the zone for one
without summer time and shows every summer meeting an hour out. So the zone's transitions are
grouped into such yearly rules wherever they follow one (Europe, North America, Australia:
one STANDARD and one DAYLIGHT, open-ended). What follows no rule (a one-off change,
Morocco's Ramadan hours) gets an observance of its own, with its DTSTART only: no RDATE
lists either, as ical.js (Thunderbird, Nextcloud) reads only the first date of an RDATE line
and skips the DTSTART of an observance that has one.

The transitions come from zoneinfo itself, over the years asked for (and the year before, so
that the first observance starts before the first day asked for).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from icalendar import Timezone, TimezoneDaylight, TimezoneStandard

_DAY = timedelta(days=1)
_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
# (offset, name, dst): what a reader must get right on each side of a transition.
_State = tuple[timedelta, str, timedelta]


@dataclass(frozen=True)
class _Change:
    at: datetime  # UTC instant of the change
    before: _State
    after: _State

    @property
    def onset(self) -> datetime:
        """Wall-clock time of the change as read before it (DTSTART of an observance)."""
        return (self.at + self.before[0]).replace(tzinfo=None)

    @property
    def daylight(self) -> bool:
        """Summer time starts. (Dublin's winter time has a negative DST in tzdata: its end
        counts as summer time starting.)"""
        return self.after[2] > timedelta(0) or (
            self.before[2] < timedelta(0) and self.after[2] == timedelta(0)
        )

    @property
    def kind(self) -> tuple[bool, timedelta, timedelta, str, int, int, object]:
        """What a yearly rule keeps fixed: observance, offsets, name, month, weekday, time."""
        onset = self.onset
        return (
            self.daylight,
            self.before[0],
            self.after[0],
            self.after[1],
            onset.month,
            onset.weekday(),
            onset.time(),
        )

    @property
    def ordinals(self) -> frozenset[int]:
        """Which n-th weekday of its month the onset is: 1-4, and -1 when it is the last."""
        onset = self.onset
        found = {(onset.day - 1) // 7 + 1} - {5}
        if onset.day + 7 > calendar.monthrange(onset.year, onset.month)[1]:
            found.add(-1)
        return frozenset(found)


@dataclass
class _Rule:
    """Changes one per year in consecutive years on the same n-th weekday."""

    changes: list[_Change]
    ordinals: frozenset[int]
    open_ended: bool = field(default=False)


def vtimezone(zone_name: str, first: date, last: date) -> Timezone:
    """A VTIMEZONE for `zone_name`, right for every time from `first` to `last` (and, where
    the zone follows a yearly rule up to `last`, after it)."""
    component = Timezone()
    component.add("tzid", zone_name)
    for observance in _observances(zone_name, first.year - 1, last.year):
        component.add_component(observance)
    return component


@lru_cache(maxsize=256)
def _changes(zone_name: str, first_year: int, last_year: int) -> tuple[_State, list[_Change]]:
    """The state on 1 January of `first_year` and every change up to the end of `last_year`."""
    zone = ZoneInfo(zone_name)
    moment = datetime(first_year, 1, 1, tzinfo=UTC)
    end = datetime(last_year + 1, 1, 1, tzinfo=UTC)
    initial = state = _state(moment, zone)
    changes: list[_Change] = []
    while moment < end:
        following = _state(moment + _DAY, zone)
        if following != state:
            at = _bisect(moment, moment + _DAY, zone, state)
            changes.append(_Change(at, state, _state(at, zone)))
            moment, state = at, _state(at, zone)
            continue
        moment += _DAY
    return initial, changes


def _state(moment: datetime, zone: ZoneInfo) -> _State:
    local = moment.astimezone(zone)
    return (
        local.utcoffset() or timedelta(0),
        local.tzname() or "",
        local.dst() or timedelta(0),
    )


def _bisect(low: datetime, high: datetime, zone: ZoneInfo, before: _State) -> datetime:
    """The first second after `low` whose state differs from `before` (it does at `high`)."""
    while high - low > timedelta(seconds=1):
        middle = low + (high - low) / 2
        middle = middle.replace(microsecond=0)
        if _state(middle, zone) == before:
            low = middle
        else:
            high = middle
    return high


def _rules(changes: list[_Change], last_year: int) -> tuple[list[_Rule], list[_Change]]:
    """Split changes into yearly rules (two or more years) and the rest."""
    rules: list[_Rule] = []
    current: dict[object, _Rule] = {}
    for change in changes:
        rule = current.get(change.kind)
        common = rule.ordinals & change.ordinals if rule else frozenset()
        if rule and common and change.onset.year == rule.changes[-1].onset.year + 1:
            rule.changes.append(change)
            rule.ordinals = common
        else:
            current[change.kind] = _Rule([change], change.ordinals)
            rules.append(current[change.kind])
    singles = [rule.changes[0] for rule in rules if len(rule.changes) == 1]
    yearly = [rule for rule in rules if len(rule.changes) > 1]
    for rule in yearly:
        rule.open_ended = rule.changes[-1].onset.year >= last_year
    return yearly, singles


def _observances(
    zone_name: str, first_year: int, last_year: int
) -> list[TimezoneStandard | TimezoneDaylight]:
    initial, changes = _changes(zone_name, first_year, last_year)
    yearly, singles = _rules(changes, last_year)
    observances: list[TimezoneStandard | TimezoneDaylight] = []
    if not changes or changes[0].at.year > first_year:
        # Nothing changes in the first year: say what holds from its start.
        start = _Change(datetime(first_year, 1, 1, tzinfo=UTC) - initial[0], initial, initial)
        singles.insert(0, start)
    for rule in yearly:
        observance = _observance(rule.changes[0])
        recurrence: dict[str, object] = {"FREQ": "YEARLY"}
        if not rule.open_ended:
            recurrence["UNTIL"] = rule.changes[-1].at
        recurrence["BYMONTH"] = rule.changes[0].onset.month
        ordinal = max(rule.ordinals) if -1 not in rule.ordinals else -1
        recurrence["BYDAY"] = f"{ordinal}{_WEEKDAYS[rule.changes[0].onset.weekday()]}"
        observance.add("rrule", recurrence)
        observances.append(observance)
    observances += [_observance(change) for change in singles]
    observances.sort(key=lambda item: item.DTSTART)
    return observances


def _observance(change: _Change) -> TimezoneStandard | TimezoneDaylight:
    observance = TimezoneDaylight() if change.daylight else TimezoneStandard()
    observance.add("dtstart", change.onset)
    observance.add("tzoffsetfrom", change.before[0])
    observance.add("tzoffsetto", change.after[0])
    if change.after[1]:
        observance.add("tzname", change.after[1])
    return observance
