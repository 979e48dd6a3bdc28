"""Small readers of rendered pages, so tests check what a person sees."""

from html import unescape
from html.parser import HTMLParser


def page_text(response):
    """The page's HTML with entities decoded (so “can't” reads as typed)."""
    return unescape(response.content.decode())


class _TableReader(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tables, self._row, self._cell = [], None, None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[-1].append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def tables(response):
    """Every table on the page as a list of rows, each a list of cell texts."""
    reader = _TableReader()
    reader.feed(response.content.decode())
    return reader.tables


def field_errors(response, name):
    """The messages the form on the page holds for one field."""
    form = response.context["form"]
    return form.errors.get(name, [])


class _FormReader(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms, self._form = [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._form = {"inputs": {}, "buttons": []}
            self.forms.append(self._form)
        elif self._form is not None and tag == "input" and attrs.get("name"):
            self._form["inputs"][attrs["name"]] = attrs.get("value") or ""
        elif self._form is not None and tag == "button" and attrs.get("name"):
            self._form["buttons"].append((attrs["name"], attrs.get("value") or ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None


def form_with_button(response, name, value):
    """The inputs of the form on the page that holds the button `name=value`."""
    reader = _FormReader()
    reader.feed(response.content.decode())
    for form in reader.forms:
        if (name, value) in form["buttons"]:
            return form["inputs"]
    raise AssertionError(f"No form with a {name}={value} button on the page")
