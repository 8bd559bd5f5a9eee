"""What a Dutch page must not say: English UI phrases, and the informal "je".

The English vocabulary is read with polib from the catalogues of everything that renders text in
this project (Django and the contrib apps it uses, allauth, django-filter, simple-history and our
own locale/nl): their msgids are the English a page shows when a translation is missing. A
msgid counts as a UI phrase when it is not also Dutch: not equal to its Dutch translation and not
made only of words that Dutch text uses as well (the Dutch word list is every msgstr of the same
catalogues: "Status", "Team", "Partner", "Export", "Home" are words of both languages).
"""

import re
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import allauth
import django
import django_filters
import polib
import simple_history
from django.conf import settings
from django.utils.translation import gettext

DJANGO = Path(django.__file__).parent
# The catalogues whose msgids can reach a page: package directory → the .po files in it.
CATALOGUES = [
    DJANGO / "conf/locale/nl/LC_MESSAGES/django.po",
    # Django's English catalogue has every msgid, also those new in this version that the Dutch
    # one has not caught up with yet ("- Select an option -" of Django 6.1).
    DJANGO / "conf/locale/en/LC_MESSAGES/django.po",
    *(
        DJANGO / f"contrib/{app}/locale/nl/LC_MESSAGES/django.po"
        for app in ("admin", "auth", "contenttypes", "sessions", "humanize", "postgres")
    ),
    Path(allauth.__file__).parent / "locale/nl/LC_MESSAGES/django.po",
    Path(django_filters.__file__).parent / "locale/nl/LC_MESSAGES/django.po",
    # simple-history has no Dutch catalogue: its msgids are read from another (they are English).
    Path(simple_history.__file__).parent / "locale/de/LC_MESSAGES/django.po",
    Path(settings.BASE_DIR) / "locale/nl/LC_MESSAGES/django.po",
]
# crispy-forms and crispy-bootstrap5 ship no catalogue; their few words ("Submit") come through
# Django's, or are checked as they appear in the pages.

# English that a Dutch page may show, and why.
ALLOWED = {
    "english": "the language switch names each language in its own language",
    "wijkteam": "the product's name",
    "signal": "the name of the messaging app (Signal), a contact channel of a resident",
}

# Words shorter than this are a UI phrase only with another word (a space): "in", "is", "me".
SHORTEST_WORD = 5
LONGEST_PHRASE = 8  # words: a longer msgid counts by its first words

# A token: an e-mail address, or letters and digits (a dot or an apostrophe inside keeps it
# whole: "worker.noord", "e.g.", "don't"). Only a token of letters is a word; any other token
# ("worker.noord", "WT-F3Z7-4E7G"'s "4E7G") stands between words, so no phrase runs through it.
TOKEN = re.compile(r"\S+@\S+|[^\W_]+(?:[.'’][^\W_]+)*")
LETTERS = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
NOT_A_WORD = "#"
# What is not text in a msgid: placeholders (%(name)s, %s, {name}), tags and entities.
NOT_TEXT = re.compile(r"%(?:\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[sdifr%]|\{[^}]*\}|<[^>]*>|&\w+;")

INFORMAL = re.compile(r"\b(?:je|jij|jou|jouw|jouwe|jullie|jezelf)\b", re.IGNORECASE)


def words(text: str) -> list[str]:
    return [
        token.lower().replace("’", "'") if LETTERS.fullmatch(token) else NOT_A_WORD
        for token in TOKEN.findall(text)
    ]


def _phrases(msgid: str) -> list[tuple[str, ...]]:
    """The phrases of a msgid: its runs of text between placeholders and tags."""
    phrases = []
    for part in NOT_TEXT.split(msgid):
        for run in " ".join(words(part)).split(NOT_A_WORD):
            if run.split():
                phrases.append(tuple(run.split()[:LONGEST_PHRASE]))
    return phrases


@cache
def _entries() -> list[polib.POEntry]:
    return [
        entry
        for path in CATALOGUES
        for entry in polib.pofile(str(path))
        if entry.msgid and not entry.obsolete
    ]


def _translations(entry: polib.POEntry) -> list[str]:
    return [entry.msgstr, *entry.msgstr_plural.values()]


@cache
def vocabulary() -> frozenset[tuple[str, ...]]:
    """The English UI phrases, as tuples of lower-case words."""
    dutch = _dutch_words()
    found = set()
    for entry in _entries():
        translated = {tuple(words(text)) for text in _translations(entry) if text}
        for phrase in _phrases(entry.msgid) + (_phrases(entry.msgid_plural) if entry.msgid_plural else []):
            if phrase in translated or all(word in dutch for word in phrase):
                continue
            if len(phrase) == 1 and len(phrase[0]) < SHORTEST_WORD:
                continue
            if len(phrase) == 1 and phrase[0] in ALLOWED:
                continue
            found.add(phrase)
    return frozenset(found)


@cache
def _dutch_words() -> frozenset[str]:
    """Every word the Dutch catalogues use (not simple-history's, which is German)."""
    dutch = set()
    for path in CATALOGUES:
        if "/locale/nl/" not in str(path):
            continue
        for entry in polib.pofile(str(path)):
            for text in _translations(entry):
                dutch.update(words(NOT_TEXT.sub(" ", text)))
    return frozenset(dutch)


# Attributes whose values a user reads (or hears from a screen reader).
READ_ATTRIBUTES = {"placeholder", "title", "aria-label", "aria-description", "alt", "aria-roledescription"}
BUTTON_INPUTS = {"submit", "button", "reset"}


class _Visible(HTMLParser):
    """The pieces of text of a page a user reads: text (not of scripts or styles), option
    texts, and the attributes above, each piece on its own."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.pieces: list[str] = []
        self._empty_radios: dict[str, str] = {}  # id → name of a radio button for ""
        self._labels: dict[str, str] = {}  # id → the text of its label
        self._label: str | None = None
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._hidden += 1
        attributes = dict(attrs)
        for name in READ_ATTRIBUTES & attributes.keys():
            self.pieces.append(attributes[name] or "")
        kind = (attributes.get("type") or "").lower() if tag == "input" else ""
        if kind in BUTTON_INPUTS:
            self.pieces.append(attributes.get("value") or "")
        if kind == "radio" and not attributes.get("value"):
            self._empty_radios[attributes.get("id") or ""] = attributes.get("name") or ""
        if tag == "label" and attributes.get("for"):
            self._label = attributes["for"]

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in ("script", "style"):
            self._hidden -= 1

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._hidden:
            self._hidden -= 1
        if tag == "label":
            self._label = None

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.pieces.append(data)
        if self._label is not None:
            self._labels[self._label] = self._labels.get(self._label, "") + data

    def empty_radios(self) -> list[str]:
        """The radio groups whose button for "" is labelled as a drop-down's empty choice."""
        blank = {"", "---------", "- Select an option -", gettext("- Select an option -")}
        return [
            name
            for id_, name in self._empty_radios.items()
            if " ".join(self._labels.get(id_, "").split()) in blank
        ]


def _parsed(html: str) -> _Visible:
    parser = _Visible()
    parser.feed(html)
    parser.close()
    return parser


def visible_pieces(html: str) -> list[str]:
    return _parsed(html).pieces


def empty_radios(html: str) -> list[str]:
    """The radio groups (their names) that offer the empty choice ("— Kies —") as an answer."""
    return _parsed(html).empty_radios()


def english_in(html: str, pieces: list[str] | None = None) -> list[str]:
    """The English UI phrases the page shows, each with the text it was found in."""
    known = vocabulary()
    found = []
    for piece in visible_pieces(html) if pieces is None else pieces:
        said = words(piece)
        hits = {
            " ".join(said[start : start + length])
            for length in range(1, LONGEST_PHRASE + 1)
            for start in range(len(said) - length + 1)
            if tuple(said[start : start + length]) in known
        }
        found.extend(f"{hit!r} in {' '.join(piece.split())[:120]!r}" for hit in sorted(hits))
    return found


def informal_in(html: str, pieces: list[str] | None = None) -> list[str]:
    """The pieces of text that address the reader as "je" (the app says "u")."""
    pieces = visible_pieces(html) if pieces is None else pieces
    return [" ".join(piece.split())[:160] for piece in pieces if INFORMAL.search(piece)]


def problems_in(html: str) -> list[str]:
    """All of the above, of one page (read once)."""
    parsed = _parsed(html)
    return (
        [f"English {hit}" for hit in english_in(html, parsed.pieces)]
        + [f"informal {text!r}" for text in informal_in(html, parsed.pieces)]
        + [f"the empty choice offered in radio group {name!r}" for name in parsed.empty_radios()]
    )


def own_catalogue() -> list[polib.POEntry]:
    path = Path(settings.BASE_DIR) / "locale/nl/LC_MESSAGES/django.po"
    return [entry for entry in polib.pofile(str(path)) if entry.msgid and not entry.obsolete]


ALLAUTH = Path(allauth.__file__).parent
# allauth's strings of features this project switched off (settings.py): a user never sees them.
ALLAUTH_SWITCHED_OFF = {
    "socialaccount": "no third-party login",
    "idp": "not an identity provider",
    "headless": "no headless API",
    "usersessions": "no session list",
    "webauthn": "MFA by TOTP and recovery codes only (MFA_SUPPORTED_TYPES)",
    "passkey": "MFA by TOTP and recovery codes only",
    "phone": "no phone numbers (ACCOUNT_LOGIN_METHODS = username)",
    "login_code": "login by code is switched off",
    "code_message": "codes by e-mail are switched off (ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED)",
    "templates/account/email.html": "managing e-mail addresses is switched off",
    "email_change": "managing e-mail addresses is switched off",
    "email_deleted": "managing e-mail addresses is switched off",
    "email_changed": "managing e-mail addresses is switched off",
    "primary_email": "managing e-mail addresses is switched off",
    "warn_no_email": "managing e-mail addresses is switched off",
    "unknown_account": "sign-up is closed: the mail that invites to it is never sent",
    "account_already_exists": "sign-up is closed",
    "trust": "no trusted browsers (MFA_TRUST_ENABLED is off)",
}


def _switched_off(path: str) -> bool:
    return any(token in path for token in ALLAUTH_SWITCHED_OFF)


def allauth_shown() -> list[tuple[str, str]]:
    """(msgid, its Dutch as this project shows it) of every allauth message of the features
    this project uses: the account pages and messages, and TOTP and recovery codes."""
    from django.utils.translation import gettext, ngettext, npgettext, pgettext

    shown = []
    for entry in polib.pofile(str(ALLAUTH / "locale/nl/LC_MESSAGES/django.po")):
        if entry.obsolete or not entry.msgid or not entry.occurrences:
            continue
        paths = [path for path, _line in entry.occurrences]
        if all(_switched_off(path) for path in paths):
            continue
        if not any(path.split("/")[0] in ("account", "mfa", "templates") for path in paths):
            continue
        if entry.msgid_plural:
            translated = (
                npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, 2)
                if entry.msgctxt
                else ngettext(entry.msgid, entry.msgid_plural, 2)
            )
        else:
            translated = pgettext(entry.msgctxt, entry.msgid) if entry.msgctxt else gettext(entry.msgid)
        shown.append((entry.msgid, translated))
    return shown
