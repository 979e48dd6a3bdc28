"""Time zones a person can choose, the check that a name is one of them, and the zone a
stored name stands for (UTC when it is no longer one we know)."""

import zoneinfo
from functools import cache

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

DEFAULT_TIME_ZONE = "America/New_York"

# The IANA regions whose Area/Location names are places people live. Left out: the host's
# `localtime`, `Factory`, `posixrules`, Etc/GMT+5 and the old aliases (US/Eastern, EST5EDT).
REGIONS = frozenset(
    {
        "Africa",
        "America",
        "Antarctica",
        "Arctic",
        "Asia",
        "Atlantic",
        "Australia",
        "Europe",
        "Indian",
        "Pacific",
    }
)


@cache
def available_time_zones():
    """Area/Location names of the IANA regions, and UTC."""
    located = {
        name
        for name in zoneinfo.available_timezones()
        if "/" in name and name.split("/", 1)[0] in REGIONS
    }
    return frozenset(located | {"UTC"})


def is_known_zone(name):
    return name in available_time_zones()


def zone_or_utc(name):
    """The zone a stored name stands for; UTC when it is not (or no longer) one we know, so a
    bad value in the database never stops a page or an email."""
    return zoneinfo.ZoneInfo(name if is_known_zone(name) else "UTC")


def validate_time_zone(value):
    if not is_known_zone(value):
        raise ValidationError(
            _(
                "“%(value)s” is not a time zone we know. Choose one from the list, "
                "for example America/Denver."
            ),
            code="invalid_time_zone",
            params={"value": value},
        )


@cache
def time_zone_choices():
    """US zones first (where the programs' people live), then every other IANA zone."""
    us = [
        ("America/New_York", _("Eastern (New York)")),
        ("America/Chicago", _("Central (Chicago)")),
        ("America/Denver", _("Mountain (Denver)")),
        ("America/Phoenix", _("Arizona (Phoenix, no daylight saving)")),
        ("America/Los_Angeles", _("Pacific (Los Angeles)")),
        ("America/Anchorage", _("Alaska (Anchorage)")),
        ("Pacific/Honolulu", _("Hawaii (Honolulu)")),
        ("America/Puerto_Rico", _("Atlantic (Puerto Rico)")),
        ("Pacific/Guam", _("Chamorro (Guam)")),
        ("Pacific/Pago_Pago", _("Samoa (Pago Pago)")),
    ]
    listed = {name for name, _label in us}
    others = [(name, name) for name in sorted(available_time_zones()) if name not in listed]
    return [(_("United States"), us), (_("Everywhere else"), others)]
