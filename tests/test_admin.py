"""The admin is the staff's fallback: staff who are not superusers can't make anyone a superuser,
put anyone in a group, set anyone's password or read a secret (an invitation's key, a calendar
feed's token). A superuser still can."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.test import RequestFactory
from django.urls import reverse

from accounts.models import STAFF_GROUP, User
from notifications.models import Notification
from portal.admin import SecretFieldsAdmin
from sessions_app.models import CalendarFeed
from tests.factories import InvitationFactory, StaffFactory, UserFactory
from tests.sessions_app.factories import CalendarFeedFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_admin(client):
    client.force_login(StaffFactory())
    return client


@pytest.fixture
def superuser(db):
    return UserFactory(is_superuser=True, full_name="Sue Superuser")


@pytest.fixture
def superuser_admin(client, superuser):
    client.force_login(superuser)
    return client


def change_url(obj):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def form_fields(response):
    return set(response.context["adminform"].form.fields)


def person_data(person, **extra):
    """What the person's change form posts, plus `extra`."""
    return {
        "email": person.email,
        "full_name": person.full_name,
        "time_zone": person.time_zone,
        "language": person.language,
        "is_active": "on",
        "date_joined_0": "2026-01-05",
        "date_joined_1": "09:00:00",
        **extra,
    }


# People -------------------------------------------------------------------------------------


def test_staff_see_no_superuser_groups_or_password_fields(staff_admin):
    person = UserFactory()

    response = staff_admin.get(change_url(person))

    assert response.status_code == 200
    fields = form_fields(response)
    assert "full_name" in fields
    # The login address is a superuser's too: with a password reset it is the account.
    assert not fields & {"email", "is_superuser", "groups", "user_permissions", "password"}
    assert reverse("admin:auth_user_password_change", args=[person.pk]) not in (
        response.content.decode()
    )


def test_a_superuser_sees_them(superuser_admin):
    response = superuser_admin.get(change_url(UserFactory()))

    assert {"is_superuser", "groups", "password"} <= form_fields(response)


def test_staff_posting_superuser_and_groups_change_neither(staff_admin):
    person = UserFactory()
    staff_group = Group.objects.get(name=STAFF_GROUP)

    response = staff_admin.post(
        change_url(person),
        person_data(person, full_name="Renamed", is_superuser="on", groups=[staff_group.pk]),
    )

    assert response.status_code == 302
    person.refresh_from_db()
    assert person.full_name == "Renamed"
    assert not person.is_superuser
    assert not person.groups.exists()


def test_a_superuser_can_make_someone_staff(superuser_admin):
    person = UserFactory()
    staff_group = Group.objects.get(name=STAFF_GROUP)

    response = superuser_admin.post(
        change_url(person), person_data(person, groups=[staff_group.pk])
    )

    assert response.status_code == 302
    assert list(person.groups.all()) == [staff_group]


def test_staff_cannot_open_or_post_another_persons_password_page(staff_admin):
    person = UserFactory()
    person.set_password("the-old-password-1")
    person.save()
    url = reverse("admin:auth_user_password_change", args=[person.pk])

    page = staff_admin.get(url)
    post = staff_admin.post(
        url,
        {
            "password1": "a-new-password-99",
            "password2": "a-new-password-99",
            "usable_password": "true",
        },
    )

    assert (page.status_code, post.status_code) == (403, 403)
    person.refresh_from_db()
    assert person.check_password("the-old-password-1")


def test_a_superuser_can_set_a_password(superuser_admin):
    person = UserFactory()
    url = reverse("admin:auth_user_password_change", args=[person.pk])

    assert superuser_admin.get(url).status_code == 200
    response = superuser_admin.post(
        url,
        {
            "password1": "a-new-password-99",
            "password2": "a-new-password-99",
            "usable_password": "true",
        },
    )

    assert response.status_code == 302
    person.refresh_from_db()
    assert person.check_password("a-new-password-99")


def test_staff_cannot_add_an_account_with_a_password(staff_admin):
    assert staff_admin.get(reverse("admin:accounts_user_add")).status_code == 403
    response = staff_admin.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "made-up@example.test",
            "full_name": "Made Up",
            "password1": "a-new-password-99",
            "password2": "a-new-password-99",
        },
    )
    assert response.status_code == 403
    assert not User.objects.filter(email="made-up@example.test").exists()


def test_staff_cannot_change_or_delete_a_superuser(staff_admin, superuser):
    response = staff_admin.post(change_url(superuser), person_data(superuser, is_active=""))
    delete = staff_admin.post(
        reverse("admin:accounts_user_delete", args=[superuser.pk]), {"post": "yes"}
    )

    assert (response.status_code, delete.status_code) == (403, 403)
    superuser.refresh_from_db()
    assert superuser.is_active


def test_staff_cannot_rename_or_fill_a_group(staff_admin):
    group = Group.objects.get(name=STAFF_GROUP)

    response = staff_admin.post(change_url(group), {"name": "Renamed"})

    assert response.status_code == 403
    assert Group.objects.filter(name=STAFF_GROUP).exists()


def test_staff_cannot_give_a_superuser_a_login_address(staff_admin, superuser):
    """A verified address of their own on a superuser's account would let them reset its
    password."""
    response = staff_admin.post(
        reverse("admin:account_emailaddress_add"),
        {"user": superuser.pk, "email": "mine@example.test", "verified": "on", "primary": "on"},
    )

    assert response.status_code == 403
    assert not EmailAddress.objects.filter(email="mine@example.test").exists()


def test_staff_cannot_readdress_a_ledger_row(staff_admin):
    invitation = InvitationFactory()
    row = Notification.objects.create(
        kind="invitation",
        to_email=invitation.email,
        about=invitation,
        slot="send-0",
        due_at=invitation.created_at,
        not_before=invitation.created_at,
    )

    response = staff_admin.get(change_url(row))

    assert response.status_code == 200
    assert not response.context["adminform"].form.fields
    assert staff_admin.post(change_url(row), {"to_email": "me@example.test"}).status_code == 403
    row.refresh_from_db()
    assert row.to_email == invitation.email


# Secrets ------------------------------------------------------------------------------------


def test_staff_do_not_see_an_invitations_key(staff_admin):
    invitation = InvitationFactory()

    form = staff_admin.get(change_url(invitation))
    listing = staff_admin.get(reverse("admin:accounts_invitation_changelist"))

    assert form.status_code == listing.status_code == 200
    assert invitation.email in listing.content.decode()
    for response in (form, listing):
        assert invitation.key not in response.content.decode()


def test_a_superuser_sees_an_invitations_key(superuser_admin):
    invitation = InvitationFactory()

    response = superuser_admin.get(change_url(invitation))

    assert invitation.key in response.content.decode()


def test_staff_do_not_see_a_calendar_token(staff_admin):
    feed = CalendarFeedFactory()

    form = staff_admin.get(change_url(feed))
    listing = staff_admin.get(reverse("admin:sessions_app_calendarfeed_changelist"))

    assert form.status_code == listing.status_code == 200
    assert str(feed.person) in listing.content.decode()
    for response in (form, listing):
        assert feed.token not in response.content.decode()


def test_staff_cannot_set_a_calendar_token(staff_admin):
    feed = CalendarFeedFactory()

    response = staff_admin.post(
        change_url(feed), {"person": feed.person.pk, "token": "chosen-by-staff"}
    )

    assert response.status_code == 403
    assert CalendarFeed.objects.get().token == feed.token


def test_a_superuser_sees_a_calendar_token(superuser_admin):
    feed = CalendarFeedFactory()

    response = superuser_admin.get(change_url(feed))

    assert feed.token in response.content.decode()


@pytest.mark.parametrize(
    ("factory", "changelist", "lookup"),
    [
        (InvitationFactory, "admin:accounts_invitation_changelist", "key__startswith"),
        (CalendarFeedFactory, "admin:sessions_app_calendarfeed_changelist", "token__startswith"),
    ],
)
def test_staff_cannot_spell_out_a_secret_through_the_lists_filters(
    client, superuser, factory, changelist, lookup
):
    obj = factory()
    secret = obj.key if hasattr(obj, "key") else obj.token
    url = f"{reverse(changelist)}?{lookup}={secret[:3]}"

    client.force_login(StaffFactory())
    refused = client.get(url)
    client.force_login(superuser)
    allowed = client.get(url)

    assert refused.status_code == 400
    assert allowed.status_code == 200


def test_the_view_on_site_shortcut_does_not_open_a_calendar_feed(superuser_admin):
    feed = CalendarFeedFactory()
    content_type = ContentType.objects.get_for_model(CalendarFeed)

    response = superuser_admin.get(reverse("admin:view_on_site", args=[content_type.pk, feed.pk]))

    assert response.status_code == 404


def test_the_view_on_site_shortcut_still_opens_a_public_page(staff_admin):
    invitation = InvitationFactory()
    organisation = invitation.organisation
    content_type = ContentType.objects.get_for_model(organisation)

    response = staff_admin.get(
        reverse("admin:view_on_site", args=[content_type.pk, organisation.pk])
    )

    assert response.status_code == 302
    assert response["Location"].endswith(organisation.get_absolute_url())


def test_secret_fields_stay_out_of_a_list_and_its_search_for_staff(superuser):
    class FeedAdmin(SecretFieldsAdmin):
        list_display = ["person", "token"]
        search_fields = ["person__email", "=token"]
        secret_fields = ["token"]

    model_admin = FeedAdmin(CalendarFeed, None)
    as_staff = RequestFactory().get("/")
    as_staff.user = StaffFactory()
    as_superuser = RequestFactory().get("/")
    as_superuser.user = superuser

    assert model_admin.get_list_display(as_staff) == ["person"]
    assert model_admin.get_search_fields(as_staff) == ["person__email"]
    assert model_admin.get_list_display(as_superuser) == ["person", "token"]
    assert model_admin.get_search_fields(as_superuser) == ["person__email", "=token"]
