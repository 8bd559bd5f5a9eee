"""Every word a user reads is Dutch: the Dutch catalogue has no empty or fuzzy entries.

The catalogue is read with polib (the rendered pages are checked in tests/test_language.py).
"""

import gettext

import polib
from django.conf import settings

CATALOGUE = settings.BASE_DIR / "locale" / "nl" / "LC_MESSAGES" / "django.po"


def _entries() -> list[polib.POEntry]:
    return [entry for entry in polib.pofile(str(CATALOGUE)) if entry.msgid and not entry.obsolete]


def test_dutch_catalogue_is_complete():
    problems = []
    for entry in _entries():
        if entry.fuzzy:
            problems.append(f"fuzzy: {entry.msgid}")
        strings = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        if not strings or not all(strings):
            problems.append(f"untranslated: {entry.msgid}")
    assert problems == []


def test_compiled_catalogue_matches_the_source():
    """The .mo that Django reads says what the .po says (no forgotten compilemessages)."""
    with CATALOGUE.with_suffix(".mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    checked = 0
    for entry in _entries():
        if entry.fuzzy:
            continue
        if entry.msgid_plural:
            for n, msgstr in ((1, entry.msgstr_plural[0]), (2, entry.msgstr_plural[1])):
                assert compiled.ngettext(entry.msgid, entry.msgid_plural, n) == msgstr, entry.msgid
        elif entry.msgctxt:
            assert compiled.pgettext(entry.msgctxt, entry.msgid) == entry.msgstr, entry.msgid
        else:
            assert compiled.gettext(entry.msgid) == entry.msgstr, entry.msgid
        checked += 1
    assert checked > 100
