"""The manager's pages about the team itself: its profile and the positions of its workers."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cases import once
from mandates.models import Mandate
from teams import services
from teams.forms import PositionForm, TeamProfileForm
from teams.models import Position, Team
from teams.roles import roles_of


def _managed_teams(request):
    team_ids = services.managed_team_ids(request.user)
    if not team_ids:
        raise PermissionDenied
    return Team.objects.filter(pk__in=team_ids)


def team_overview(request):
    """The manager's start page: each team's profile, and mandates that need attention."""
    teams = list(
        _managed_teams(request).select_related("municipality").prefetch_related("participating_organisations")
    )
    attention = (
        Mandate.objects.filter(team__in=teams).needing_attention().select_related("organisation", "team")
    )
    return render(request, "teams/overview.html", {"teams": teams, "attention": list(attention)})


@require_http_methods(["GET", "POST"])
def team_edit(request, pk):
    team = get_object_or_404(_managed_teams(request), pk=pk)
    form = TeamProfileForm(request.POST or None, instance=team)
    if request.method == "POST" and form.is_valid():
        services.team_profile_update(
            team=form.save(commit=False),
            by=request.user,
            organisations=form.cleaned_data["participating_organisations"],
            reason=form.cleaned_data["reason"],
        )
        messages.success(request, _("Team profile saved."))
        return redirect("teams:overview")
    return render(request, "teams/form.html", {"form": form, "title": _("Team profile"), "team": team})


def positions(request, pk):
    team = get_object_or_404(_managed_teams(request), pk=pk)
    rows = team.positions.select_related("user", "employer").order_by("-active_until", "user__first_name")
    changes = (
        Position.history.filter(team_id=team.pk)
        .select_related("history_user", "user")
        .order_by("-history_date")[:20]
    )
    return render(request, "teams/positions.html", {"team": team, "positions": rows, "changes": changes})


@require_http_methods(["GET", "POST"])
def position_edit(request, pk, position_pk=None):
    team = get_object_or_404(_managed_teams(request), pk=pk)
    position = get_object_or_404(team.positions, pk=position_pk) if position_pk else Position(team=team)
    form = PositionForm(request.POST or None, instance=position)
    creating = position_pk is None
    if creating and (done := once.prepare(request, form)):
        return done
    if request.method == "POST" and form.is_valid():

        def save():
            return services.position_save(
                position=form.save(commit=False), by=request.user, reason=form.cleaned_data["reason"]
            )

        back = reverse("teams:positions", args=[team.pk])
        if creating and once.create_once(request, save, lambda _position: back) is None:
            return once.earlier_result(request) or redirect(back)
        if not creating:
            save()
        messages.success(request, _("Position saved."))
        return redirect(back)
    return render(request, "teams/form.html", {"form": form, "title": _("Position"), "team": team})


def my_position(request):
    """A worker sees their own position(s): employer, role, accountable to, hours."""
    if not roles_of(request.user).is_team_member:
        raise PermissionDenied
    mine = (
        Position.objects.filter(user=request.user).select_related("team", "employer").order_by("-active_from")
    )
    return render(request, "teams/my_position.html", {"positions": mine})
