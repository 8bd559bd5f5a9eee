"""Searching the social map: by need or name (accent-insensitive, fuzzy on PostgreSQL's
trigrams; cases/search.py), life domain, target group, age, and postcode or neighbourhood."""

from django.db.models import Case, Exists, OuterRef, Q, Value, When
from django.db.models.lookups import Contains

from cases.search import Fold, SimilarWord, WordSimilarity
from directory.models import Location, Service, TaxonomyTerm


def by_text(services, text: str):
    """Every word must be in the service's name, description, how to refer, the organisation's
    name, or the name of one of its life domains or target groups; a word found nowhere may
    resemble a word of the name or the description ("schuldhulp" finds "schuldhulpverlening",
    "shulden" finds "schulden"). Best first: every word in the name, then the closest name."""
    text = (text or "").replace("\x00", "").strip()
    if not text:
        return services
    in_name, alike = Q(), Q()
    for word in text.split()[:6]:
        folded = Fold(Value(word))
        terms = TaxonomyTerm.objects.filter(
            Q(services_by_domain=OuterRef("pk")) | Q(services_by_group=OuterRef("pk"))
        ).filter(Contains(Fold("name"), folded))
        somewhere = (
            Q(Contains(Fold("name"), folded))
            | Q(Contains(Fold("description"), folded))
            | Q(Contains(Fold("how_to_refer"), folded))
            | Q(Contains(Fold("organisation__name"), folded))
            | Exists(terms)
        )
        in_name &= Q(Contains(Fold("name"), folded))
        alike &= (
            somewhere | Q(SimilarWord(Fold("name"), folded)) | Q(SimilarWord(Fold("description"), folded))
        )
    rank = Case(When(in_name, then=Value(0)), default=Value(1))
    return (
        services.filter(alike)
        .annotate(search_rank=rank, search_similarity=WordSimilarity(Fold(Value(text)), Fold("name")))
        .order_by("search_rank", "-search_similarity", "name", "id")
    )


def by_area(services, area: str):
    """A four-digit postcode area (or a full postcode), or a CBS wijk/buurt code: the services
    that serve it, and those that serve everywhere (no area given)."""
    area = (area or "").replace(" ", "").upper()
    everywhere = Q(area_codes__exact=[]) & Q(postcode_areas__exact=[])
    if area[:4].isdigit() and len(area) in (4, 6):
        return services.filter(
            everywhere
            | Q(postcode_areas__icontains=f'"{area[:4]}"')
            | _served_from_a_location(postcode_areas__icontains=f'"{area[:4]}"')
        )
    if area.startswith(("WK", "BU", "GM")):
        wanted = {area}
        if area.startswith("BU") and len(area) == 10:
            wanted |= {"WK" + area[2:8], "GM" + area[2:6]}  # the buurt's own wijk and municipality
        elif area.startswith("WK") and len(area) == 8:
            wanted.add("GM" + area[2:6])
        matched = Q()
        for code in wanted:
            matched |= _area_contains(code) | _served_from_a_location(area_codes__icontains=f'"{code}"')
        return services.filter(everywhere | matched)
    return services


def _served_from_a_location(**lookup) -> Q:
    """One of the service's locations serves the area (a service area per location, HSDS)."""
    return Q(Exists(Location.objects.filter(with_services__service=OuterRef("pk"), **lookup)))


def _area_contains(code: str) -> Q:
    # The list's JSON text holds the quoted code: the same lookup on PostgreSQL and SQLite
    # (SQLite has no JSON containment); codes are validated, so no other text can match.
    return Q(area_codes__icontains=f'"{code}"')


def search(params: dict):
    """The services that match the cleaned search form (directory/forms.py SearchForm)."""
    services = Service.objects.select_related("organisation").exclude(status=Service.Status.INACTIVE)
    if params.get("domain"):
        services = services.filter(life_domains=params["domain"])
    if params.get("group"):
        services = services.filter(target_groups=params["group"])
    age = params.get("age")
    if age is not None:
        services = services.filter(Q(minimum_age__isnull=True) | Q(minimum_age__lte=age)).filter(
            Q(maximum_age__isnull=True) | Q(maximum_age__gte=age)
        )
    if params.get("area"):
        services = by_area(services, params["area"])
    services = by_text(services, params.get("q", ""))
    if not params.get("q"):
        services = services.order_by("name", "id")
    return services
