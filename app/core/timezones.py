"""IANA zone validation and local/UTC conversion that is explicit about DST gaps and folds."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from flask_babel import gettext as _

from app.core.errors import ValidationError
from app.core.validation import in_range, years_message

# THE RULE for time zone names, for every entry point (forms, API, CLI, services, settings):
# an IANA name of the form Area/Location in one of the geographic areas below
# (Europe/London, America/Argentina/Buenos_Aires, Pacific/Kiritimati), or "UTC". Refused:
# POSIX-style and legacy names (EST5EDT, CET, GB, US/Eastern), the Etc/ zones (Etc/GMT+12 is
# twelve hours *behind* UTC, the opposite of how it reads), the "Factory" placeholder, and
# "localtime" / "posix/..." / "right/...", which depend on the server's files. A meeting
# happens somewhere, so its zone names a place.
AREAS = frozenset(
    {
        "Africa",
        "America",
        "Antarctica",
        "Arctic",
        "Asia",
        "Atlantic",
        "Australia",
        "Europe",
        "Indian",
        "Pacific",
    }
)
RULE = "use an IANA Area/Location name such as Europe/London, or UTC"


def is_place_zone(name: str) -> bool:
    """Whether `name` follows the rule above (before asking whether tzdata knows it)."""
    area, slash, _location = name.partition("/")
    return name == "UTC" or (bool(slash) and area in AREAS)


@lru_cache(maxsize=1)
def known_zones() -> frozenset[str]:
    """Every zone name the rule above accepts and the installed tzdata knows."""
    return frozenset(name for name in available_timezones() if is_place_zone(name))


def zone(name: str, *, field: str = "timezone") -> ZoneInfo:
    """The ZoneInfo for a zone name that follows the rule; a clear error for anything else."""
    if not isinstance(name, str) or not name or name not in known_zones():
        shown = name if isinstance(name, str) and len(name) <= 64 else "this"
        raise ValidationError(
            _(
                "Unknown time zone %(shown)s; use an IANA Area/Location name such as "
                "Europe/London, or UTC",
                shown=repr(shown),
            ),
            field=field,
        )
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:  # pragma: no cover - defensive
        raise ValidationError(
            _("Unknown time zone %(name)s", name=repr(name)), field=field
        ) from exc


def local_to_utc(local: datetime, zone_name: str, *, field: str = "start") -> datetime:
    """Interpret a naive wall-clock time in `zone_name`; refuse times that do not exist.

    Ambiguous times (the repeated hour in autumn) take the first, summer-time, reading.
    Years outside MIN_YEAR..MAX_YEAR are refused (at 9999-12-31 or 0001-01-01 the UTC time
    would not even exist).
    """
    in_range(local, field)
    if local.tzinfo is not None:
        return local.astimezone(UTC)
    tz = zone(zone_name)
    aware = local.replace(tzinfo=tz)
    try:
        round_trip = aware.astimezone(UTC).astimezone(tz).replace(tzinfo=None)
    except OverflowError:  # pragma: no cover - the year range keeps a day from either end
        raise ValidationError(years_message(), field=field) from None
    if round_trip != local:
        raise ValidationError(
            _(
                "%(local)s does not exist in %(zone_name)s (clocks go forward)",
                local=format(local, "%d %b %Y %H:%M"),
                zone_name=zone_name,
            ),
            field=field,
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
