"""Every word a user reads is Dutch: the Dutch catalogue has no empty or fuzzy entries."""

import re
from pathlib import Path

from django.conf import settings

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "nl" / "LC_MESSAGES" / "django.po"


def _entries():
    yield from _entries_of(CATALOGUE)


def _entries_of(path):
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        lines = [line for line in block.splitlines() if not line.startswith("#~")]
        text = "\n".join(lines)
        msgid = re.search(r'^msgid ((?:".*"\n?)+)', text, re.M)
        if not msgid or msgid.group(1).strip() == '""':
            continue  # the header
        yield text


def _joined(fragments: str) -> str:
    return "".join(re.findall(r'"(.*)"', fragments))


def test_dutch_catalogue_is_complete():
    problems = []
    for entry in _entries():
        msgid = _joined(re.search(r'^msgid ((?:".*"\n?)+)', entry, re.M).group(1))
        if "#, fuzzy" in entry:
            problems.append(f"fuzzy: {msgid}")
        strings = re.findall(r'^msgstr(?:\[\d\])? ((?:".*"\n?)+)', entry, re.M)
        if not strings or any(not _joined(s) for s in strings):
            problems.append(f"untranslated: {msgid}")
    assert problems == []


def test_compiled_catalogue_matches_the_source():
    """The .mo that Django reads says what the .po says (no forgotten compilemessages)."""
    import ast
    import gettext

    with CATALOGUE.with_suffix(".mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    checked = 0
    for entry in _entries():
        if "msgid_plural" in entry or "#, fuzzy" in entry:
            continue
        msgid = ast.literal_eval(
            '"' + _joined(re.search(r'^msgid ((?:".*"\n?)+)', entry, re.M).group(1)) + '"'
        )
        msgstr = ast.literal_eval(
            '"' + _joined(re.search(r'^msgstr ((?:".*"\n?)+)', entry, re.M).group(1)) + '"'
        )
        assert compiled.gettext(msgid) == msgstr, msgid
        checked += 1
    assert checked > 100
