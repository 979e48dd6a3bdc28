"""What accounts announce to the apps above them (see portal/hooks.py)."""

from portal.hooks import Hook

email_changed = Hook(
    name="accounts.email_changed",
    description="A person's email address changed.",
    arguments=("person", "old_email"),
)

invitation_sent = Hook(
    name="accounts.invitation_sent",
    description="An invitation was sent (or sent again), or a role was added to an account.",
    arguments=("invitation",),
)

invitation_revoked = Hook(
    name="accounts.invitation_revoked",
    description="An invitation was revoked before it was used.",
    arguments=("invitation",),
)
