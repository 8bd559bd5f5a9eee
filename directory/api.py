"""The read-only HSDS 3.0 API of the social map, under /api/hsds/: `/`, `/services` (the Page
wrapper; search, taxonomy_term_id, organization_id, postcode, modified_after) and
`/services/{id}`.

Partners' systems call it like the partner API (api/): a bearer token of their API client (OAuth 2
client credentials, api/auth.py), the client's rate, refusals as problem details (api/problems.py).
What a call may read are the token's scopes (api.auth.granted: the token carries the scope and
the client still has it): "directory:read" for the services, organisations and locations, and
contact persons only with "directory:contacts" too; a token asked for with `scope=directory:read`
gets no contact persons, whatever its client may. A confidential location's address never leaves.
No X-Acting-Person header: nothing here is about a person the partner acts for. The answers are
HSDS's own documents (JsonResponse), not in the partner API's OpenAPI description (this API's
description is HSDS's openapi.json).
"""

import datetime
import functools
import uuid

from django.core.paginator import EmptyPage, Paginator
from django.db.models import Prefetch, Q
from django.http import JsonResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import api_view, permission_classes
from rest_framework.exceptions import NotFound, ValidationError

from api.auth import granted, needs
from api.models import SCOPE_DIRECTORY_CONTACTS, SCOPE_DIRECTORY_READ
from api.views import language_of
from cases.gateway import no_case_data
from directory import hsds, search
from directory.models import PROFILE_URI, Contact, Location, Service, ServiceAtLocation

PER_PAGE, MAX_PER_PAGE = 50, 200


def hsds_endpoint(view):
    """A GET of the partner API's machinery: 401 without a valid token, 403 without
    "directory:read" (problem details), and `request.directory_contacts`: whether contact
    persons may leave in this call."""

    @functools.wraps(view)
    def handler(request, *args, **kwargs):
        request._request.directory_contacts = granted(request, SCOPE_DIRECTORY_CONTACTS)
        return view(request, *args, **kwargs)

    drf_view = extend_schema(exclude=True)(
        api_view(["GET"])(permission_classes([needs(GET=SCOPE_DIRECTORY_READ, acting_person=False)])(handler))
    )

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        with translation.override(language_of(request)):
            response = drf_view(request, *args, **kwargs)
            if hasattr(response, "render"):
                response.render()
        return response

    wrapped.cls, wrapped.initkwargs = drf_view.cls, drf_view.initkwargs
    wrapped.login_required = False  # the token is the login
    wrapped.csrf_exempt = True  # a bearer token, no cookie: nothing to forge
    return no_case_data()(wrapped)


def _services(*, with_contacts: bool):
    locations = Location.objects.select_related("organisation__directory_profile").prefetch_related(
        "opening_hours"
    )
    prefetches = [
        "life_domains",
        "target_groups",
        Prefetch(
            "at_locations",
            queryset=ServiceAtLocation.objects.prefetch_related(Prefetch("location", queryset=locations)),
        ),
    ]
    if with_contacts:
        prefetches.append(Prefetch("contacts", queryset=Contact.objects.order_by("name", "id")))
    return Service.objects.select_related("organisation__directory_profile").prefetch_related(*prefetches)


def _organisation_contacts(services, with_contacts: bool) -> dict:
    if not with_contacts:
        return {}
    found = {}
    ids = {service.organisation_id for service in services}
    for contact in Contact.objects.filter(organisation_id__in=ids, service__isnull=True).order_by(
        "name", "id"
    ):
        found.setdefault(contact.organisation_id, []).append(contact)
    return found


def service_out(service: Service, organisation_contacts: dict, *, with_contacts: bool) -> dict:
    """One service, fully nested: its organisation and locations (without a confidential
    location's address), its contacts only for a client that may see them."""
    organisation = hsds.organisation_document(
        service.organisation,
        organisation_contacts.get(service.organisation_id, []),
        with_contacts=with_contacts,
    )
    document = hsds.service_document(service, organisation["id"], with_contacts=with_contacts)
    document["organization"] = organisation
    for link, placed in zip(
        service.at_locations.all(), document.get("service_at_locations", []), strict=True
    ):
        placed["location"] = hsds.location_document(link.location, organisation["id"], public=True)
    return document


@hsds_endpoint
def root(request):
    return JsonResponse(
        {
            "version": hsds.VERSION,
            "profile": PROFILE_URI,
            "openapi_url": request.build_absolute_uri(reverse("directory_api:root")) + "openapi.json",
        }
    )


def _filtered(request):
    services = _services(with_contacts=request.directory_contacts).exclude(status=Service.Status.INACTIVE)
    term = request.GET.get("taxonomy_term_id", "")
    if term:
        wanted = _uuid(term, "taxonomy_term_id")
        services = services.filter(Q(life_domains=wanted) | Q(target_groups=wanted)).distinct()
    organisation = request.GET.get("organization_id", "")
    if organisation:
        wanted = _uuid(organisation, "organization_id")
        services = services.filter(
            Q(organisation__directory_profile__id=wanted) | Q(organisation__name__in=_names_with_uuid(wanted))
        )
    postcode = request.GET.get("postcode", "").replace(" ", "").upper()
    if postcode:
        services = search.by_area(services, postcode if postcode[:4].isdigit() else "")
    modified = request.GET.get("modified_after", "")
    if modified:
        when = _moment(modified)
        if when is None:
            raise _invalid("modified_after")
        services = services.filter(modified_at__gt=when)
    text = request.GET.get("search", "")
    return search.by_text(services, text) if text.strip() else services.order_by("name", "id")


def _moment(text: str) -> datetime.datetime | None:
    """An ISO date-time (UTC when it names no zone) or a date (its start, UTC)."""
    try:
        when = parse_datetime(text)
        if when is None and (day := parse_date(text)) is not None:
            when = datetime.datetime.combine(day, datetime.time.min)
    except ValueError:
        return None
    if when is not None and timezone.is_naive(when):
        when = when.replace(tzinfo=datetime.UTC)
    return when


def _invalid(name: str) -> ValidationError:
    return ValidationError({name: [_("This value is not valid here.")]})


def _uuid(value: str, name: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise _invalid(name) from None


def _names_with_uuid(wanted: uuid.UUID) -> list[str]:
    """Organisations without a profile have an id derived from their name (directory/hsds)."""
    from teams.models import Organisation

    return [
        name
        for name in Organisation.objects.filter(directory_profile__isnull=True).values_list("name", flat=True)
        if hsds._id("organisation", name) == str(wanted)
    ]


def _number(request, name: str, default: int, maximum: int) -> int:
    raw = request.GET.get(name, "")
    if not raw:
        return default
    if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= maximum:
        raise _invalid(name)
    return int(raw)


@hsds_endpoint
def services(request):
    found = _filtered(request)
    per_page = _number(request, "per_page", PER_PAGE, MAX_PER_PAGE)
    number = _number(request, "page", 1, 10**6)
    paginator = Paginator(found, per_page)
    try:
        page = paginator.page(number)
        items = list(page.object_list)
    except EmptyPage:
        page, items = None, []
    contacts = _organisation_contacts(items, request.directory_contacts)
    total_pages = max(paginator.num_pages, 1) if paginator.count else 0
    return JsonResponse(
        {
            "total_items": paginator.count,
            "total_pages": total_pages,
            "page_number": number,
            "size": len(items),
            "first_page": number == 1,
            "last_page": page is None or not page.has_next(),
            "empty": not items,
            "contents": [service_out(s, contacts, with_contacts=request.directory_contacts) for s in items],
        }
    )


@hsds_endpoint
def service(request, pk):
    found = (
        _services(with_contacts=request.directory_contacts)
        .exclude(status=Service.Status.INACTIVE)
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise NotFound
    contacts = _organisation_contacts([found], request.directory_contacts)
    return JsonResponse(service_out(found, contacts, with_contacts=request.directory_contacts))
