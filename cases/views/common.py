"""What every household page does first: fetch within scope, and log a refusal."""

from django.http import Http404

from cases import access_log
from cases.models import Household


def visible_household(request, pk) -> Household:
    """The household if the user may see it; otherwise 404 (and the attempt is logged)."""
    household = (
        Household.objects.visible_to(request.user).select_related("team", "lead_worker").filter(pk=pk).first()
    )
    if household is None:
        access_log.log_refused(request, pk=pk)
        raise Http404
    return household
