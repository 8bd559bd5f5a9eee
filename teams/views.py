"""The pages about the team itself: its profile, the positions of its workers and who was given
access to its cases. Which teams a user sees here is the policy's answer (teams/policy.py)."""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import F
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cases import once
from cases.gateway import no_case_data
from mandates.models import Mandate
from teams import notifications as notices
from teams import policy, security, services
from teams.forms import NotificationSettingsForm, PositionForm, TeamProfileForm
from teams.models import Notification, Position, Team

# How far back the positions page lists the changes of access for the coordinator to check.
ACCESS_CHANGES_DAYS = 14


def _teams(request, perm: str):
    return Team.objects.filter(pk__in=policy.teams_for(request.user, perm))


@no_case_data(perm="team.manage")
def team_overview(request):
    """The manager's start page: each team's profile, and mandates that need attention."""
    teams = list(
        _teams(request, "team.manage")
        .select_related("municipality")
        .prefetch_related("participating_organisations")
    )
    attention = (
        Mandate.objects.filter(team__in=teams).needing_attention().select_related("organisation", "team")
    )
    return render(request, "teams/overview.html", {"teams": teams, "attention": list(attention)})


@require_http_methods(["GET", "POST"])
@no_case_data(perm="team.manage")
def team_edit(request, pk):
    team = get_object_or_404(_teams(request, "team.manage"), pk=pk)
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


@no_case_data(perm="position.review")
def positions(request, pk):
    """The team's positions and who was given which access when: for its managers and coordinators."""
    team = get_object_or_404(_teams(request, "position.review"), pk=pk)
    rows = team.positions.select_related("user", "employer").order_by("-active_until", "user__first_name")
    since = timezone.now() - datetime.timedelta(days=ACCESS_CHANGES_DAYS)
    changes = (
        Position.history.filter(team_id=team.pk)
        .select_related("history_user", "user")
        .order_by("-history_date")[:20]
    )
    context = {
        "team": team,
        "positions": rows,
        "access_changes": security.access_changes(team.pk, since=since),
        "access_changes_days": ACCESS_CHANGES_DAYS,
        "changes": changes,
        "may_grant": team.pk in policy.teams_for(request.user, "position.grant"),
        "may_manage": team.pk in policy.teams_for(request.user, "team.manage"),
    }
    return render(request, "teams/positions.html", context)


@require_http_methods(["GET", "POST"])
@no_case_data(perm="position.grant")
@once.creates_once
def position_edit(request, pk, position_pk=None):
    team = get_object_or_404(_teams(request, "position.grant"), pk=pk)
    position = get_object_or_404(team.positions, pk=position_pk) if position_pk else Position(team=team)
    form = PositionForm(request.POST or None, instance=position, by=request.user)
    creating = position_pk is None
    if creating:
        once.carry(request, form)
    if request.method == "POST" and form.is_valid():
        back = reverse("teams:positions", args=[team.pk])

        def save():
            return services.position_save(
                position=form.save(commit=False), by=request.user, reason=form.cleaned_data["reason"]
            )

        try:
            once.create(request, save, lambda _position: back) if creating else save()
        except ValidationError as error:  # separation of duties: the message at the field
            form.add_error(None, error)
        else:
            messages.success(request, _("Position saved."))
            return redirect(back)
    return render(request, "teams/form.html", {"form": form, "title": _("Position"), "team": team})


@no_case_data(perm="team.member")
def my_position(request):
    """A worker sees their own position(s): employer, role, accountable to, hours."""
    mine = (
        Position.objects.filter(user=request.user).select_related("team", "employer").order_by("-active_from")
    )
    context = {"positions": mine, "reviewed_teams": set(policy.teams_for(request.user, "position.review"))}
    return render(request, "teams/my_position.html", context)


# --- Notifications: the user's own, no case data (a kind, a link, a signal's reference) --------

NOTIFICATIONS_SHOWN = 50


@no_case_data(perm="team.member")
def notifications(request):
    """What is new for me: unread first, then the latest read."""
    mine = Notification.objects.filter(user=request.user).order_by(
        F("read_at").asc(nulls_first=True), "-created_at", "-id"
    )[:NOTIFICATIONS_SHOWN]
    return render(request, "teams/notifications.html", {"notifications": list(mine)})


@require_http_methods(["GET", "POST"])
@no_case_data(perm="team.member")
def notification_settings(request):
    """How often I get the e-mail with what is new, and in which language."""
    form = NotificationSettingsForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        services.notification_settings_save(user=form.save(commit=False), by=request.user)
        messages.success(request, _("E-mail settings saved."))
        return redirect("teams:notifications")
    return render(request, "teams/notification_settings.html", {"form": form})


@require_POST
@no_case_data(perm="team.member")
def notification_open(request):
    """Mark one of my notifications read and go where it points (another's: 404)."""
    pk = request.POST.get("notification", "")
    notification = notices.mark_read(request.user, int(pk)) if pk.isdigit() and len(pk) < 19 else None
    if notification is None:
        raise Http404
    url = notification.url
    if not url_has_allowed_host_and_scheme(url, allowed_hosts=None) or not url.startswith("/"):
        url = reverse("teams:notifications")
    return redirect(url)


@require_POST
@no_case_data(perm="team.member")
def notifications_read(request):
    """Everything of mine read at once."""
    notices.mark_all_read(request.user)
    return redirect("teams:notifications")
