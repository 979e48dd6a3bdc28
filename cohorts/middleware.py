from django.utils.functional import SimpleLazyObject

from cohorts.selectors import roles_for


class RolesMiddleware:
    """`request.roles`: the person's roles, read once per request and only when asked for."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.roles = SimpleLazyObject(lambda: roles_for(request.user))
        return self.get_response(request)
