"""Thin Celery tasks: ids in, services do the work."""

from celery import shared_task
from django.conf import settings

from notifications import services


@shared_task(ignore_result=True)
def dispatch_due():
    """The minute beat: claim due rows in batches (a row whose lease ran out is due again),
    hand them out."""
    while True:
        claimed = services.claim_batch()
        if claimed:
            send_batch.delay(claimed)
        if len(claimed) < settings.NOTIFICATIONS_BATCH_SIZE:
            return


# Each send must end inside its lease (notifications/checks.py): the soft limit raises
# SoftTimeLimitExceeded mid-send (a failed attempt), the hard limit stops the worker process.
@shared_task(
    ignore_result=True,
    soft_time_limit=settings.NOTIFICATIONS_SEND_SOFT_TIME_LIMIT,
    time_limit=settings.NOTIFICATIONS_SEND_TIME_LIMIT,
)
def send_batch(claimed):
    """Send what time allows; a new task goes on with the rest."""
    rest = services.deliver_batch(claimed)
    if rest:
        send_batch.delay(rest)
