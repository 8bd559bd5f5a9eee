"""The directory's two Dutch taxonomies as data: the 13 life domains of the ZRM (the same names
as cases/zrm.py) and target groups. Each term has a fixed UUID (uuid5 of its code), so the HSDS
export of one installation names the same terms as that of another.

The data migration loads them; `ensure()` loads them again when a database was emptied (e.g.
between browser tests, which flush the tables).
"""

import uuid

from cases import zrm

NAMESPACE = uuid.UUID("6f1c1c2e-7a4b-4d1e-9a55-2f0e3b9c8d11")
TAXONOMIES = {
    "life_domain": {
        "id": uuid.uuid5(NAMESPACE, "taxonomy:life_domain"),
        "name": "Levensgebieden (ZRM 2017)",
        "description": "De 13 domeinen van de Zelfredzaamheid-Matrix.",
        "uri": "https://zelfredzaamheidmatrix.nl",
        "version": "2017",
    },
    "target_group": {
        "id": uuid.uuid5(NAMESPACE, "taxonomy:target_group"),
        "name": "Doelgroepen (wijkteam)",
        "description": "Voor wie een dienst bedoeld is.",
        "uri": "https://wijkteam.example/hsds/taxonomy/doelgroepen",
        "version": "1",
    },
}
LIFE_DOMAIN_CODES = [
    "financien",
    "werk-opleiding",
    "tijdsbesteding",
    "huisvesting",
    "huiselijke-relaties",
    "geestelijke-gezondheid",
    "lichamelijke-gezondheid",
    "middelengebruik",
    "basale-adl",
    "instrumentele-adl",
    "sociaal-netwerk",
    "maatschappelijke-participatie",
    "justitie",
]
TARGET_GROUPS = [
    ("kinderen", "Kinderen", "0 tot 12 jaar"),
    ("jongeren", "Jongeren", "12 tot 23 jaar"),
    ("ouders", "Ouders en gezinnen", ""),
    ("volwassenen", "Volwassenen", ""),
    ("ouderen", "Ouderen", "65 jaar en ouder"),
    ("mantelzorgers", "Mantelzorgers", ""),
    ("beperking", "Mensen met een beperking", ""),
    ("nieuwkomers", "Nieuwkomers en statushouders", ""),
    ("dak-thuislozen", "Dak- en thuislozen", ""),
    ("laaggeletterden", "Laaggeletterden", ""),
]


def term_id(code: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"term:{code}")


def terms() -> list[dict]:
    rows = [
        {"code": code, "taxonomy": "life_domain", "name": name, "description": "", "position": position}
        for position, (code, name) in enumerate(zip(LIFE_DOMAIN_CODES, zrm.DOMAINS, strict=True), start=1)
    ]
    rows += [
        {
            "code": code,
            "taxonomy": "target_group",
            "name": name,
            "description": description,
            "position": position,
        }
        for position, (code, name, description) in enumerate(TARGET_GROUPS, start=1)
    ]
    return rows


def load(term_model) -> None:
    """Create the terms that are missing (the model passed in: also for the migration)."""
    existing = set(term_model.objects.values_list("code", flat=True))
    for row in terms():
        if row["code"] not in existing:
            term_model(id=term_id(row["code"]), **row).save()


def ensure() -> None:
    from directory.models import TaxonomyTerm

    load(TaxonomyTerm)
