"""Logging filters (settings.LOGGING)."""

import logging

from django.core.exceptions import PermissionDenied


class ForbiddenWithoutTraceback(logging.Filter):
    """An ordinary 403 (a view raised PermissionDenied) stays one warning line in the log:
    Django's django.request logs it with the exception, so the console printed a traceback
    for what is only a person trying a page that is not theirs."""

    def filter(self, record):
        if record.exc_info and isinstance(record.exc_info[1], PermissionDenied):
            record.exc_info = None
            record.exc_text = None
        return True
