from celery import shared_task

from accounts.emails import send_invitation


@shared_task(ignore_result=True)
def send_invitation_email(invitation_id):
    send_invitation(invitation_id)
