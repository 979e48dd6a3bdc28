"""Times as people read them: in their own zone (or a given one), with the zone's abbreviation."""

from zoneinfo import ZoneInfo

from django import template
from django.utils import formats, timezone

register = template.Library()


@register.filter(expects_localtime=False)
def when(value, zone=None):
    """'Tue 6 Oct 2026, 10:00 MDT' ('mar 6 oct 2026, 10:00 MDT' in Spanish: DATETIME_FORMAT,
    portal/formats/) in the active zone, or in `zone` when given."""
    if not value:
        return ""
    local = timezone.localtime(value, ZoneInfo(zone) if zone else None)
    return formats.date_format(local, "DATETIME_FORMAT")


@register.filter(expects_localtime=False)
def clock(value, zone=None):
    """'10:00 MDT': the time only, for a table that already shows the date."""
    if not value:
        return ""
    local = timezone.localtime(value, ZoneInfo(zone) if zone else None)
    return formats.date_format(local, "H:i T")


@register.filter
def get_item(mapping, key):
    return mapping.get(key)
