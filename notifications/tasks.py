"""Thin Celery tasks: ids in, services do the work."""

from celery import shared_task
from django.conf import settings

from notifications import services


@shared_task(ignore_result=True)
def dispatch_due():
    """The minute beat: return expired leases, claim due rows in batches, hand out each."""
    services.release_expired_leases()
    while True:
        claimed = services.claim_batch()
        for pk, token in claimed:
            send.delay(pk, token)
        if len(claimed) < settings.NOTIFICATIONS_BATCH_SIZE:
            return


# One row per task: a time limit counts per task, and each send must end inside its own
# lease (notifications/checks.py). The soft limit raises SoftTimeLimitExceeded mid-send,
# which deliver records as a failed attempt; the hard limit stops the worker process.
@shared_task(
    ignore_result=True,
    soft_time_limit=settings.NOTIFICATIONS_SEND_SOFT_TIME_LIMIT,
    time_limit=settings.NOTIFICATIONS_SEND_TIME_LIMIT,
)
def send(pk, token):
    services.deliver(pk, token)
