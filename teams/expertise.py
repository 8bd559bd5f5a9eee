"""What a team member knows: life domains, methods, client groups and languages (issue 24).

The codes are data the profile stores (teams.models.Expertise); their Dutch names come from
here. Life domains are the ZRM's (cases/zrm.py, with the social map's codes of
directory/taxonomy.py), client groups the social map's target groups, so "who knows about
debts" finds a colleague and a service of the social map by the same words.

Lists are stored as JSON lists of codes and matched with `icontains` on the quoted code
('"financien"'): the same query on PostgreSQL and on the SQLite of the demo, and one code can
never match inside another (the quotes close it).
"""

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# Methods named in the course text and common in Dutch neighbourhood teams; short on purpose.
METHODS = [
    ("mgv", _("Motivational interviewing")),
    ("oplossingsgericht", _("Solution-focused work")),
    ("signs_of_safety", _("Signs of Safety")),
    ("eigen_kracht", _("Family group conference (Eigen Kracht)")),
    ("systeemgericht", _("Systemic work")),
    ("schuldhulp", _("Debt counselling")),
    ("outreachend", _("Outreach and bemoeizorg")),
    ("netwerk", _("Network mapping and strengthening")),
    ("crisis", _("Crisis intervention")),
    ("lvb", _("Working with people with a mild intellectual disability")),
    ("huiselijk_geweld", _("Domestic violence and child abuse (meldcode)")),
    ("verslaving", _("Addiction care")),
]

# ISO 639-1 codes with their Dutch names: the languages a neighbourhood team meets most.
LANGUAGES = [
    ("nl", _("Dutch")),
    ("fy", _("Frisian")),
    ("en", _("English")),
    ("de", _("German")),
    ("fr", _("French")),
    ("es", _("Spanish")),
    ("pt", _("Portuguese")),
    ("it", _("Italian")),
    ("pl", _("Polish")),
    ("ro", _("Romanian")),
    ("bg", _("Bulgarian")),
    ("hu", _("Hungarian")),
    ("lt", _("Lithuanian")),
    ("uk", _("Ukrainian")),
    ("ru", _("Russian")),
    ("tr", _("Turkish")),
    ("ku", _("Kurdish")),
    ("ar", _("Arabic")),
    ("fa", _("Persian")),
    ("ps", _("Pashto")),
    ("ti", _("Tigrinya")),
    ("am", _("Amharic")),
    ("so", _("Somali")),
    ("sw", _("Swahili")),
    ("ur", _("Urdu")),
    ("hi", _("Hindi")),
    ("zh", _("Chinese")),
    ("vi", _("Vietnamese")),
    ("sr", _("Serbian")),
    ("bs", _("Bosnian")),
    ("hr", _("Croatian")),
    ("sq", _("Albanian")),
    ("el", _("Greek")),
    ("ta", _("Tamil")),
]
LANGUAGE_NAMES = dict(LANGUAGES)
METHOD_NAMES = dict(METHODS)


def domain_choices() -> list[tuple[str, str]]:
    """The ZRM's 13 life domains: (code, name)."""
    from cases import zrm
    from directory.taxonomy import LIFE_DOMAIN_CODES

    return list(zip(LIFE_DOMAIN_CODES, zrm.DOMAINS, strict=True))


def group_choices() -> list[tuple[str, str]]:
    """The social map's target groups: (code, name)."""
    from directory.taxonomy import TARGET_GROUPS

    return [(code, name) for code, name, _description in TARGET_GROUPS]


KINDS = {
    "domains": domain_choices,
    "methods": lambda: METHODS,
    "client_groups": group_choices,
    "languages": lambda: LANGUAGES,
}


def _codes_validator(kind: str, message):
    def validate(value):
        known = {code for code, _name in KINDS[kind]()}
        if not isinstance(value, list) or not all(isinstance(code, str) and code in known for code in value):
            raise ValidationError(message, code="invalid_codes")

    validate.__name__ = validate.__qualname__ = f"validate_{kind}"
    return validate


validate_domains = _codes_validator("domains", _("Choose life domains from the list."))
validate_methods = _codes_validator("methods", _("Choose methods from the list."))
validate_client_groups = _codes_validator("client_groups", _("Choose client groups from the list."))
validate_languages = _codes_validator("languages", _("Choose languages from the list (ISO 639-1)."))


def names(kind: str, codes) -> list[str]:
    """The names of the codes, in the order of the list (unknown codes left out)."""
    chosen = set(codes or ())
    return [str(name) for code, name in KINDS[kind]() if code in chosen]


# A filter's name (in the address bar) → the profile's field.
FILTERS = {"domain": "domains", "method": "methods", "group": "client_groups", "language": "languages"}


def matching(prefix: str = "", **wanted) -> Q:
    """A Q for profiles holding each wanted code: matching(domain="financien", language="ti").

    `prefix` reaches the profile from another model ("expertise__" from a user). Unknown codes
    match nothing (a filter from the address bar)."""
    condition = Q()
    for kind, code in wanted.items():
        if not code:
            continue
        field = FILTERS[kind]
        if code not in {known for known, _name in KINDS[field]()}:
            return Q(pk__in=[])
        condition &= Q(**{f"{prefix}{field}__icontains": f'"{code}"'})
    return condition


def text_matching(text: str, prefix: str = "") -> Q:
    """Every word of the text in the free text, or naming a domain, method, group or language."""
    condition = Q()
    for word in (text or "").replace("\x00", "").split()[:6]:
        lowered = word.lower()
        either = Q(**{f"{prefix}note__icontains": word})
        for field in ("domains", "methods", "client_groups"):
            for code, name in KINDS[field]():
                if lowered in str(name).lower():
                    either |= Q(**{f"{prefix}{field}__icontains": f'"{code}"'})
        for code, name in LANGUAGES:
            if lowered in str(name).lower() or lowered == code:
                either |= Q(**{f"{prefix}languages__icontains": f'"{code}"'})
        condition &= either
    return condition
