"""A kind of message for the digest tests only, so they don't depend on any app's kinds:
"cohort_noted", about a cohort, digestible, with its three templates in memory."""

import pytest
from django.utils.translation import gettext_lazy as _

from notifications import kinds

NOTED = "cohort_noted"

TEMPLATES = {
    f"notifications/{NOTED}/subject.txt": "{{ cohort.name }}: {{ row.payload.what }}",
    f"notifications/{NOTED}/body.txt": "{{ row.payload.what }} in {{ cohort.name }}",
    f"notifications/{NOTED}/body.html": "<p>{{ row.payload.what }} in {{ cohort.name }}</p>",
}


def _applies(row, cohort):
    return "The cohort was archived." if cohort.name.startswith("Archived") else None


@pytest.fixture
def noted_kind(settings):
    """The test kind registered, its templates found first (then the portal's own)."""
    settings.TEMPLATES = [
        {
            **settings.TEMPLATES[0],
            "APP_DIRS": False,
            "OPTIONS": {
                **settings.TEMPLATES[0]["OPTIONS"],
                "loaders": [
                    ("django.template.loaders.locmem.Loader", TEMPLATES),
                    "django.template.loaders.filesystem.Loader",
                    "django.template.loaders.app_directories.Loader",
                ],
            },
        }
    ]
    kind = kinds.register(
        kinds.Kind(
            code=NOTED,
            label=_("Cohort notes"),
            description=_("When something is noted about a cohort."),
            context=lambda row, cohort: {"cohort": cohort},
            still_applies=_applies,
            digestible=True,
        )
    )
    yield kind
    kinds.REGISTRY.pop(NOTED, None)
