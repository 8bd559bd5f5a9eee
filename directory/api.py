"""The read-only HSDS 3.0 API of the social map, under /api/hsds/: `/`, `/services` (the Page
wrapper; search, taxonomy_term_id, organization_id, postcode, modified_after) and
`/services/{id}`.

Partners' systems call it with a bearer token of their API client (api/auth.py: OAuth 2 client
credentials, the client active); what the client may read is its ApiAccess (directory/models.py):
"directory:read", and contact persons only with "directory:contacts". A confidential location's
address never leaves. Plain Django views (no REST framework schema): the partner API's OpenAPI
description stays about signals; this API's description is HSDS's own openapi.json.
"""

import datetime
import logging
import uuid

from django.core.paginator import EmptyPage, Paginator
from django.db.models import Prefetch, Q
from django.http import JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.views.decorators.http import require_GET
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from api.auth import ClientAuthentication
from cases.gateway import no_case_data
from directory import hsds, search
from directory.models import PROFILE_URI, ApiAccess, Contact, Location, Service, ServiceAtLocation
from teams.security import origin_of

security_log = logging.getLogger("wijkteam.security")
PER_PAGE, MAX_PER_PAGE = 50, 200


def _problem(status: int, title: str) -> JsonResponse:
    response = JsonResponse({"status": status, "title": title}, status=status)
    response["Content-Type"] = "application/problem+json"
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


def hsds_endpoint(view):
    """The client's token (401 without a valid one), its grant (403 without "directory:read"),
    and `request.directory_contacts`: whether contact persons may leave."""

    def wrapped(request, *args, **kwargs):
        try:
            result = ClientAuthentication().authenticate(Request(request))
        except AuthenticationFailed:
            result = None
        if result is None:
            return _problem(401, "Not authenticated")
        access = ApiAccess.objects.filter(client=request.api_client).first()
        scopes = set(access.scopes) if access is not None else set()
        if ApiAccess.READ not in scopes:
            security_log.warning(
                "hsds api refused: no directory:read",
                extra={"event": "api_refused", "client": request.api_client.pk, "origin": origin_of(request)},
            )
            return _problem(403, "This client may not read the social map")
        request.directory_contacts = ApiAccess.CONTACTS in scopes
        return view(request, *args, **kwargs)

    wrapped.login_required = False
    wrapped.csrf_exempt = True
    wrapped.__name__ = view.__name__
    wrapped.__module__ = view.__module__
    return no_case_data()(require_GET(wrapped))


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
        services = services.filter(Q(life_domains=_uuid(term)) | Q(target_groups=_uuid(term))).distinct()
    organisation = request.GET.get("organization_id", "")
    if organisation:
        wanted = _uuid(organisation)
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
            raise ValueError("modified_after")
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


def _uuid(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise ValueError("id") from None


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
        raise ValueError(name)
    return int(raw)


@hsds_endpoint
def services(request):
    try:
        found = _filtered(request)
        per_page = _number(request, "per_page", PER_PAGE, MAX_PER_PAGE)
        number = _number(request, "page", 1, 10**6)
    except ValueError as error:
        return _problem(400, f"Invalid parameter: {error}")
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
        return _problem(404, "Not found")
    contacts = _organisation_contacts([found], request.directory_contacts)
    return JsonResponse(service_out(found, contacts, with_contacts=request.directory_contacts))
