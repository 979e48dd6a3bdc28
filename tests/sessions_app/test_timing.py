"""Wall-clock time across daylight-saving changes and across US zones.

2026: the US clocks go forward on Sunday 8 March and back on Sunday 1 November.
Denver is UTC-6 (MDT) before 1 November and UTC-7 (MST) after; Phoenix stays at UTC-7,
Honolulu at UTC-10; Anchorage goes from UTC-8 (AKDT) to UTC-9 (AKST).
"""

from datetime import date, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from portal.templatetags.portal_time import clock, when
from sessions_app.timing import (
    MONTHLY_WEEKDAY,
    WEEKLY,
    nth_weekday,
    ordinal_label,
    outside_working_hours,
    plan_series,
    series_dates,
    to_utc,
)
from tests.conftest import utc
from tests.factories import UserFactory
from tests.sessions_app.factories import LearningSessionFactory
from tests.sessions_app.helpers import page_text

DENVER = "America/Denver"
TUESDAY = 1


@pytest.fixture(autouse=True)
def _late_summer():
    """Planning happens in September; nothing here may depend on the real clock."""
    with time_machine.travel(utc(2026, 9, 1, 15, 0), tick=False):
        yield


def test_monthly_series_at_ten_in_denver_stays_at_ten_after_the_november_change():
    planned = plan_series(date(2026, 10, 6), time(10, 0), DENVER, MONTHLY_WEEKDAY, 3)

    assert [p.local_date for p in planned] == [
        date(2026, 10, 6),
        date(2026, 11, 3),
        date(2026, 12, 1),
    ]
    assert [p.starts_at for p in planned] == [
        utc(2026, 10, 6, 16, 0),
        utc(2026, 11, 3, 17, 0),
        utc(2026, 12, 1, 17, 0),
    ]
    assert [clock(p.starts_at, DENVER) for p in planned] == ["10:00 MDT", "10:00 MST", "10:00 MST"]


def test_weekly_series_at_ten_in_denver_stays_at_ten_every_week_from_october_to_december():
    planned = plan_series(date(2026, 10, 6), time(10, 0), DENVER, WEEKLY, 13, every_weeks=1)

    assert planned[0].local_date == date(2026, 10, 6)
    assert planned[-1].local_date == date(2026, 12, 29)
    for plan in planned:
        local = timezone.localtime(plan.starts_at, ZoneInfo(DENVER))
        assert (local.date(), local.time()) == (plan.local_date, time(10, 0))
        expected_utc_hour = 16 if plan.local_date < date(2026, 11, 1) else 17
        assert plan.starts_at.hour == expected_utc_hour
        assert plan.starts_at.minute == 0
    assert [p.starts_at.hour for p in planned].count(16) == 4  # 6, 13, 20 and 27 October


def test_every_two_weeks_keeps_the_wall_clock_time_across_the_change():
    planned = plan_series(date(2026, 10, 20), time(10, 0), DENVER, WEEKLY, 3, every_weeks=2)

    assert [p.starts_at for p in planned] == [
        utc(2026, 10, 20, 16, 0),
        utc(2026, 11, 3, 17, 0),
        utc(2026, 11, 17, 17, 0),
    ]


@pytest.mark.parametrize(
    ("zone", "before_change", "after_change"),
    [
        ("America/Denver", "Tue 6 Oct 2026, 10:00 MDT", "Tue 3 Nov 2026, 10:00 MST"),
        # Arizona keeps no daylight saving: the session moves from 9:00 to 10:00 there.
        ("America/Phoenix", "Tue 6 Oct 2026, 09:00 MST", "Tue 3 Nov 2026, 10:00 MST"),
        # Hawaii neither: from 6:00 to 7:00.
        ("Pacific/Honolulu", "Tue 6 Oct 2026, 06:00 HST", "Tue 3 Nov 2026, 07:00 HST"),
        # Alaska changes on the same night as Denver: 8:00 both times, with a new abbreviation.
        ("America/Anchorage", "Tue 6 Oct 2026, 08:00 AKDT", "Tue 3 Nov 2026, 08:00 AKST"),
    ],
)
def test_a_denver_series_shows_at_the_right_local_time_in_each_zone(
    zone, before_change, after_change
):
    october, november, _december = plan_series(
        date(2026, 10, 6), time(10, 0), DENVER, MONTHLY_WEEKDAY, 3
    )

    assert when(october.starts_at, zone) == before_change
    assert when(november.starts_at, zone) == after_change
    assert clock(november.starts_at, zone) == after_change.rsplit(", ", 1)[1]


def test_the_filters_follow_the_active_zone_when_none_is_given():
    november = utc(2026, 11, 3, 17, 0)
    with timezone.override(ZoneInfo("Pacific/Honolulu")):
        assert when(november) == "Tue 3 Nov 2026, 07:00 HST"
        assert clock(november) == "07:00 HST"
    with timezone.override(ZoneInfo("America/Anchorage")):
        assert clock(november) == "08:00 AKST"


@pytest.mark.parametrize(
    ("zone", "october", "november"),
    [
        ("America/Denver", "Tue 6 Oct 2026, 10:00 MDT", "Tue 3 Nov 2026, 10:00 MST"),
        ("America/Phoenix", "Tue 6 Oct 2026, 09:00 MST", "Tue 3 Nov 2026, 10:00 MST"),
        ("Pacific/Honolulu", "Tue 6 Oct 2026, 06:00 HST", "Tue 3 Nov 2026, 07:00 HST"),
        ("America/Anchorage", "Tue 6 Oct 2026, 08:00 AKDT", "Tue 3 Nov 2026, 08:00 AKST"),
    ],
)
def test_the_session_page_shows_each_viewer_the_time_in_their_own_zone(
    client, zones_cohort, zone, october, november
):
    viewer = UserFactory(time_zone=zone)
    zones_cohort.facilitators.add(viewer)
    first = LearningSessionFactory(cohort=zones_cohort, starts_at=utc(2026, 10, 6, 16, 0))
    second = LearningSessionFactory(cohort=zones_cohort, starts_at=utc(2026, 11, 3, 17, 0))
    client.force_login(viewer)

    assert october in page_text(client.get(first.get_absolute_url()))
    assert november in page_text(client.get(second.get_absolute_url()))


def test_the_skipped_hour_in_march_is_refused_as_a_time_that_does_not_exist():
    with pytest.raises(ValidationError) as caught:
        to_utc(date(2026, 3, 8), time(2, 30), DENVER)

    assert caught.value.code == "nonexistent_time"
    assert "does not exist in America/Denver" in caught.value.messages[0]


def test_the_repeated_hour_in_november_is_refused_as_ambiguous():
    with pytest.raises(ValidationError) as caught:
        to_utc(date(2026, 11, 1), time(1, 30), DENVER)

    assert caught.value.code == "ambiguous_time"
    assert "happens twice in America/Denver" in caught.value.messages[0]


def test_the_hours_either_side_of_the_changes_are_accepted():
    assert to_utc(date(2026, 3, 8), time(1, 59), DENVER) == utc(2026, 3, 8, 8, 59)
    assert to_utc(date(2026, 3, 8), time(3, 0), DENVER) == utc(2026, 3, 8, 9, 0)
    assert to_utc(date(2026, 11, 1), time(0, 59), DENVER) == utc(2026, 11, 1, 6, 59)
    assert to_utc(date(2026, 11, 1), time(2, 0), DENVER) == utc(2026, 11, 1, 9, 0)


def test_arizona_has_no_skipped_or_repeated_hour():
    assert to_utc(date(2026, 3, 8), time(2, 30), "America/Phoenix") == utc(2026, 3, 8, 9, 30)
    assert to_utc(date(2026, 11, 1), time(1, 30), "America/Phoenix") == utc(2026, 11, 1, 8, 30)


def test_a_weekly_series_crossing_the_skipped_hour_names_only_the_bad_date():
    with pytest.raises(ValidationError) as caught:
        plan_series(date(2026, 3, 1), time(2, 30), DENVER, WEEKLY, 3, every_weeks=1)

    assert [error.code for error in caught.value.error_list] == ["nonexistent_time"]
    assert "8 March 2026" in caught.value.messages[0]


def test_nth_weekday_finds_the_first_tuesday():
    assert nth_weekday(2026, 10, TUESDAY, 1) == date(2026, 10, 6)
    assert nth_weekday(2026, 11, TUESDAY, 1) == date(2026, 11, 3)


def test_nth_weekday_five_is_the_fifth_when_a_month_has_one():
    assert nth_weekday(2026, 9, TUESDAY, 5) == date(2026, 9, 29)
    assert nth_weekday(2026, 12, TUESDAY, 5) == date(2026, 12, 29)


def test_nth_weekday_five_is_the_last_when_a_month_has_only_four():
    assert nth_weekday(2026, 10, TUESDAY, 5) == date(2026, 10, 27)
    assert nth_weekday(2026, 11, TUESDAY, 5) == date(2026, 11, 24)
    assert nth_weekday(2026, 2, TUESDAY, 5) == date(2026, 2, 24)


def test_a_monthly_series_from_a_fifth_tuesday_falls_on_the_last_tuesday_of_each_month():
    first = date(2026, 9, 29)

    assert ordinal_label(first) == "last"
    assert series_dates(first, MONTHLY_WEEKDAY, 4) == [
        date(2026, 9, 29),
        date(2026, 10, 27),
        date(2026, 11, 24),
        date(2026, 12, 29),
    ]


def test_a_monthly_series_from_a_first_tuesday_is_called_the_first():
    assert ordinal_label(date(2026, 10, 6)) == "first"


def test_ten_in_denver_is_outside_working_hours_only_in_hawaii():
    start = utc(2026, 10, 6, 16, 0)

    assert outside_working_hours(start, 90, "Pacific/Honolulu")
    assert not outside_working_hours(start, 90, "America/Anchorage")  # 8:00 exactly
    assert not outside_working_hours(start, 90, "America/Phoenix")
    assert not outside_working_hours(start, 90, DENVER)
