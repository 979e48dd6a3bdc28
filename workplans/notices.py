"""The messages a team's working space causes. Each is planned through the ledger
(notifications.services.notify: as it happens, or in the person's daily digest) inside the
transaction of the change, and re-checked at send time."""

from notifications import kinds


def register():
    for kind in [*WORKPLAN_KINDS, *SUPPORT_KINDS]:
        kinds.register(kind)


# Workplans: comments, status changes, review ------------------------------------------------

WORKPLAN_KINDS = []

# Support requests: each step tells the other side ------------------------------------------

SUPPORT_KINDS = []
