"""The team as a support group (issue 24): "Mijn expertise", a coordinator's edit of a team
member's profile, and "Wie weet iets van…". No case data: who knows what, nothing about clients."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cases.gateway import no_case_data
from teams import expertise, policy, services
from teams.forms import ExpertiseForm, WhoKnowsForm
from teams.models import Expertise, Position, User

FIELDS = ("domains", "methods", "client_groups", "languages", "note")


def _edit(request, user, *, title: str, back: str):
    profile = Expertise.objects.filter(user=user).first()
    form = ExpertiseForm.of(profile, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.expertise_save(
            user=user, by=request.user, **{name: form.cleaned_data[name] for name in FIELDS}
        )
        messages.success(request, _("Expertise saved."))
        return redirect(back)
    return render(
        request,
        "teams/expertise_form.html",
        {"form": form, "title": title, "member": user},
        status=400 if form.is_bound else 200,
    )


@require_http_methods(["GET", "POST"])
@no_case_data(perm="expertise.own")
def expertise_mine(request):
    """Mijn expertise: what I know, so that colleagues and my coordinator can find me."""
    # Saved: on to "Wie weet iets van…", where colleagues now find it.
    return _edit(request, request.user, title=_("My expertise"), back="teams:who_knows")


@require_http_methods(["GET", "POST"])
@no_case_data(perm="expertise.team")
def expertise_edit(request, user_pk):
    """A coordinator changes the expertise of a worker or coordinator of their team (404 for
    anyone else)."""
    user = get_object_or_404(services.expertise_editable_by(request.user), pk=user_pk)
    name = user.get_full_name() or user.username
    return _edit(request, user, title=_("Expertise of %(name)s") % {"name": name}, back="teams:who_knows")


LIMIT = 50


def team_members(user):
    """The workers and coordinators of the user's teams (where they hold "expertise.search")."""
    members = Position.objects.active().filter(
        team_id__in=policy.teams_for(user, "expertise.search"),
        access_role__in=policy.holders("expertise.own"),
    )
    return User.objects.filter(is_active=True, pk__in=members.values("user_id"))


def search(user, filters: dict):
    """Team members and social-map contact persons whose expertise matches every filter."""
    wanted = {name: filters[name] for name in expertise.FILTERS if name in filters}
    text = filters.get("q", "")
    members = (
        team_members(user)
        .filter(expertise.matching("expertise__", **wanted), expertise.text_matching(text, "expertise__"))
        .exclude(expertise__isnull=True)
        .select_related("expertise")
        .order_by("first_name", "last_name", "username")
    )
    return list(members[:LIMIT])


@require_GET
@no_case_data(perm="expertise.search")
def who_knows(request):
    """Wie weet iets van…: colleagues of the user's own teams (never another team's), and
    contact persons of the social map, by words, life domain, method, client group or language."""
    form = WhoKnowsForm(request.GET or None)
    filters = form.filters()
    members = search(request.user, filters)
    editable = set()
    if policy.can(request.user, "expertise.team"):
        editable = set(services.expertise_editable_by(request.user).values_list("pk", flat=True))
    from directory.expertise import matching_contacts

    return render(
        request,
        "teams/who_knows.html",
        {
            "form": form,
            "members": members,
            "contacts": matching_contacts(filters),
            "editable": editable,
            "searched": bool(filters),
        },
    )
