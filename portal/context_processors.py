from django.conf import settings

from cohorts.selectors import roles_for


def portal(request):
    user = getattr(request, "user", None)
    return {
        "roles": roles_for(user) if user is not None else None,
        "LANGUAGES_MENU": settings.LANGUAGES,
    }
