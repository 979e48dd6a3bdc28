"""Thin Celery tasks: ids in, services do the work."""

from celery import shared_task
from django.conf import settings

from notifications import services


@shared_task(ignore_result=True)
def dispatch_due():
    """The minute beat: return expired leases, claim due rows in batches, hand them out."""
    services.release_expired_leases()
    while True:
        claimed = services.claim_batch()
        if claimed:
            send_batch.delay(claimed)
        if len(claimed) < settings.NOTIFICATIONS_BATCH_SIZE:
            return


@shared_task(ignore_result=True)
def send_batch(claimed):
    for pk, token in claimed:
        services.deliver(pk, token)
