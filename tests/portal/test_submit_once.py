"""A create form creates once per submission (portal.forms.SubmitOnceMixin, run_service)."""

import threading
import time

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.db import connection

from cohorts.choices import OrganisationKind
from cohorts.models import Organisation
from portal.forms import SubmitOnceMixin, run_service
from portal.models import UsedSubmission
from tests.factories import OrganisationFactory


class OrganisationNameForm(SubmitOnceMixin, forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name"]


def grantee(name):
    return Organisation.objects.create(name=name, kind=OrganisationKind.STATE_GRANTEE, state="AZ")


def create(form, pause=0.0):
    """The service: create the organisation the form names (slowly, if asked)."""

    def action():
        organisation = grantee(form.cleaned_data["name"])
        time.sleep(pause)
        return organisation

    return action


def blank_token():
    return OrganisationNameForm().fields["submission"].initial()


@pytest.mark.django_db
def test_each_blank_form_carries_its_own_token():
    first, second = OrganisationNameForm(), OrganisationNameForm()

    assert first["submission"].value() != second["submission"].value()
    assert 'type="hidden" name="submission"' in str(first["submission"])


@pytest.mark.django_db
def test_a_form_editing_a_saved_object_carries_no_token():
    form = OrganisationNameForm({"name": "Renamed"}, instance=OrganisationFactory())

    assert "submission" not in form.fields
    assert form.is_valid()
    assert run_service(form, lambda: form.save()).name == "Renamed"


@pytest.mark.django_db
def test_the_token_is_not_part_of_the_forms_data():
    form = OrganisationNameForm({"name": "Data Partners", "submission": blank_token()})

    assert form.is_valid()
    assert form.cleaned_data == {"name": "Data Partners"}


@pytest.mark.django_db
def test_a_refused_submission_leaves_its_token_for_the_corrected_one():
    token = blank_token()
    refused = OrganisationNameForm({"name": "Data Partners", "submission": token})

    def refuse():
        grantee("Half made")
        raise ValidationError("The service said no.")

    assert run_service(refused, refuse) is None
    assert refused.non_field_errors() == ["The service said no."]
    assert not UsedSubmission.objects.exists()
    assert not Organisation.objects.exists()

    corrected = OrganisationNameForm({"name": "Data Partners", "submission": token})
    assert run_service(corrected, create(corrected)).name == "Data Partners"


@pytest.mark.django_db
def test_the_same_token_sent_again_creates_nothing_and_points_to_what_was_created():
    token = blank_token()
    first = OrganisationNameForm({"name": "Data Partners", "submission": token})
    created = run_service(first, create(first))
    again = OrganisationNameForm({"name": "Data Partners Two", "submission": token})

    assert run_service(again, create(again)) is None

    assert list(Organisation.objects.values_list("name", flat=True)) == ["Data Partners"]
    (message,) = again.non_field_errors()
    assert message.startswith("This form was already submitted, so nothing new was created.")
    assert f'<a href="{created.get_absolute_url()}">See what it created.</a>' in message


@pytest.mark.django_db
def test_the_same_form_sent_again_is_told_so_even_when_what_it_created_makes_it_invalid():
    token = blank_token()
    first = OrganisationNameForm({"name": "Data Partners", "submission": token})
    created = run_service(first, create(first))
    # The name is taken now, by the organisation the first send created.
    again = OrganisationNameForm({"name": "Data Partners", "submission": token})

    assert run_service(again, create(again)) is None

    assert list(again.errors) == ["__all__"]
    (message,) = again.non_field_errors()
    assert message.startswith("This form was already submitted, so nothing new was created.")
    assert f'<a href="{created.get_absolute_url()}">See what it created.</a>' in message
    assert Organisation.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("token", ["", "x" * 65])
def test_a_missing_or_forged_token_is_a_message_not_an_error(token):
    form = OrganisationNameForm({"name": "Data Partners", "submission": token})

    assert run_service(form, create(form)) is None

    assert form.non_field_errors() == [
        "This page was out of date. Check the form and send it again."
    ]
    assert not Organisation.objects.exists()
    fresh = form["submission"].value()
    assert fresh and fresh != token


@pytest.mark.django_db(transaction=True)
def test_two_submissions_of_one_form_at_the_same_moment_create_once():
    token = blank_token()
    start = threading.Barrier(2)
    results = []

    def submit(name):
        try:
            form = OrganisationNameForm({"name": name, "submission": token})
            form.is_valid()
            start.wait()
            results.append(run_service(form, create(form, pause=0.3)))
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(name,)) for name in ("One", "Two")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert Organisation.objects.count() == 1
    assert sorted(result is None for result in results) == [False, True]
