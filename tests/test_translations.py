"""The Spanish catalogue is complete: every string the portal marks has a reviewed translation
that keeps its placeholders and markup, and the compiled catalogue is the one the .po says."""

import gettext
import re
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = ROOT / "locale" / "es" / "LC_MESSAGES" / "django.po"
COMPILED = CATALOGUE.with_suffix(".mo")
# What `makemessages -l es` leaves out, as the catalogue's own update does.
NOT_EXTRACTED = [".venv", "var", "bench", "tests"]

ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}
PERCENT = re.compile(r"%(?:\((\w+)\))?[-#0 +]*\d*(?:\.\d+)?([sdifrxXeEgGc])")
BRACES = re.compile(r"\{(\w*)\}")
TAG = re.compile(r"</?[a-zA-Z][^>]*>")
# The number a plural entry is chosen by: its singular form may say it in words ("la última
# sesión" for "the last %(counter)s session"), as msgfmt allows.
COUNTS = {"%(counter)s", "%(count)s", "%d"}


def unquote(text):
    return re.sub(r"\\(.)", lambda m: ESCAPES[m.group(1)], text.strip()[1:-1])


def parse(path):
    """The entries of a .po or .pot file as dicts: ctx, id, plural, strs ({form: text}), flags,
    refs. Obsolete (#~) entries and the header are left out."""
    entries, entry, field = [], None, None
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip() or line.startswith("#~"):
            if entry and entry["id"]:
                entries.append(entry)
            entry, field = None, None
            continue
        entry = entry or {
            "ctx": None,
            "id": None,
            "plural": None,
            "strs": {},
            "flags": set(),
            "refs": [],
        }
        if line.startswith("#,"):
            entry["flags"] |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#:"):
            entry["refs"] += line[2:].split()
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            if isinstance(field, int):
                entry["strs"][field] += unquote(line)
            else:
                entry[field] = (entry[field] or "") + unquote(line)
        else:
            keyword, _, value = line.partition(" ")
            form = re.fullmatch(r"msgstr\[(\d+)\]", keyword)
            if form or keyword == "msgstr":
                field = int(form.group(1)) if form else 0
                entry["strs"][field] = unquote(value)
            else:
                field = {"msgctxt": "ctx", "msgid": "id", "msgid_plural": "plural"}[keyword]
                entry[field] = unquote(value)
    return entries


def key(entry):
    return (entry["ctx"], entry["id"], entry["plural"])


def where(entry):
    return f"{' '.join(entry['refs'])}: {entry['id']!r}"


def placeholders(text, flags):
    found = {f"%({name})s" if name else f"%{kind}" for name, kind in PERCENT.findall(text)}
    if "python-brace-format" in flags:
        found |= {f"{{{name}}}" for name in BRACES.findall(text)}
    return found | {re.sub(r"\s+", " ", tag) for tag in TAG.findall(text)}


def forms(entry):
    """Each translation with the English it translates: the plural forms follow English's two
    (Spanish has the same: one, and everything else)."""
    for form, text in sorted(entry["strs"].items()):
        yield form, text, entry["id"] if form == 0 else entry["plural"]


@pytest.fixture(scope="module")
def entries():
    return parse(CATALOGUE)


def test_every_spanish_entry_is_translated(entries):
    untranslated = [
        where(entry)
        for entry in entries
        if not all(entry["strs"].get(form) for form in ((0, 1) if entry["plural"] else (0,)))
    ]
    assert untranslated == []


def test_no_spanish_entry_is_left_fuzzy(entries):
    assert [where(entry) for entry in entries if "fuzzy" in entry["flags"]] == []


def keeps_placeholders(entry, form, text, english):
    have, need = placeholders(text, entry["flags"]), placeholders(english, entry["flags"])
    if entry["plural"] and form == 0:
        return have == need or (have < need and need - have <= COUNTS)
    return have == need


def test_each_translation_keeps_the_placeholders_and_markup_of_its_english(entries):
    differ = [
        f"{where(entry)} [{form}] has {sorted(placeholders(text, entry['flags']))}, "
        f"English has {sorted(placeholders(english, entry['flags']))}"
        for entry in entries
        for form, text, english in forms(entry)
        if text and not keeps_placeholders(entry, form, text, english)
    ]
    assert differ == []


def test_the_compiled_catalogue_is_the_po_compiled(entries):
    """compilemessages was run after the last change to the .po."""
    with COMPILED.open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)
    stale = []
    for entry in entries:
        for form, text, _english in forms(entry):
            if entry["plural"]:
                args = (entry["id"], entry["plural"], 1 if form == 0 else 2)
                got = (
                    catalogue.npgettext(entry["ctx"], *args)
                    if entry["ctx"]
                    else catalogue.ngettext(*args)
                )
            elif entry["ctx"]:
                got = catalogue.pgettext(entry["ctx"], entry["id"])
            else:
                got = catalogue.gettext(entry["id"])
            if got != text:
                stale.append(where(entry))
    assert stale == []


@pytest.mark.skipif(not shutil.which("xgettext"), reason="makemessages needs GNU gettext")
def test_the_catalogue_holds_every_string_the_portal_marks(
    entries, tmp_path, settings, monkeypatch
):
    """makemessages, run on a copy of the code, finds no string the catalogue lacks and none it
    no longer needs."""
    tree = tmp_path / "tree"
    shutil.copytree(
        ROOT,
        tree,
        ignore=shutil.ignore_patterns(*NOT_EXTRACTED, ".git", "locale", "__pycache__", "static"),
    )
    settings.LOCALE_PATHS = [str(tree / "locale")]
    monkeypatch.chdir(tree)
    call_command(
        "makemessages",
        locale=["es"],
        keep_pot=True,
        ignore_patterns=NOT_EXTRACTED,
        verbosity=0,
    )
    marked = {key(entry): entry for entry in parse(tree / "locale" / "django.pot")}
    catalogued = {key(entry) for entry in entries}
    missing = [where(marked[k]) for k in marked.keys() - catalogued]
    no_longer_marked = sorted(repr(k[1]) for k in catalogued - marked.keys())
    assert (sorted(missing), no_longer_marked) == ([], [])
