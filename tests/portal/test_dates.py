"""Dates are written one way in each language ("2 February 2027", "2 de febrero de 2027"),
and every date field says what it expects and reads what people type."""

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone, translation

from portal.forms import DateField
from portal.templatetags.portal_time import when
from tests.sessions_app.factories import LearningSessionFactory

TUESDAY = datetime(2026, 12, 1, 17, 0, tzinfo=UTC)  # 10:00 in Denver


class OneDate(forms.Form):
    day = DateField(label="Day")


def clean(value, language="en"):
    with translation.override(language):
        form = OneDate({"day": value})
        form.is_valid()
        return form.cleaned_data.get("day"), [str(error) for error in form.errors.get("day", [])]


@pytest.mark.parametrize(
    ("language", "day", "moment"),
    [
        ("en", "2 February 2027", "Tue 1 Dec 2026, 10:00 MST"),
        ("es", "2 de febrero de 2027", "mar 1 dic 2026, 10:00 MST"),
    ],
)
def test_a_day_and_a_moment_are_written_one_way_in_each_language(language, day, moment):
    with translation.override(language), timezone.override("America/Denver"):
        assert formats.date_format(date(2027, 2, 2), "DATE_FORMAT") == day
        assert when(TUESDAY) == moment


def test_spanish_writes_month_abbreviations_in_lower_case():
    with translation.override("es"), timezone.override("UTC"):
        written = [when(datetime(2026, month, 1, tzinfo=UTC)) for month in (12, 1)]
        assert [text.split()[2] for text in written] == ["dic", "ene"]


def test_every_template_writes_dates_with_a_named_format():
    """A literal format in a template ("j M Y") is a second way of writing a date."""
    literal = re.compile(r"""\|date:"(?![A-Z_]+_FORMAT")""")
    offenders = [
        str(path)
        for path in Path(settings.BASE_DIR, "templates").rglob("*")
        if path.suffix in (".html", ".txt") and literal.search(path.read_text())
    ]
    assert offenders == []


@pytest.mark.parametrize(
    ("typed", "language"),
    [
        ("2 February 2027", "en"),
        ("February 2, 2027", "en"),
        ("2 feb 2027", "en"),
        ("Feb. 2nd 2027", "en"),
        ("2027-02-02", "en"),
        ("02/02/2027", "en"),
        ("2 de febrero de 2027", "es"),
        ("2 feb. 2027", "es"),
        ("2 February 2027", "es"),
        ("2/2/2027", "es"),
        ("2027-02-02", "es"),
    ],
)
def test_a_date_field_reads_a_date_as_people_write_it(typed, language):
    assert clean(typed, language) == (date(2027, 2, 2), [])


def test_numbers_follow_the_readers_order():
    assert clean("3/2/2027", "en")[0] == date(2027, 3, 2)  # March 2
    assert clean("3/2/2027", "es")[0] == date(2027, 2, 3)  # 3 de febrero


@pytest.mark.parametrize(
    "typed",
    [
        "31 February 2027",
        "2 Febuary 2027",
        "2/30/2027",
        "2 February",
        "next Tuesday",
        "2027",
        "99999999999 February 2027",
        "2/99999999999999999999/2027",
    ],
)
def test_a_wrongly_typed_date_asks_for_a_real_date_with_an_example(typed):
    assert clean(typed) == (None, ["Enter a real date, for example 2 February 2027."])


def test_the_example_is_written_in_the_readers_language():
    _day, errors = clean("31 de febrero de 2027", "es")
    assert "2 de febrero de 2027" in errors[0]


def test_an_empty_date_asks_for_one_with_an_example():
    assert clean("") == (None, ["Enter a date, for example 2 February 2027."])


def test_an_implausible_year_is_still_refused():
    assert clean("2 February 1027")[1] == ["Choose a date between 2000 and 2100."]


def test_a_date_field_says_the_format_it_expects_and_shows_a_date_that_way():
    form = OneDate(initial={"day": date(2026, 10, 6)})

    html = str(form["day"])
    assert 'type="text"' in html
    assert 'value="6 October 2026"' in html
    assert str(form.fields["day"].help_text) == "For example 2 February 2027."
    with translation.override("es"):
        assert 'value="6 de octubre de 2026"' in str(
            OneDate(initial={"day": date(2026, 10, 6)})["day"]
        )


def test_a_help_text_of_its_own_keeps_the_example():
    field = DateField(help_text="Leave empty to use the program's length.")

    assert str(field.help_text) == (
        "Leave empty to use the program's length. For example 2 February 2027."
    )


def test_a_page_with_a_wrongly_typed_date_says_so_on_the_field_and_keeps_it(client, world):
    session = LearningSessionFactory(cohort=world.cohort1, starts_at=TUESDAY)
    client.force_login(world.fac1)
    url = reverse("sessions_app:session_reschedule", args=[session.pk])

    page = client.get(url).content.decode()
    assert "For example 2 February 2027." in page
    response = client.post(
        url,
        {
            "date": "31 February 2027",
            "start_time": "10:00",
            "time_zone": "America/Denver",
            "reason": "A hearing that day.",
            "action": "preview",
        },
    )

    assert response.context["form"].errors["date"] == [
        "Enter a real date, for example 2 February 2027."
    ]
    assert 'value="31 February 2027"' in response.content.decode()
