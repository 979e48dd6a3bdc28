from django.db import models
from django.utils import timezone


class UsedSubmission(models.Model):
    """A create form's one-time token, once the form has created something with it.

    The unique token is what makes a second submission of the same form (the Back button,
    a double click) find the first one instead of creating again (portal.forms.run_service).
    """

    token = models.CharField(max_length=64, unique=True)
    created_url = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"Submission {self.token[:8]}… at {self.at:%Y-%m-%d %H:%M}"
