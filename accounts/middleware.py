from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.shortcuts import redirect
from django.utils import timezone, translation

from accounts.timezones import is_known_zone, zone_or_utc


class PersonPreferencesMiddleware:
    """Activate the signed-in person's own time zone and language for the whole request.

    A stored zone that is no longer one we know shows times in UTC, and every page asks the
    person to choose their zone (request.unknown_time_zone holds the stored name)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        request.unknown_time_zone = None
        if user.is_authenticated:
            if not is_known_zone(user.time_zone):
                request.unknown_time_zone = user.time_zone
            timezone.activate(zone_or_utc(user.time_zone))
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        else:
            timezone.deactivate()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


class StaffSecondFactorMiddleware:
    """Alliance staff see everything, so a password alone does not open their pages.

    A staff member without an authenticator app is sent to set one up before any other page,
    the admin included. Only the setup itself (and the password check it may ask for),
    signing out, the language switch and the health check stay open. STAFF_REQUIRE_MFA
    turns this off (the demo does).
    """

    OPEN_VIEWS = frozenset(
        {
            "mfa_activate_totp",
            "mfa_index",
            "account_reauthenticate",
            "account_logout",
            "set_language",
            "health",
        }
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not settings.STAFF_REQUIRE_MFA:
            return None
        user = request.user
        if not (user.is_authenticated and user.is_alliance_staff):
            return None
        if request.resolver_match.view_name in self.OPEN_VIEWS:
            return None
        if is_mfa_enabled(user, [Authenticator.Type.TOTP]):
            return None
        return redirect("mfa_activate_totp")
