"""The floor of this stack: one indexed query and a tiny template, no session, no middleware work."""

from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import render

from cases.models import Household


@login_not_required
def bare(request, team_pk):
    """The first 25 open households of a team by name: one query on the (team, status, name) index."""
    rows = list(
        Household.objects.filter(team_id=team_pk, status=Household.Status.OPEN)
        .order_by("name")
        .values_list("street", "house_number")[:25]
    )
    if not rows:
        raise Http404
    return render(request, "bench/bare.html", {"rows": rows})
