"""Materials: the file checks live on the model, so the page, the service and the admin refuse
alike; a link material is a plain link to its site, never a redirect from the portal's domain."""

from datetime import UTC, datetime
from html.parser import HTMLParser

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sessions_app import services
from sessions_app.models import Material
from tests.factories import StaffFactory, UserFactory
from tests.sessions_app.factories import (
    FileMaterialFactory,
    LearningSessionFactory,
    LinkMaterialFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def facilitator(db):
    return UserFactory(full_name="Fran Facilitator")


@pytest.fixture
def session(facilitator):
    session = LearningSessionFactory(
        title="Kick-off", starts_at=datetime(2026, 10, 6, 16, 0, tzinfo=UTC)
    )
    session.cohort.facilitators.add(facilitator)
    return session


@pytest.fixture
def staff_admin(client):
    client.force_login(StaffFactory())
    return client


def program_file():
    return SimpleUploadedFile("setup.exe", b"MZ\x90\x00", content_type="application/x-msdownload")


def pdf(content=b"%PDF-1.4 agenda"):
    return SimpleUploadedFile("agenda.pdf", content, content_type="application/pdf")


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self._open = [], None

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self._open = {**dict(attrs), "text": ""}

    def handle_data(self, data):
        if self._open is not None:
            self._open["text"] += data

    def handle_endtag(self, tag):
        if tag == "a" and self._open is not None:
            self.links.append(self._open)
            self._open = None


def links_to(response, href):
    reader = _Links()
    reader.feed(response.content.decode())
    return [link for link in reader.links if link.get("href") == href]


# Links --------------------------------------------------------------------------------------


def test_a_link_material_links_to_its_site_and_says_so(client, session, facilitator):
    LinkMaterialFactory(session=session, title="Reading", url="https://example.org/reading")
    client.force_login(facilitator)

    response = client.get(session.get_absolute_url())

    (link,) = links_to(response, "https://example.org/reading")
    assert link["rel"] == "noopener noreferrer"
    assert link["text"] == "Reading (opens another site: example.org)"


def test_a_link_material_has_no_address_on_the_portal(client, session, facilitator):
    material = LinkMaterialFactory(session=session)
    client.force_login(facilitator)
    url = reverse("sessions_app:material_download", args=[session.pk, material.pk])

    response = client.get(url)

    assert response.status_code == 404
    assert links_to(client.get(session.get_absolute_url()), url) == []


def test_a_file_material_still_downloads_through_the_portal(client, session, facilitator, media):
    material = FileMaterialFactory(session=session, title="Slides")
    client.force_login(facilitator)
    url = reverse("sessions_app:material_download", args=[session.pk, material.pk])

    page = client.get(session.get_absolute_url())
    download = client.get(url)

    (link,) = links_to(page, url)
    assert link["text"] == "Slides"
    assert b"".join(download.streaming_content) == b"%PDF-1.4 slides"


# File checks --------------------------------------------------------------------------------


def test_the_service_refuses_a_forbidden_type_on_the_file(session, facilitator, media):
    with pytest.raises(ValidationError) as excinfo:
        services.add_material(session, title="Installer", by=facilitator, file=program_file())

    (message,) = excinfo.value.message_dict["file"]
    assert message.startswith("Files of type “.exe” can't be shared here. Allowed: ")
    assert not Material.objects.exists()


def test_the_admin_refuses_a_forbidden_type(staff_admin, session, media):
    response = staff_admin.post(
        reverse("admin:sessions_app_material_add"),
        admin_data(session, file=program_file()),
    )

    assert response.status_code == 200
    (message,) = response.context["adminform"].form.errors["file"]
    assert message.startswith("Files of type “.exe” can't be shared here.")
    assert not Material.objects.exists()
    assert not list(media.rglob("*.exe"))


def test_the_admin_refuses_a_file_over_the_size_limit(staff_admin, session, media, settings):
    settings.MATERIAL_MAX_BYTES = 10

    response = staff_admin.post(
        reverse("admin:sessions_app_material_add"), admin_data(session, file=pdf())
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["file"] == [
        "This file is 15\xa0bytes; the most a file can be is 10\xa0bytes."
    ]
    assert not Material.objects.exists()


def test_the_admin_takes_a_file_within_the_limits(staff_admin, session, media):
    response = staff_admin.post(
        reverse("admin:sessions_app_material_add"), admin_data(session, file=pdf())
    )

    assert response.status_code == 302
    assert Material.objects.get().filename == "agenda.pdf"


def test_a_stored_file_stays_editable_when_the_limits_tighten(
    staff_admin, session, media, settings
):
    material = FileMaterialFactory(session=session, title="Slides")
    settings.MATERIAL_MAX_BYTES = 1
    settings.MATERIAL_EXTENSIONS = {"txt"}

    response = staff_admin.post(
        reverse("admin:sessions_app_material_change", args=[material.pk]),
        admin_data(session, title="Slides, final"),
    )

    assert response.status_code == 302
    material.refresh_from_db()
    assert material.title == "Slides, final"


def admin_data(session, **changes):
    return {
        "session": session.pk,
        "title": "Agenda",
        "url": "",
        "added_by": session.cohort.facilitators.get().pk,
        "created_at_0": "2026-10-01",
        "created_at_1": "09:00:00",
        **changes,
    }
