"""IANA zone validation and local/UTC conversion that is explicit about DST gaps and folds."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from app.core.errors import ValidationError


@lru_cache(maxsize=1)
def known_zones() -> frozenset[str]:
    return frozenset(available_timezones())


def zone(name: str, *, field: str = "timezone") -> ZoneInfo:
    """The ZoneInfo for an IANA name; a clear error for anything else."""
    if not name or name not in known_zones():
        raise ValidationError(
            f"Unknown time zone {name!r}; use an IANA name such as Europe/London", field=field
        )
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:  # pragma: no cover - defensive
        raise ValidationError(f"Unknown time zone {name!r}", field=field) from exc


def local_to_utc(local: datetime, zone_name: str, *, field: str = "start") -> datetime:
    """Interpret a naive wall-clock time in `zone_name`; refuse times that do not exist.

    Ambiguous times (the repeated hour in autumn) take the first, summer-time, reading.
    """
    if local.tzinfo is not None:
        return local.astimezone(UTC)
    tz = zone(zone_name)
    aware = local.replace(tzinfo=tz)
    round_trip = aware.astimezone(UTC).astimezone(tz).replace(tzinfo=None)
    if round_trip != local:
        raise ValidationError(
            f"{local:%d %b %Y %H:%M} does not exist in {zone_name} (clocks go forward)", field=field
        )
    return aware.astimezone(UTC)


def utc_to_local(moment: datetime, zone_name: str) -> datetime:
    return moment.astimezone(ZoneInfo(zone_name))


def local_dates(start: datetime, end: datetime, zone_name: str) -> list[date]:
    """Every local calendar date that a meeting from start to end touches in its zone."""
    tz = ZoneInfo(zone_name)
    first = start.astimezone(tz).date()
    last = (end - timedelta(microseconds=1)).astimezone(tz).date()
    return [first + timedelta(days=offset) for offset in range((last - first).days + 1)]


def local_midday_utc(day: date, zone_name: str, at: time = time(10, 0)) -> datetime:
    return datetime.combine(day, at).replace(tzinfo=ZoneInfo(zone_name)).astimezone(UTC)
