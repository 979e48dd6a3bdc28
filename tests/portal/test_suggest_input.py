"""SuggestInput: a text field with a <datalist> of suggestions, written out in Python."""

import re

from portal.forms import SuggestInput


def suggestions():
    return ["Mountain (Denver)", "Europe/Madrid", "R&D <b>"]


def test_it_writes_a_text_field_tied_to_its_suggestions():
    html = SuggestInput(suggestions=suggestions).render("zone", "", {"id": "id_zone"})

    assert re.search(r'<input type="text" name="zone"[^>]* list="id_zone-suggestions"', html)
    assert 'autocomplete="off"' in html
    assert re.findall(r'<option value="([^"]*)">', html) == [
        "Mountain (Denver)",
        "Europe/Madrid",
        "R&amp;D &lt;b&gt;",
    ]
    assert "<b>" not in html


def test_it_shows_a_stored_value_the_way_it_is_suggested():
    widget = SuggestInput(suggestions=suggestions, display=lambda value: value.upper())

    assert 'value="EUROPE/MADRID"' in widget.render("zone", "Europe/Madrid", {"id": "id_zone"})
