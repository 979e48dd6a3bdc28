"""The kinds of message the portal sends. Each app registers its own (in AppConfig.ready),
so planning, the send-time re-check and rendering stay general: nothing here knows what a
session or a check-in is."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

REGISTRY: dict[str, "Kind"] = {}


def _nothing(row, obj):
    return []


def always_applies(row, obj):
    """For messages that stay right whatever happens after they are planned."""
    return None


@dataclass(frozen=True)
class Kind:
    code: str
    label: Any  # a lazy translation
    description: Any
    # Extra template context, from the row and the object it is about.
    context: Callable
    # None when the message still applies at send time, else why it no longer does.
    still_applies: Callable
    attachments: Callable = field(default=_nothing)
    # The object to lock while re-checking and rendering (so a concurrent change waits).
    lock: Callable | None = None
    # What the rows are about, in words, for the Outbox and a person's list of emails:
    # describe(objects) → {pk: label}, for objects of one model read in one query.
    describe: Callable | None = None
    # Whether a person may choose to get it in their daily digest instead of as it happens
    # ("Your emails"; services.notify).
    digestible: bool = False

    @property
    def template_dir(self):
        return f"notifications/{self.code}"


def register(kind):
    REGISTRY[kind.code] = kind
    return kind


def register_all(table, **shared):
    """Register (code, label, description, still_applies) rows that share everything else."""
    for code, label, description, still_applies in table:
        register(
            Kind(
                code=code,
                label=label,
                description=description,
                still_applies=still_applies,
                **shared,
            )
        )


def get(code):
    return REGISTRY[code]


def choices():
    return [(kind.code, kind.label) for kind in REGISTRY.values()]
