"""Time zones a person can choose, and the check that a name is a real IANA zone."""

import zoneinfo
from functools import cache

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

DEFAULT_TIME_ZONE = "America/New_York"


@cache
def available_time_zones():
    return frozenset(zoneinfo.available_timezones())


def validate_time_zone(value):
    if value not in available_time_zones():
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
