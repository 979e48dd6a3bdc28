"""A person's email can change in several places (allauth's email page, the admin): one
receiver on the model notices every one of them and announces it (accounts/hooks.py)."""

from accounts import hooks
from accounts.models import User

PREVIOUS = "_email_before_save"


def remember_email(sender, instance, update_fields=None, **kwargs):
    if instance.pk is None or (update_fields is not None and "email" not in update_fields):
        return
    previous = User.objects.filter(pk=instance.pk).values_list("email", flat=True).first()
    setattr(instance, PREVIOUS, previous)


def announce_email_change(sender, instance, created, **kwargs):
    previous = instance.__dict__.pop(PREVIOUS, None)
    if previous and previous.lower() != instance.email.lower():
        hooks.email_changed.announce(person=instance, old_email=previous)
