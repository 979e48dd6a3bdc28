"""QuickSelect writes the same <select> as Django's Select, without a template per option."""

import re

from django import forms

from portal.forms import QuickSelect

CHOICES = [
    ("United States", [("America/Denver", "Mountain (Denver)"), ("America/Phoenix", "Arizona")]),
    ("Everywhere else", [("Europe/Paris", "Europe/Paris"), ("x<y", "R&D <b>")]),
]


def options(html):
    return re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', html)


def test_it_offers_the_same_options_groups_and_selection_as_djangos_select():
    attrs = {"id": "id_zone", "class": "form-select", "aria-describedby": "id_zone_helptext"}
    quick = QuickSelect(choices=CHOICES).render("zone", "America/Phoenix", attrs)
    plain = forms.Select(choices=CHOICES).render("zone", "America/Phoenix", attrs)

    assert options(quick) == options(plain)
    assert re.findall(r'<optgroup label="([^"]*)">', quick) == ["United States", "Everywhere else"]
    assert ("America/Phoenix", " selected", "Arizona") in options(quick)
    for name, value in attrs.items():
        assert f'{name}="{value}"' in quick


def test_it_escapes_values_and_labels():
    html = QuickSelect(choices=CHOICES).render("zone", None)

    assert '<option value="x&lt;y">R&amp;D &lt;b&gt;</option>' in html
    assert "<b>" not in html
