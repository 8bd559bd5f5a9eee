"""Reading the access log: per household ("who saw what, when, why") and per user ("what did
this user open"), for the team's coordinators and managers; a printable overview for the resident.
"""

import datetime

from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, render

from cases import gateway
from cases.gateway import reads
from cases.models import AccessEvent
from teams import policy
from teams.models import Position, User
from wijkteam.periods import as_datetimes, period_from


def _period(request) -> tuple[datetime.datetime, datetime.datetime, datetime.date, datetime.date]:
    start, end = period_from(request, default_days=90)
    return (*as_datetimes(start, end), start, end)


@reads("access_log", perm="access_log.read")
def household_access_log(request, pk):
    household = gateway.household(request, pk)
    since, until, start, end = _period(request)
    events = (
        AccessEvent.objects.filter(household=household, at__range=(since, until))
        .select_related("user")
        .order_by("-at", "-id")
    )
    page = Paginator(events, 100).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)  # the log as it was before this reading of it
    template = "cases/access_log_print.html" if request.GET.get("print") else "cases/access_log.html"
    return render(request, template, {"household": household, "page": page, "start": start, "end": end})


@reads("user_access_log", perm="access_log.read", scope=None)
def user_access_log(request, user_pk):
    """What one user opened, limited to the households of the viewer's teams (and lists)."""
    teams = policy.teams_for(request.user, "access_log.read")
    subject = get_object_or_404(
        User.objects.filter(pk__in=Position.objects.filter(team_id__in=teams).values("user_id")), pk=user_pk
    )
    since, until, start, end = _period(request)
    events = (
        AccessEvent.objects.filter(user=subject, at__range=(since, until))
        .filter(Q(team_id__in=teams) | Q(team__isnull=True, household__isnull=True))
        .select_related("household")
        .order_by("-at", "-id")
    )
    page = Paginator(events, 100).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)  # the log as it was before this reading of it
    gateway.record(request, obj=subject)
    return render(
        request, "cases/access_log_user.html", {"subject": subject, "page": page, "start": start, "end": end}
    )
