"""Contact persons of the social map by their expertise, for "Wie weet iets van…" (issue 24).

Contact persons are professionals' data: the page that calls this is for team members only
(teams/expertise_views.py, permission "expertise.search"); partners never see it.
"""

from teams import expertise

LIMIT = 30


def matching_contacts(filters: dict) -> list:
    """Contact persons whose expertise matches every filter; none without a filter (the map
    is not listed whole here)."""
    from directory.models import Contact

    if not filters:
        return []
    wanted = {name: filters[name] for name in expertise.FILTERS if name in filters}
    contacts = (
        Contact.objects.filter(expertise.matching(**wanted), expertise.text_matching(filters.get("q", "")))
        .exclude(domains=[], methods=[], client_groups=[], languages=[], note="")
        .select_related("organisation", "service")
        .order_by("name")
    )
    return list(contacts[:LIMIT])
