"""The handover (issue 23): the coordinator picks a leaving or absent worker, sees all they hold
in the team, and hands it over in bulk or item by item, with one reason, in one transaction."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cases import gateway, services
from cases.forms.handover import CoverForm, HandoverForm
from cases.gateway import changes
from cases.services import handover as service
from teams import policy
from teams.models import Cover, Team


def _page(request, team_pk):
    """The team, its colleagues (as in triage), who holds work without a position, and the worker
    whose work is shown (?worker= or the posted `worker`)."""
    if team_pk not in policy.teams_for(request.user, "household.handover"):
        raise Http404
    team = Team.objects.get(pk=team_pk)
    colleagues = list(services.assignable_workers(team.pk))
    orphans = service.orphans([team.pk])
    people = {user.pk: user for user in colleagues} | {row["user"].pk: row["user"] for row in orphans}
    from_user = people.get(_int(request.POST.get("worker") or request.GET.get("worker")))
    if from_user is None and request.method == "POST":
        raise Http404
    context = {
        "team": team,
        "people": sorted(people.values(), key=lambda user: (user.get_full_name() or user.username).lower()),
        "orphans": orphans,
        "from_user": from_user,
        "colleagues": colleagues,
    }
    return team, from_user, context


def _back(team, from_user):
    return redirect(reverse("cases:handover", args=[team.pk]) + f"?worker={from_user.pk}")


@require_http_methods(["GET", "POST"])
@changes("handover", perm="household.handover", scope=None)
def handover(request, team_pk):
    """GET ?worker=: what they hold and the form; POST: hand it over."""
    team, from_user, context = _page(request, team_pk)
    if from_user is None:
        return render(request, "cases/handover.html", context)
    colleagues = context["colleagues"]
    holdings = service.holdings(team.pk, from_user)
    form = HandoverForm(request.POST or None, colleagues=colleagues, holdings=holdings, from_user=from_user)
    # Shows case data (households, signals, actions, appointments of the team): one access-log
    # row for the whole page, as for a search.
    gateway.record(request, object_type="handover")
    if request.method == "POST" and form.is_valid():
        try:
            moved = service.handover(
                team=team,
                from_user=from_user,
                moves=form.cleaned_data["moves"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("Handed over: %(count)s items of %(name)s.") % {"count": moved, "name": from_user}
            )
            if len(service.holdings(team.pk, from_user)):
                return _back(team, from_user)  # some was kept: what is left
            return redirect("cases:referral_queue")  # the start page, where orphans are listed

    context |= _forms(team, from_user, holdings, form, CoverForm(colleagues=colleagues, absent=from_user))
    return render(request, "cases/handover.html", context, status=400 if form.errors else 200)


def _forms(team, from_user, holdings, form, cover_form) -> dict:
    """What the page shows of the worker: their holdings in the two forms, and their covers."""
    return {
        "holdings": holdings,
        "form": form,
        "rows": _rows(form),
        "cover_form": cover_form,
        "covers": service.covers_of(team.pk, from_user),
    }


@require_POST
@changes("cover", perm="household.handover", scope=None)
def cover_add(request, team_pk):
    """A colleague covers for the absent worker for a period; the form again on a mistake."""
    team, from_user, context = _page(request, team_pk)
    form = CoverForm(
        request.POST,
        instance=Cover(team=team, absent=from_user),
        colleagues=context["colleagues"],
        absent=from_user,
    )
    if form.is_valid():
        try:
            cover = service.cover_arrange(cover=form.save(commit=False), by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("%(cover)s covers for %(absent)s until and including %(date)s.")
                % {"cover": cover.cover, "absent": from_user, "date": cover.ends_on.strftime("%d-%m-%Y")},
            )
            return _back(team, from_user)
    holdings = service.holdings(team.pk, from_user)
    handover_form = HandoverForm(colleagues=context["colleagues"], holdings=holdings, from_user=from_user)
    gateway.record(request, object_type="handover")
    context |= _forms(team, from_user, holdings, handover_form, form)
    return render(request, "cases/handover.html", context, status=400)


def _rows(form):
    """The form's item fields grouped by kind, in the order of the page."""
    groups: dict[str, list] = {kind: [] for kind in service.KINDS}
    for kind, obj, name in form.items:
        groups[kind].append((obj, form[name]))
    return groups


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
