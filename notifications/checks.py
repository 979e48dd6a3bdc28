"""Settings that must agree for a send to hold.

A row is leased for NOTIFICATIONS_LEASE_SECONDS from the moment its send starts; when the
lease runs out the row goes back to the queue, and another worker may claim it and send it
again. So every send must be over inside its lease, even when the mail server stops
answering: EMAIL_TIMEOUT bounds each exchange with the server; the task that sends a batch
starts a send only while EMAIL_TIMEOUT is left before its soft time limit, which cuts short
a send still running (a failed attempt, retried); its hard limit stops the worker process.
Each must be shorter than the next.
"""

from itertools import pairwise

from django.conf import settings
from django.core.checks import Error, register

CHAIN = (
    "EMAIL_TIMEOUT",
    "NOTIFICATIONS_SEND_SOFT_TIME_LIMIT",
    "NOTIFICATIONS_SEND_TIME_LIMIT",
    "NOTIFICATIONS_LEASE_SECONDS",
)


@register()
def send_ends_inside_its_lease(app_configs, **kwargs):
    if settings.EMAIL_TIMEOUT is None:
        return [
            Error(
                "EMAIL_TIMEOUT is not set: a mail server that stops answering holds a send "
                "until the worker is stopped.",
                hint=f"Set it well under NOTIFICATIONS_LEASE_SECONDS "
                f"({settings.NOTIFICATIONS_LEASE_SECONDS} s).",
                id="notifications.E001",
            )
        ]
    errors = []
    for shorter, longer in pairwise(CHAIN):
        short, long = getattr(settings, shorter), getattr(settings, longer)
        if short >= long:
            errors.append(
                Error(
                    f"{shorter} ({short:g} s) must be shorter than {longer} ({long:g} s).",
                    hint="A send that outlives its lease can be claimed and sent again by "
                    "another worker: EMAIL_TIMEOUT < NOTIFICATIONS_SEND_SOFT_TIME_LIMIT < "
                    "NOTIFICATIONS_SEND_TIME_LIMIT < NOTIFICATIONS_LEASE_SECONDS.",
                    id="notifications.E002",
                )
            )
    return errors
