"""The social map for team members: search, a service with how to refer, and for coordinators
and managers the edit pages, the list of entries due for a check and the update requests.

The directory is not case data: every view is @no_case_data (cases/gateway.py) with a
permission of teams/policy.py. The one view that touches a household (linking a plan's action to
a service) is declared @changes("action") and fetches the household through the gateway.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cases import gateway, once
from cases.gateway import changes, no_case_data
from cases.models import Action, Plan
from cases.models.plan import ServiceOutcome
from cases.views.common import PAGE_SIZE, query_without_page
from directory import search, services, updates
from directory.forms import ContactForm, ReferForm, SearchForm, ServiceForm
from directory.models import Contact, Location, OpeningHours, Service
from teams import policy
from teams.models import Organisation


def _services_for_list():
    return Service.objects.select_related("organisation").prefetch_related("life_domains", "target_groups")


@no_case_data(perm="directory.read")
def service_search(request):
    """Search by need or name, life domain, target group, age, postcode or neighbourhood. The
    same number of queries for one service as for a page full (tested)."""
    form = SearchForm(request.GET or None)
    if form.is_bound:
        form.is_valid()  # errors show at their fields; the valid rest still searches
    params = form.params() if form.is_bound else {}
    found = search.search(params).prefetch_related("life_domains", "target_groups")
    if params.get("stale"):
        found = found.filter(pk__in=Service.objects.stale().values("pk"))
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "query_string": query_without_page(request),
        "today": timezone.localdate(),
        "action": _action_from(request),
        "may_edit": policy.can(request.user, "directory.edit"),
    }
    return render(request, "directory/search.html", context)


def _action_from(request) -> dict | None:
    """The plan's action a worker came from ("refer to a service"), carried in the address as
    household and action ids: only to build the way back; linking checks everything again."""
    household, action = request.GET.get("household", ""), request.GET.get("action", "")
    try:
        gateway.parse_uuid(household)
    except Exception:  # noqa: BLE001 - any garbage in the address: no way back
        return None
    if not action.isdigit() or not action.isascii() or len(action) > 12:
        return None
    return {"household": household, "action": action}


@no_case_data(perm="directory.read")
def service_detail(request, pk):
    service = get_object_or_404(
        Service.objects.select_related("organisation__directory_profile").prefetch_related(
            "life_domains",
            "target_groups",
            Prefetch("contacts", queryset=Contact.objects.order_by("name")),
            Prefetch(
                "locations",
                queryset=Location.objects.prefetch_related(
                    Prefetch("opening_hours", queryset=OpeningHours.objects.order_by("weekday", "opens_at"))
                ),
            ),
        ),
        pk=pk,
    )
    organisation_contacts = list(
        Contact.objects.filter(organisation_id=service.organisation_id, service__isnull=True)
    )
    context = {
        "service": service,
        "organisation_contacts": organisation_contacts,
        "stale": service.is_stale(),
        "action": _action_from(request),
        "refer_form": ReferForm(initial={"service": service.pk}),
        "may_edit": policy.can(request.user, "directory.edit"),
        "figures": _figures(request, service) if policy.can(request.user, "directory.figures") else None,
        "changes": service.history.select_related("history_user").order_by("-history_date")[:10]
        if policy.can(request.user, "directory.edit")
        else [],
    }
    return render(request, "directory/service.html", context)


def _figures(request, service) -> dict:
    """How often the viewer's teams referred to the service (linked actions), and how often that
    led to help: counts only, of the teams where the viewer reads the figures."""
    team_ids = policy.teams_for(request.user, "directory.figures")
    return Action.objects.filter(service=service, plan__household__team_id__in=team_ids).aggregate(
        referred=Count("pk"),
        helped=Count("pk", filter=Q(service_outcome=ServiceOutcome.HELPED)),
        not_helped=Count("pk", filter=Q(service_outcome=ServiceOutcome.NOT_HELPED)),
    )


@require_http_methods(["GET", "POST"])
@no_case_data(perm="directory.edit")
@once.creates_once
def service_edit(request, pk=None):
    service = get_object_or_404(Service, pk=pk) if pk else None
    form = ServiceForm(request.POST or None, instance=service)
    if service is None:
        once.carry(request, form)
    if request.method == "POST" and form.is_valid():

        def save():
            return services.service_save(
                service=form.save(commit=False),
                by=request.user,
                reason=form.cleaned_data["reason"],
                life_domains=form.cleaned_data["life_domains"],
                target_groups=form.cleaned_data["target_groups"],
            )

        try:
            if service is None:
                saved = once.create(request, save, lambda created: created.get_absolute_url())
            else:
                saved = save()
        except once.Repeated:
            return once.earlier_result(request) or redirect("directory:search")
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Service saved."))
            return redirect(saved)
    title = _("Change service") if service else _("New service")
    return render(request, "directory/form.html", {"form": form, "title": title, "service": service})


@require_POST
@no_case_data(perm="directory.edit")
def service_verify(request, pk):
    service = get_object_or_404(Service, pk=pk)
    services.service_verify(service=service, by=request.user)
    messages.success(request, _("Marked as checked today."))
    return redirect(service)


@require_http_methods(["GET", "POST"])
@no_case_data(perm="directory.edit")
@once.creates_once
def contact_add(request, pk):
    service = get_object_or_404(Service, pk=pk)
    form = ContactForm(request.POST or None)
    once.carry(request, form)
    if request.method == "POST" and form.is_valid():
        contact = form.save(commit=False)
        contact.service, contact.organisation_id = service, service.organisation_id
        try:
            once.create(
                request,
                lambda: services.contact_save(contact=contact, by=request.user),
                lambda _contact: service.get_absolute_url(),
            )
        except once.Repeated:
            return once.earlier_result(request) or redirect(service)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Contact person saved."))
            return redirect(service)
    return render(
        request,
        "directory/form.html",
        {
            "form": form,
            "title": _("New contact person for %(service)s") % {"service": service},
            "service": service,
        },
    )


@no_case_data(perm="directory.edit")
def stale_list(request):
    """The coordinator's list: entries due for a check, per organisation, with the last update
    request sent to it."""
    stale = list(_services_for_list().stale().order_by("organisation__name", "name"))
    organisation_ids = {service.organisation_id for service in stale}
    last_requests = updates.last_requests(organisation_ids)
    profiles = updates.addresses(organisation_ids)
    rows = {}
    for service in stale:
        row = rows.setdefault(
            service.organisation_id,
            {
                "organisation": service.organisation,
                "services": [],
                "request": last_requests.get(service.organisation_id),
                "address": profiles.get(service.organisation_id, ""),
            },
        )
        row["services"].append(service)
    return render(
        request, "directory/stale.html", {"rows": list(rows.values()), "today": timezone.localdate()}
    )


@require_POST
@no_case_data(perm="directory.edit")
def update_request_send(request, pk):
    organisation = get_object_or_404(Organisation, pk=pk)
    try:
        updates.send(organisation=organisation, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("Update request sent to %(organisation)s.") % {"organisation": organisation}
        )
    return redirect("directory:stale")


@require_POST
@changes("action")
def action_refer(request, pk, action_pk):
    """Link a plan's action to a service (or undo it), with what came of it. Shares nothing."""
    household = gateway.household(request, pk)
    plan = household.plans.filter(status=Plan.Status.CURRENT).first()
    action = plan.actions.filter(pk=action_pk).first() if plan else None
    if action is None:
        raise Http404
    gateway.record(request, obj=action)
    form = ReferForm(request.POST)
    back = reverse("cases:plan_detail", args=[household.pk])
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    try:
        services.action_refer(
            action=action,
            plan=plan,
            service=form.cleaned_data["service"],
            outcome=form.cleaned_data["outcome"],
            by=request.user,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(back)
    if form.cleaned_data["service"] is None:
        messages.success(request, _("The action no longer refers to a service."))
    else:
        messages.success(
            request,
            _("Action %(what)s refers to %(service)s. Nothing was shared with the organisation.")
            % {"what": action.what, "service": form.cleaned_data["service"]},
        )
    return redirect(back)
