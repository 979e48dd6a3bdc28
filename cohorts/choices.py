"""Choices shared by several apps. No model imports here, so any app may use them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TeamRole(models.TextChoices):
    EXECUTIVE_DIRECTOR = "executive_director", _("Executive director")
    TEAM_LEAD = "team_lead", _("Team lead")
    MEMBER = "member", _("Team member")


class OrganisationKind(models.TextChoices):
    STATE_GRANTEE = "state_grantee", _("State grantee")
    PLANNING_PARTNER = "planning_partner", _("Planning partner")
    FUNDER = "funder", _("Funder")


class FocusArea(models.TextChoices):
    DATA = "data", _("Data")
    IMMIGRANT_REFUGEE = "immigrant_refugee", _("Immigrant and refugee communities")
    POLICY = "policy", _("Policy")
    COMMUNICATIONS = "communications", _("Communications")


class CohortStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ACTIVE = "active", _("Active")
    COMPLETED = "completed", _("Completed")


# US states, the District of Columbia and the territories, with the time zone most of
# their people live in (the default for a new person of a grantee in that state).
US_STATES = [
    ("AL", _("Alabama"), "America/Chicago"),
    ("AK", _("Alaska"), "America/Anchorage"),
    ("AZ", _("Arizona"), "America/Phoenix"),
    ("AR", _("Arkansas"), "America/Chicago"),
    ("CA", _("California"), "America/Los_Angeles"),
    ("CO", _("Colorado"), "America/Denver"),
    ("CT", _("Connecticut"), "America/New_York"),
    ("DE", _("Delaware"), "America/New_York"),
    ("DC", _("District of Columbia"), "America/New_York"),
    ("FL", _("Florida"), "America/New_York"),
    ("GA", _("Georgia"), "America/New_York"),
    ("HI", _("Hawaii"), "Pacific/Honolulu"),
    ("ID", _("Idaho"), "America/Boise"),
    ("IL", _("Illinois"), "America/Chicago"),
    ("IN", _("Indiana"), "America/Indiana/Indianapolis"),
    ("IA", _("Iowa"), "America/Chicago"),
    ("KS", _("Kansas"), "America/Chicago"),
    ("KY", _("Kentucky"), "America/New_York"),
    ("LA", _("Louisiana"), "America/Chicago"),
    ("ME", _("Maine"), "America/New_York"),
    ("MD", _("Maryland"), "America/New_York"),
    ("MA", _("Massachusetts"), "America/New_York"),
    ("MI", _("Michigan"), "America/Detroit"),
    ("MN", _("Minnesota"), "America/Chicago"),
    ("MS", _("Mississippi"), "America/Chicago"),
    ("MO", _("Missouri"), "America/Chicago"),
    ("MT", _("Montana"), "America/Denver"),
    ("NE", _("Nebraska"), "America/Chicago"),
    ("NV", _("Nevada"), "America/Los_Angeles"),
    ("NH", _("New Hampshire"), "America/New_York"),
    ("NJ", _("New Jersey"), "America/New_York"),
    ("NM", _("New Mexico"), "America/Denver"),
    ("NY", _("New York"), "America/New_York"),
    ("NC", _("North Carolina"), "America/New_York"),
    ("ND", _("North Dakota"), "America/Chicago"),
    ("OH", _("Ohio"), "America/New_York"),
    ("OK", _("Oklahoma"), "America/Chicago"),
    ("OR", _("Oregon"), "America/Los_Angeles"),
    ("PA", _("Pennsylvania"), "America/New_York"),
    ("RI", _("Rhode Island"), "America/New_York"),
    ("SC", _("South Carolina"), "America/New_York"),
    ("SD", _("South Dakota"), "America/Chicago"),
    ("TN", _("Tennessee"), "America/Chicago"),
    ("TX", _("Texas"), "America/Chicago"),
    ("UT", _("Utah"), "America/Denver"),
    ("VT", _("Vermont"), "America/New_York"),
    ("VA", _("Virginia"), "America/New_York"),
    ("WA", _("Washington"), "America/Los_Angeles"),
    ("WV", _("West Virginia"), "America/New_York"),
    ("WI", _("Wisconsin"), "America/Chicago"),
    ("WY", _("Wyoming"), "America/Denver"),
    ("AS", _("American Samoa"), "Pacific/Pago_Pago"),
    ("GU", _("Guam"), "Pacific/Guam"),
    ("MP", _("Northern Mariana Islands"), "Pacific/Saipan"),
    ("PR", _("Puerto Rico"), "America/Puerto_Rico"),
    ("VI", _("U.S. Virgin Islands"), "America/St_Thomas"),
]
STATE_CHOICES = [(code, name) for code, name, _zone in US_STATES]
STATE_TIME_ZONES = {code: zone for code, _name, zone in US_STATES}
STATE_NAMES = dict(STATE_CHOICES)
