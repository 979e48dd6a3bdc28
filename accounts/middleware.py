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
