"""The API's endpoints: a partner's system sends signals and follows their status and feedback.

Each endpoint is a function view with the same declaration as the partner's web pages
(cases/gateway.py: `reads`, permission "referral.send" of teams/policy.py) and reads through the
same gateway, the same service (cases.services.referral_submit) and the same feedback
(cases.services.sharing.partner_feedback). `endpoint` puts REST framework around it: the
client's token and scope, the acting person, the rate per client, problem details for every
refusal, the language of Accept-Language (Dutch by default), and exactly one access-log row per
authenticated call, whatever its answer.
"""

import functools
import hashlib
import json

from django.conf import settings
from django.db import transaction
from django.http import JsonResponse
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation.trans_real import parse_accept_lang_header
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import api_view, permission_classes
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from api.auth import client_of, needs
from api.models import SCOPE_CREATE, SCOPE_READ, SignalSubmission
from api.problems import PROBLEM_JSON, TITLES, Conflict, LimitReached
from api.serializers import SignalDetail, SignalFilter, SignalIn, SignalOut, form_data
from cases import access_log, gateway, services
from cases.forms import PartnerReferralForm
from cases.gateway import no_case_data, reads
from cases.models import AccessEvent
from cases.services.referrals import TooManySignals
from cases.services.sharing import partner_feedback
from cases.views.common import PAGE_SIZE

# What the partner's web pages declare (cases/views/partner.py): their organisation's signals.
PARTNER = {"perm": "referral.send", "scope": None}


class Pages(PageNumberPagination):
    page_size = PAGE_SIZE


def language_of(request) -> str:
    """The first language of Accept-Language that the app speaks; Dutch otherwise."""
    spoken = {code for code, _name in settings.LANGUAGES}
    for code, _quality in parse_accept_lang_header(request.META.get("HTTP_ACCEPT_LANGUAGE", "")):
        code = code.split("-")[0].lower()
        if code in spoken:
            return code
    return settings.LANGUAGE_CODE


def _log_unlogged(request, response) -> None:
    """One access-log row for every authenticated call: the gateway wrote it for what was shown
    or refused by scope; here the rest (a refused scope, invalid input, a conflict, the rate)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return
    access = getattr(request, "case_access", None)
    if access is not None and access.written:
        return
    code = response.status_code
    if code in (401, 403, 404):
        result = AccessEvent.Result.DENIED
    elif code >= 400:
        result = AccessEvent.Result.ERROR
    else:
        result = AccessEvent.Result.ALLOWED
    access_log.log(
        request,
        action=access.action if access is not None else AccessEvent.Action.VIEW,
        obj=access.obj if access is not None else None,
        object_type=(access.object_type or access.what) if access is not None else "api",
        result=result,
    )


def endpoint(*, methods: list[str], scopes: dict[str, str], declaration, schemas=()):
    """A REST framework function view around a declared view (see the module's docstring)."""

    def decorator(func):
        declared = declaration(func)

        @functools.wraps(func)
        def handler(request, *args, **kwargs):
            try:
                return declared(request, *args, **kwargs)
            finally:
                request._request.case_access = getattr(request, "case_access", None)

        drf_view = api_view(methods)(permission_classes([needs(**scopes)])(handler))
        for schema in schemas:
            drf_view = schema(drf_view)

        @functools.wraps(func)
        def view(request, *args, **kwargs):
            language = language_of(request)
            with translation.override(language):
                response = drf_view(request, *args, **kwargs)
                response.render()
                _log_unlogged(request, response)
            response.headers["Content-Language"] = language
            patch_vary_headers(response, ["Accept-Language"])
            return response

        view.cls, view.initkwargs = drf_view.cls, drf_view.initkwargs
        view.csrf_exempt = True  # a bearer token, no cookie: nothing to forge
        view.login_required = False  # LoginRequiredMiddleware: the token is the login
        view.case_access = declared.case_access
        return view

    return decorator


ACCEPT_LANGUAGE = OpenApiParameter(
    "Accept-Language",
    location=OpenApiParameter.HEADER,
    required=False,
    description=gettext_lazy("nl (default) or en: the language of status labels and error messages."),
)
ACTING = OpenApiParameter(
    "X-Acting-Person",
    location=OpenApiParameter.HEADER,
    required=True,
    description=gettext_lazy(
        "The person at your organisation on whose behalf the call is made (name or staff id)."
    ),
)
PROBLEM = OpenApiResponse(description=gettext_lazy("Problem details (RFC 9457), application/problem+json."))
REFUSALS = {400: PROBLEM, 401: PROBLEM, 403: PROBLEM, 429: PROBLEM}


@endpoint(
    methods=["GET", "POST"],
    scopes={"GET": SCOPE_READ, "POST": SCOPE_CREATE},
    declaration=reads("api_signal_list", action=AccessEvent.Action.SEARCH, **PARTNER),
    schemas=[
        extend_schema(
            methods=["GET"],
            operation_id="signals_list",
            summary=gettext_lazy("Your organisation's signals"),
            description=gettext_lazy("Newest first, 25 per page. Scope signals:read."),
            parameters=[SignalFilter, ACTING, ACCEPT_LANGUAGE],
            responses={200: SignalOut(many=True), **REFUSALS},
        ),
        extend_schema(
            methods=["POST"],
            operation_id="signals_create",
            summary=gettext_lazy("Send a signal"),
            description=gettext_lazy(
                "The fields, checks and limits of the partner's web form. Scope signals:create. "
                "201: made now; 200: made before with this submission_id and the same content; "
                "429: the hourly limit of signals is reached (see Retry-After)."
            ),
            parameters=[ACTING, ACCEPT_LANGUAGE],
            request=SignalIn,
            responses={201: SignalDetail, 200: SignalDetail, 409: PROBLEM, **REFUSALS},
        ),
    ],
)
def signals(request):
    if request.method == "POST":
        return _create(request)
    return _list(request)


def _list(request):
    params = SignalFilter(data=request.query_params)
    params.is_valid(raise_exception=True)
    wanted = params.validated_data
    found = gateway.referrals(request).select_related("team", "merged_into__merged_into")
    if "status" in wanted:
        found = found.with_partner_status(wanted["status"])
    if "received_from" in wanted:
        found = found.filter(received_at__date__gte=wanted["received_from"])
    if "received_until" in wanted:
        found = found.filter(received_at__date__lte=wanted["received_until"])
    pages = Pages()
    page = pages.paginate_queryset(found.order_by("-received_at", "id"), request)
    return pages.get_paginated_response(SignalOut(page, many=True).data)


def _content_hash(form) -> str:
    """What the signal says, as the form cleaned it: a retry with other content is a conflict."""
    content = {
        name: getattr(value, "pk", value)
        for name, value in form.cleaned_data.items()
        if name != "submission_id"
    }
    canonical = json.dumps(content, sort_keys=True, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _create(request):
    incoming = SignalIn(data=request.data)
    incoming.is_valid(raise_exception=True)
    form = PartnerReferralForm(
        form_data(incoming.validated_data), team_for_postcode=services.team_for_postcode
    )
    if not form.is_valid():
        raise ValidationError({field: list(messages) for field, messages in form.errors.items()})
    digest = _content_hash(form)
    client = client_of(request)
    with transaction.atomic():
        try:
            referral, created = services.referral_submit(
                referral=form.save(commit=False),
                submission_id=form.cleaned_data["submission_id"],
                by=request.user,
            )
        except TooManySignals as limit:
            raise LimitReached(limit.messages[0], wait=limit.retry_after) from None
        if created:
            SignalSubmission(
                referral=referral, client=client, acting_person=request.acting_person, content_hash=digest
            ).save()
        else:
            earlier = SignalSubmission.objects.filter(referral=referral).first()
            if earlier is None or earlier.content_hash != digest:
                raise Conflict
    referral = gateway.sent_referral(request, referral.pk)
    body = SignalDetail(
        referral, context={"feedback": partner_feedback(referral, client.organisation_id)}
    ).data
    location = reverse("api:signal", args=[referral.pk])
    if created:
        gateway.record_now(request, obj=referral, action=AccessEvent.Action.CREATE)
        return Response(body, status=status.HTTP_201_CREATED, headers={"Location": location})
    return Response(body, status=status.HTTP_200_OK, headers={"Location": location})


@endpoint(
    methods=["GET"],
    scopes={"GET": SCOPE_READ},
    declaration=reads("api_signal", **PARTNER),
    schemas=[
        extend_schema(
            operation_id="signals_retrieve",
            summary=gettext_lazy("One of your organisation's signals"),
            description=gettext_lazy(
                "Its status and exactly the feedback your organisation's status page shows. "
                "Another organisation's signal is 404. Scope signals:read."
            ),
            parameters=[ACTING, ACCEPT_LANGUAGE],
            responses={200: SignalDetail, 404: PROBLEM, **REFUSALS},
        )
    ],
)
def signal(request, pk):
    referral = gateway.sent_referral(request, pk)
    feedback = partner_feedback(referral, request.user.organisation_id)
    return Response(SignalDetail(referral, context={"feedback": feedback}).data)


@no_case_data()
def not_found(request, *args, **kwargs):
    """Any other address under /api/: problem details, not the HTML page of the screens."""
    with translation.override(language_of(request)):
        body = {
            "type": "about:blank",
            "title": str(TITLES[404]),
            "status": 404,
            "detail": _("There is no such address in the API."),
            "instance": request.path,
            "code": "not_found",
        }
    return JsonResponse(body, status=404, content_type=PROBLEM_JSON)


not_found.login_required = False
not_found.csrf_exempt = True
