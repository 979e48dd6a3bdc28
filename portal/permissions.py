from django.core.exceptions import PermissionDenied


def require(user, perm, obj=None):
    """Raise PermissionDenied unless the person holds `perm` (a rules permission)."""
    if not user.has_perm(perm, obj):
        raise PermissionDenied
