"""Time zones a person can choose, the check that a name is one of them, and the zone a
stored name stands for (UTC when it is no longer one we know)."""

import unicodedata
import zoneinfo
from functools import cache

from django.core.exceptions import ValidationError
from django.utils import translation
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


# The zones the programs' people live in, first and by plain names; the rest go by their IANA
# names. Django and Python name zones only in English (IANA names, abbreviations like MST):
# these plain names are the portal's own, translated like any other string.
US_ZONES = [
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
US_LABELS = dict(US_ZONES)


def _fold(text):
    """What is compared when a zone is typed: no case, accents, underscores or extra spaces."""
    decomposed = unicodedata.normalize("NFKD", str(text).casefold().replace("_", " "))
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(plain.split())


def zone_label(name):
    """How a zone is shown and typed: a US zone by its plain name in the reader's language,
    any other by its IANA name with spaces ("America/Argentina/Buenos Aires")."""
    if name in US_LABELS:
        return str(US_LABELS[name])
    return name.replace("_", " ")


@cache
def _other_zones():
    return [name for name in sorted(available_time_zones()) if name not in US_LABELS]


def zone_labels():
    """Every zone as the time-zone field suggests it: the US zones first, then the rest A–Z."""
    return [zone_label(name) for name, _label in US_ZONES] + [
        zone_label(name) for name in _other_zones()
    ]


@cache
def _by_name():
    """Folded IANA names and, where only one zone has it, folded city names → zone."""
    found = {_fold(name): name for name in available_time_zones()}
    cities = {}
    for name in available_time_zones():
        cities.setdefault(_fold(name.rsplit("/", 1)[-1]), []).append(name)
    found.update({city: names[0] for city, names in cities.items() if len(names) == 1})
    return found


def find_zone(text):
    """The zone a typed text names, or None: a US plain name (in the reader's language or in
    English), an IANA name in any case with spaces or underscores, or a city only one zone
    has ("Madrid", "denver")."""
    typed = _fold(text)
    for name, label in US_ZONES:
        with translation.override("en"):
            english = str(label)
        if typed in (_fold(label), _fold(english)):
            return name
    return _by_name().get(typed)
