"""The self-sufficiency matrix ZRM 2017 as data (docs/domain.md): 13 domains and the 1-5 scale.

The per-cell criteria texts are the GGD's and are not copied. The data migration loads these
rows; `instrument()` recreates them when a database was emptied (e.g. between browser tests).
"""

NAME = "ZRM 2017"
DOMAINS = [
    "Financiën",
    "Werk & opleiding",
    "Tijdsbesteding",
    "Huisvesting",
    "Huiselijke relaties",
    "Geestelijke gezondheid",
    "Lichamelijke gezondheid",
    "Middelengebruik",
    "Basale ADL",
    "Instrumentele ADL",
    "Sociaal netwerk",
    "Maatschappelijke participatie",
    "Justitie",
]
SCALE = [
    "acute problematiek",
    "niet zelfredzaam",
    "beperkt zelfredzaam",
    "voldoende zelfredzaam",
    "volledig zelfredzaam",
]


def load(instrument_model, domain_model):
    """Create the instrument and its domains if missing (models passed in: also for migrations)."""
    instrument, _ = instrument_model.objects.get_or_create(name=NAME, defaults={"scale": SCALE})
    for position, name in enumerate(DOMAINS, start=1):
        domain_model.objects.get_or_create(instrument=instrument, name=name, defaults={"position": position})
    return instrument


def instrument():
    from cases.models import Domain, Instrument

    found = Instrument.objects.filter(name=NAME).first()
    if found is not None and found.domains.exists():
        return found
    return load(Instrument, Domain)


def domains():
    return instrument().domains.all()
