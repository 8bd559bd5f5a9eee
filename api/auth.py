"""Who calls: an API client's token, its scopes, the person at the partner who acts, its rate.

A call is authenticated by an OAuth 2 access token of the client-credentials grant
(django-oauth-toolkit) and runs as the client's own account (api.models.ApiClient.user): a
partner reporter of the client's organisation for the policy table, nothing more. A revoked
client's tokens stop working at once: every call reads the client again.
"""

import contextlib
import logging
import re

from django.utils.translation import gettext_lazy as _
from oauth2_provider.contrib.rest_framework import OAuth2Authentication
from oauth2_provider.oauth2_validators import OAuth2Validator
from rest_framework import exceptions, permissions, throttling
from rest_framework.settings import api_settings

from api.models import SCOPES, ApiClient
from teams.security import origin_of

security_log = logging.getLogger("wijkteam.security")

ACTING_PERSON_HEADER = "X-Acting-Person"
ACTING_PERSON_MAX = 200
# Letters, digits, spaces and the punctuation of names and staff numbers; no control characters.
ACTING_PERSON = re.compile(r"^[^\x00-\x1f\x7f]{1,200}$")


def client_of(request) -> ApiClient | None:
    """The API client of this request, once authenticated (on the HttpRequest under DRF's)."""
    return getattr(getattr(request, "_request", request), "api_client", None)


def granted(request, scope: str) -> bool:
    """Whether this call may do what `scope` allows: the token carries it (a token can be asked
    for fewer scopes than its client has, RFC 6749 3.3) and the client still has it (a scope the
    manager took away stops at once, whatever tokens were issued before)."""
    token, client = getattr(request, "auth", None), client_of(request)
    if token is None or client is None:
        return False
    return token.allow_scopes([scope]) and scope in client.scopes


def _refused(request, why: str) -> None:
    security_log.warning(
        "api call refused: %s",
        why,
        extra={
            "event": "api_refused",
            "why": why,
            "origin": origin_of(getattr(request, "_request", request)),
            "path": request.path[:200],
            "client": getattr(client_of(request), "pk", None),
            "request_id": getattr(request, "request_id", ""),
        },
    )


class ClientAuthentication(OAuth2Authentication):
    """A bearer token of an active API client; the call runs as the client's account."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None:
            if request.META.get("HTTP_AUTHORIZATION", "").lower().startswith("bearer"):
                _refused(request, "invalid, expired or revoked token")
            return None
        _user, token = result
        client = (
            ApiClient.objects.select_related("user", "organisation", "application")
            .filter(application_id=token.application_id)
            .first()
        )
        if client is None or not client.is_active:
            _refused(request, "token of a revoked client")
            raise exceptions.AuthenticationFailed(_("The access token is invalid, expired or revoked."))
        request._request.api_client = client
        request._request.api_client_id = client.client_id
        return client.user, token


class ClientValidator(OAuth2Validator):
    """The token endpoint: only an active API client gets a token, and only for its scopes."""

    def authenticate_client(self, request, *args, **kwargs):
        if not super().authenticate_client(request, *args, **kwargs):
            return False
        return ApiClient.objects.active().filter(application=request.client).exists()

    def validate_scopes(self, client_id, scopes, client, request, *args, **kwargs):
        allowed = ApiClient.objects.filter(application=client).values_list("scopes", flat=True).first() or []
        return set(scopes) <= set(allowed) & set(SCOPES)

    def get_default_scopes(self, client_id, request, *args, **kwargs):
        allowed = (
            ApiClient.objects.filter(application=request.client).values_list("scopes", flat=True).first()
            or []
        )
        return [scope for scope in allowed if scope in SCOPES]


class ActingPersonMissing(exceptions.APIException):
    status_code = 400
    default_detail = _("Name the person at your organisation who acts, in the X-Acting-Person header.")
    default_code = "acting_person_missing"


def _acting_person(request) -> str:
    raw = request.META.get("HTTP_X_ACTING_PERSON", "")
    # WSGI hands headers over as latin-1; a UTF-8 name arrives as its bytes.
    with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
        raw = raw.encode("latin-1").decode("utf-8")
    if not ACTING_PERSON.match(raw):
        return ""
    return " ".join(raw.split())


class ClientPermission(permissions.BasePermission):
    """An authenticated client, a named acting person, and the scope the endpoint needs
    (`required_scope`, per HTTP method)."""

    required_scopes: dict[str, str] = {}
    acting_person_required = True

    def has_permission(self, request, view):
        token = request.auth
        if token is None or client_of(request) is None:
            return False  # 401: DRF answers "not authenticated" with the Bearer challenge
        acting = _acting_person(request)
        if not acting and self.acting_person_required:
            _refused(request, "no acting person")
            raise ActingPersonMissing
        request._request.acting_person = acting
        method = "GET" if request.method == "HEAD" else request.method
        scope = self.required_scopes.get(method)
        if scope is None and method != "OPTIONS":
            return True  # a method the endpoint does not take: REST framework answers 405
        if scope is None or not granted(request, scope):
            _refused(request, f"scope {scope} not granted")
            self.message = _("This token does not allow this call (scope %(scope)s).") % {"scope": scope}
            return False
        return True


def needs(*, acting_person: bool = True, **scopes: str) -> type[ClientPermission]:
    """The permission of an endpoint: needs(GET="signals:read", POST="signals:create"). Without
    `acting_person` the X-Acting-Person header is not asked for (data about no one: the social
    map)."""
    return type(
        "Needs", (ClientPermission,), {"required_scopes": scopes, "acting_person_required": acting_person}
    )


class ActingPerson(ClientPermission):
    """The default: authenticated with an acting person, and no scope grants anything."""


class ClientThrottle(throttling.SimpleRateThrottle):
    """Calls per API client (WIJKTEAM_API_RATE), whatever address they come from."""

    scope = "client"

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_cache_key(self, request, view):
        client = client_of(request)
        if client is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": client.pk}
