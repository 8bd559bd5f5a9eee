"""The hook from a walk-in visit into the household registration ("maak huishouden aan").

cases/views/households.py household_create carries the visit's id (`?visit=` on the form page, a
hidden field in the POST); the registration itself is not copied. The visit is found among the
visits the user may record (404 otherwise), and the household is linked to it in the
registration's own transaction, with the same reason in both histories.
"""

from django.http import Http404

from cases import gateway
from walkin import services
from walkin.models import Visit

FIELD = "visit"


def visit_from(request) -> Visit | None:
    """The open visit the registration starts from, or None when it starts from nothing."""
    value = request.POST.get(FIELD) or request.GET.get(FIELD)
    if not value:
        return None
    if not (value.isascii() and value.isdigit()) or len(value) > 12:
        raise Http404
    from teams import policy

    visit = (
        Visit.objects.of_teams(policy.teams_for(request.user, "walkin.record"))
        .filter(pk=int(value), household__isnull=True, undone=False)
        .select_related("hour", "topic")
        .first()
    )
    if visit is None:
        raise Http404
    if visit.is_named:
        gateway.record(request, obj=visit, object_type="walkin_visit")
    return visit


def member_initial(visit: Visit | None) -> dict:
    """The first member as the visitor gave their name and phone number (to check, not to trust)."""
    if visit is None or not (visit.name or visit.phone):
        return {}
    first, _space, last = visit.name.strip().partition(" ")
    return {
        key: value
        for key, value in (("first_name", first), ("last_name", last), ("phone", visit.phone))
        if value
    }


def register(visit: Visit | None, by, create):
    """`create(reason)` registers the household; with a visit, it is linked in the same transaction."""
    if visit is None:
        return create("")
    household = create(services.origin_reason(visit))
    services.visit_link(visit=visit, household=household, by=by)
    return household
