"""The two floors of this stack, references for the benchmark's pages (bench/urls.py only).

The bare view is the absolute floor: one indexed query and a tiny template, no session, no
middleware work. The authenticated floor is the floor of a page a user sees: a logged-in worker
with the second factor, through every middleware and the product's own layout (menus, bell), with
one indexed query of its own. A key page is measured against both (bench/runner.py).
"""

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render

from cases.gateway import no_case_data
from cases.models import Household
from teams import policy


def _first_open(team_ids, *fields):
    """The first 25 open households of the teams by name: one query on the (team, status, name) index."""
    return list(
        Household.objects.filter(team_id__in=team_ids, status=Household.Status.OPEN)
        .order_by("name")
        .values_list(*fields)[:25]
    )


@login_not_required
def bare(request, team_pk):
    rows = _first_open([team_pk], "street", "house_number")
    if not rows:
        raise Http404
    return render(request, "bench/bare.html", {"rows": rows})


@no_case_data()  # declared as every product page is: the same decorator on the path
def floor(request):
    """Login and second factor required as on every page (the middleware, no exemption here);
    scoped as the product scopes: the teams where the user may read households. It shows their
    numbers only, no case data, so it needs no access-log row (cases/gateway.py)."""
    teams = policy.teams_for(request.user, "household.read")
    if not teams:
        raise PermissionDenied
    numbers = [pk for (pk,) in _first_open(teams, "pk")]
    return render(request, "bench/floor.html", {"numbers": numbers})
