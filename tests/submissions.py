"""Create forms carry a one-time token (portal.forms.SubmitOnceMixin); a test posts what a
browser would: the token of the blank form, read from the page."""

import re

TOKEN = re.compile(r'name="submission" value="([^"]+)"')


def submission_token(response):
    """The one-time token in the form on a rendered page."""
    found = TOKEN.search(response.content.decode())
    assert found, "No one-time submission token on the page"
    return found.group(1)


def with_token(client, url, data):
    """`data` plus the token of the blank form at `url`, as the browser sends it."""
    return {**data, "submission": submission_token(client.get(url))}
