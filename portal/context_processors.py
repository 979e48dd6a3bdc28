from django.conf import settings


def portal(request):
    return {
        "roles": getattr(request, "roles", None),
        "LANGUAGES_MENU": settings.LANGUAGES,
    }
