"""Wall-clock time in a zone, turned into UTC instants — honestly.

A series keeps its local time across daylight-saving changes: each date is combined with
the same local time in the planning zone and only then converted to UTC. A local time that
does not exist (the skipped hour in March) or happens twice (the repeated hour in November)
is refused with a message, never guessed.
"""

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.translation import gettext as _

WEEKLY = "weekly"
MONTHLY_WEEKDAY = "monthly_weekday"
WORKDAY_START, WORKDAY_END = time(8, 0), time(20, 0)


def _describe(day, at):
    return _("%(time)s on %(date)s") % {
        "time": at.strftime("%H:%M"),
        "date": formats.date_format(day, "DATE_FORMAT"),
    }


def to_utc(day: date, at: time, zone: str) -> datetime:
    """The UTC instant of a local date and time in `zone`, or a ValidationError."""
    tz = ZoneInfo(zone)
    early = datetime.combine(day, at, tzinfo=tz)
    late = early.replace(fold=1)
    round_trip = early.astimezone(UTC).astimezone(tz)
    if (round_trip.date(), round_trip.time()) != (day, at):
        raise ValidationError(
            _(
                "%(when)s does not exist in %(zone)s: the clocks go forward that night. "
                "Choose a time an hour later or earlier."
            )
            % {"when": _describe(day, at), "zone": zone},
            code="nonexistent_time",
        )
    if early.utcoffset() != late.utcoffset():
        raise ValidationError(
            _(
                "%(when)s happens twice in %(zone)s: the clocks go back that night. "
                "Choose a time outside 1:00–2:00."
            )
            % {"when": _describe(day, at), "zone": zone},
            code="ambiguous_time",
        )
    return early.astimezone(UTC)


def nth_weekday(year, month, weekday, ordinal):
    """The `ordinal`-th `weekday` of a month (ordinal 5 means the last one)."""
    days = [week[weekday] for week in calendar.monthcalendar(year, month) if week[weekday] != 0]
    return date(year, month, days[min(ordinal, len(days)) - 1])


def series_dates(first: date, rule: str, count: int, every_weeks: int = 1):
    """Local dates of a series: every N weeks, or the same weekday-of-month each month."""
    if rule == WEEKLY:
        return [first + timedelta(weeks=every_weeks * i) for i in range(count)]
    ordinal = (first.day - 1) // 7 + 1
    result = []
    for i in range(count):
        month = first + relativedelta(months=i)
        result.append(nth_weekday(month.year, month.month, first.weekday(), ordinal))
    return result


def ordinal_label(first: date):
    ordinal = (first.day - 1) // 7 + 1
    names = {1: _("first"), 2: _("second"), 3: _("third"), 4: _("fourth"), 5: _("last")}
    return names[ordinal]


@dataclass(frozen=True)
class PlannedTime:
    local_date: date
    starts_at: datetime


def plan_series(first: date, at: time, zone: str, rule: str, count: int, every_weeks: int = 1):
    """Every session's UTC start for a series, or one ValidationError naming each bad date."""
    planned, errors = [], []
    for day in series_dates(first, rule, count, every_weeks):
        try:
            planned.append(PlannedTime(day, to_utc(day, at, zone)))
        except ValidationError as error:
            errors.extend(error.error_list)
    if errors:
        raise ValidationError(errors)
    return planned


def outside_working_hours(starts_at: datetime, minutes: int, zone: str) -> bool:
    tz = ZoneInfo(zone)
    start = starts_at.astimezone(tz)
    end = (starts_at + timedelta(minutes=minutes)).astimezone(tz)
    return start.time() < WORKDAY_START or end.date() != start.date() or end.time() > WORKDAY_END
