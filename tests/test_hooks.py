"""The hooks lower apps announce through (portal/hooks.py)."""

import pytest

from accounts import hooks as account_hooks
from cohorts import hooks as cohort_hooks
from portal.hooks import Hook


def test_subscribers_are_called_in_order_with_keyword_arguments():
    hook = Hook(name="test.thing", description="A test hook.", arguments=("thing",))
    calls = []
    hook.subscribe(lambda *, thing: calls.append(("first", thing)))
    hook.subscribe(lambda *, thing: calls.append(("second", thing)))

    hook.announce(thing=1)

    assert calls == [("first", 1), ("second", 1)]


def test_an_announcement_with_the_wrong_arguments_is_refused():
    hook = Hook(name="test.thing", description="A test hook.", arguments=("thing",))

    with pytest.raises(TypeError, match="takes"):
        hook.announce(other=1)


def test_subscribing_twice_is_once():
    hook = Hook(name="test.thing", description="A test hook.", arguments=("thing",))
    calls = []

    def handler(*, thing):
        calls.append(thing)

    hook.subscribe(handler)
    hook.subscribe(handler)
    hook.announce(thing=1)

    assert calls == [1]


@pytest.mark.parametrize(
    "hook",
    [
        cohort_hooks.people_changed,
        cohort_hooks.cohort_saved,
        cohort_hooks.program_saved,
        cohort_hooks.cohort_completed,
        account_hooks.email_changed,
        account_hooks.invitation_sent,
        account_hooks.invitation_revoked,
    ],
    ids=lambda hook: hook.name,
)
def test_every_hook_of_the_lower_apps_has_a_subscriber_above(hook):
    assert hook.subscribers
