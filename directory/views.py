"""The social map for team members: search, a service with how to refer, and for coordinators
and managers the edit pages, the list of entries due for a check and the update requests.

The directory is not case data: every view is @no_case_data (cases/gateway.py) with a
permission of teams/policy.py. The one view that touches a household (linking a plan's action to
a service) is declared @changes("action") and fetches the household through the gateway.
"""

import io
import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases import gateway, once
from cases.gateway import changes, no_case_data
from cases.models import Action, Plan
from cases.models.plan import ServiceOutcome
from cases.views.common import PAGE_SIZE, query_without_page
from directory import hsds, search, services, updates
from directory.forms import (
    ContactForm,
    LocationForm,
    OpeningHoursFormSet,
    ReferForm,
    RemoveForm,
    ReviewReferForm,
    SearchForm,
    ServiceForm,
)
from directory.hsds import tabular
from directory.models import Contact, Location, OpeningHours, Service
from teams import policy
from teams.models import Organisation
from wijkteam.replica import reads_from_replica


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
                lambda: services.contact_save(
                    contact=contact, by=request.user, reason=form.cleaned_data["reason"]
                ),
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


def _contact_of(service, contact_pk):
    """A contact person shown on the service's page: of the service, or of its organisation."""
    return get_object_or_404(
        Contact.objects.filter(
            Q(service=service) | Q(service__isnull=True, organisation_id=service.organisation_id)
        ),
        pk=contact_pk,
    )


@require_http_methods(["GET", "POST"])
@no_case_data(perm="directory.edit")
def contact_edit(request, pk, contact_pk):
    service = get_object_or_404(Service, pk=pk)
    contact = _contact_of(service, contact_pk)
    form = ContactForm(request.POST or None, instance=contact)
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_save(
                contact=form.save(commit=False), by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Contact person saved."))
            return redirect(service)
    context = {
        "form": form,
        "title": _("Change contact person %(name)s") % {"name": contact.name},
        "service": service,
        "remove_url": reverse("directory:contact_remove", args=[service.pk, contact.pk]),
        "remove_label": _("Remove this contact person"),
        "remove_form": RemoveForm(),
    }
    return render(request, "directory/form.html", context, status=400 if form.errors else 200)


@require_POST
@no_case_data(perm="directory.edit")
def contact_remove(request, pk, contact_pk):
    service = get_object_or_404(Service, pk=pk)
    contact = _contact_of(service, contact_pk)
    form = RemoveForm(request.POST)
    if not form.is_valid():
        return _refused(request, form, reverse("directory:contact_edit", args=[service.pk, contact.pk]))
    services.contact_remove(contact=contact, by=request.user, reason=form.cleaned_data["reason"])
    messages.success(request, _("Contact person %(name)s removed.") % {"name": contact.name})
    return redirect(service)


def _add_errors(form, error: ValidationError) -> None:
    """A service's refusal at the form's field it names, the rest above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _refused(request, form, back):
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    return redirect(back)


@require_http_methods(["GET", "POST"])
@no_case_data(perm="directory.edit")
@once.creates_once
def location_edit(request, pk, location_pk=None):
    """A location of the service with its opening hours (a formset: one row per weekly opening)."""
    service = get_object_or_404(Service, pk=pk)
    location = get_object_or_404(service.locations.all(), pk=location_pk) if location_pk else None
    form = LocationForm(request.POST or None, instance=location)
    hours = OpeningHoursFormSet(
        request.POST or None,
        instance=location or Location(),
        prefix="hours",
        queryset=OpeningHours.objects.order_by("weekday", "opens_at"),
    )
    if request.method == "POST" and form.is_valid() and hours.is_valid():

        def save():
            changed = hours.save(commit=False)
            return services.location_save(
                location=form.save(commit=False),
                service=service,
                by=request.user,
                hours=changed,
                removed_hours=hours.deleted_objects,
                reason=form.cleaned_data["reason"],
            )

        try:
            if location is None:
                once.create(request, save, lambda _location: service.get_absolute_url())
            else:
                save()
        except once.Repeated:
            return once.earlier_result(request) or redirect(service)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Location saved."))
            return redirect(service)
    title = (
        _("Change location %(name)s") % {"name": location.name}
        if location
        else _("New location for %(service)s") % {"service": service}
    )
    context = {"form": form, "hours": hours, "title": title, "service": service, "location": location}
    if location is None:
        context["submission_id"] = once.token(request)
    if location is not None:
        context["remove_url"] = reverse("directory:location_remove", args=[service.pk, location.pk])
        context["remove_label"] = _("Remove this location")
        context["remove_form"] = RemoveForm()
        context["shared_with"] = list(location.services.exclude(pk=service.pk).values_list("name", flat=True))
    invalid = request.method == "POST" and (form.errors or not hours.is_valid())
    return render(request, "directory/location_form.html", context, status=400 if invalid else 200)


@require_POST
@no_case_data(perm="directory.edit")
def location_remove(request, pk, location_pk):
    service = get_object_or_404(Service, pk=pk)
    location = get_object_or_404(service.locations.all(), pk=location_pk)
    form = RemoveForm(request.POST)
    if not form.is_valid():
        return _refused(request, form, reverse("directory:location_edit", args=[service.pk, location.pk]))
    services.location_remove(
        location=location, service=service, by=request.user, reason=form.cleaned_data["reason"]
    )
    messages.success(request, _("Location %(name)s removed.") % {"name": location.name})
    return redirect(service)


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


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@no_case_data(perm="directory.export")
@reads_from_replica
def export_json(request):
    """The whole social map as one HSDS 3.0 document (directory/hsds), contact persons included:
    for coordinators and managers only (professional data)."""
    document = hsds.export_document()
    text = json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True)
    name = f"sociale-kaart-{timezone.localdate():%Y%m%d}.json"
    return _download(text.encode(), "application/json", name)


@require_GET
@no_case_data(perm="directory.export")
@reads_from_replica
def export_tabular(request):
    """The same as HSDS's tabular data package (a CSV per table and datapackage.json), zipped."""
    archive = io.BytesIO()
    tabular.save(tabular.write(hsds.export_document()), archive)
    name = f"sociale-kaart-{timezone.localdate():%Y%m%d}-hsds-csv.zip"
    return _download(archive.getvalue(), "application/zip", name)


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
    if form.is_valid():
        try:
            services.action_refer(
                action=action,
                plan=plan,
                service=form.cleaned_data["service"],
                outcome=form.cleaned_data["outcome"],
                by=request.user,
            )
        except ValidationError as error:
            _add_errors(form, error)
    if form.errors:
        # Bad input comes back at its field, with what was chosen (a 400, nothing saved).
        context = {"form": form, "household": household, "action": action, "back": back}
        return render(request, "directory/refer.html", context, status=400)
    if form.cleaned_data["service"] is None:
        messages.success(request, _("The action no longer refers to a service."))
    else:
        messages.success(
            request,
            _("Action %(what)s refers to %(service)s. Nothing was shared with the organisation.")
            % {"what": action.what, "service": form.cleaned_data["service"]},
        )
    return redirect(back)


PICKER_SIZE = 20


@require_http_methods(["GET", "POST"])
@changes("case_review")
def review_refer(request, pk, review_pk, line):
    """From a follow-up line of a case review: search the social map and pick a service; the
    line becomes a plan action that refers to it (or its action, when the line is already on the
    plan, is linked). Works without JavaScript: the search is a GET form, the pick a POST."""
    household = gateway.household(request, pk)
    review = get_object_or_404(household.reviews, pk=review_pk)
    review.household = household
    lines = review.follow_up_lines
    if not 0 <= line < len(lines):
        raise Http404
    gateway.record(request, obj=review)
    data = request.POST if request.method == "POST" else request.GET
    search_form = SearchForm({"q": data.get("q", "")})
    search_form.is_valid()
    query = search_form.params().get("q") or ""
    found = list(search.search({"q": query})[: PICKER_SIZE + 1])
    form = ReviewReferForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                action = services.review_refer(
                    review=review, line=line, service=form.cleaned_data["service"], by=request.user
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Action %(what)s refers to %(service)s. Nothing was shared with the organisation.")
                    % {"what": action.what, "service": action.service},
                )
                return redirect("cases:plan_detail", pk=household.pk)
        status = 400
    on_plan = (
        Action.objects.filter(review=review, what=lines[line][:300], plan__status=Plan.Status.CURRENT)
        .select_related("service")
        .first()
    )
    context = {
        "household": household,
        "review": review,
        "line": line,
        "line_text": lines[line],
        "search_form": search_form,
        "query": query,
        "found": found[:PICKER_SIZE],
        "more": len(found) > PICKER_SIZE,
        "form": form,
        "chosen": str(form["service"].value() or ""),
        "on_plan": on_plan,
    }
    return render(request, "directory/review_refer.html", context, status=status)
