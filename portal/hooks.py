"""Announcements from the lower apps to the higher ones.

A lower app (accounts, cohorts) never imports the apps above it. When something changes there
that an app above must react to (a seat ends, a person's email changes), the lower app
announces it through a hook of its own, and the app above subscribes in its
`AppConfig.ready()` — the same shape as `notifications/kinds.py`: a small registry, keyword
arguments only, so a hook can grow an argument without breaking its subscribers' calls.
"""

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Hook:
    name: str
    description: str
    arguments: tuple[str, ...]
    subscribers: list[Callable] = field(default_factory=list, compare=False, repr=False)

    def subscribe(self, handler):
        """Call `handler(**arguments)` on each announcement. Subscribing twice is once."""
        if handler not in self.subscribers:
            self.subscribers.append(handler)
        return handler

    def announce(self, **arguments):
        """Call every subscriber, in the caller's transaction, in the order they subscribed."""
        if set(arguments) != set(self.arguments):
            raise TypeError(
                f"{self.name} takes {sorted(self.arguments)}, was given {sorted(arguments)}"
            )
        for handler in self.subscribers:
            handler(**arguments)
