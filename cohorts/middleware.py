from django.utils.functional import SimpleLazyObject

from cohorts.selectors import roles_for


class RolesMiddleware:
    """`request.roles`: the person's roles, read once per request and only when asked for.

    Their staff flag is User.is_alliance_staff's own rule (User.objects.staff()), so once
    they are read the person's is_alliance_staff is answered from them, not by a query of
    its own (see roles_now)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        def read():
            roles = roles_for(request.user)
            if request.user.is_authenticated:
                request.user.is_alliance_staff = roles.staff  # the cached_property's value
            return roles

        request.roles = SimpleLazyObject(read)
        return self.get_response(request)


def roles_now(request):
    """The request's roles, read now: a page whose selectors ask whether the person is staff
    (cohorts.rules.is_alliance_staff) and whose menu reads the roles anyway asks once for
    both when it reads them first."""
    request.roles.staff  # noqa: B018 (reads the lazy roles)
    return request.roles
