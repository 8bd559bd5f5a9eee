"""The token endpoint (OAuth 2 client credentials): django-oauth-toolkit's, with its refusals
also as problem details (RFC 9457) beside the `error` fields that OAuth clients read.

Guessing a secret is slowed down: after WIJKTEAM_API_TOKEN_FAILURES failed attempts within 15
minutes for one client id, or from one address, every request for it is refused with 429 (and
Retry-After) until the oldest of those failures is 15 minutes old — the right secret too, so a
guess that happens to be right teaches nothing. Each refusal is in the security log.
"""

import base64
import binascii
import hashlib
import json
import time
import urllib.parse

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from oauth2_provider.views import TokenView

from api.auth import security_log
from api.problems import TITLES
from cases.gateway import no_case_data
from teams.security import log_rate_limited, origin_of

WINDOW_SECONDS = 15 * 60

# OAuth's error codes (RFC 6749, 5.2) in words, for the problem's `detail`.
DETAILS = {
    "invalid_client": _("The client id or secret is wrong, or the client was revoked."),
    "invalid_scope": _("The client may not have this scope."),
    "unsupported_grant_type": _("Only the grant type client_credentials is supported."),
    "invalid_request": _("The token request is incomplete."),
    "unauthorized_client": _("This client may not use this grant type."),
    "invalid_grant": _("The grant is invalid."),
}


def claimed_client_id(request) -> str:
    """The client id the request names: in HTTP Basic (RFC 6749 2.3.1, form-encoded) or the body."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if header[:6].lower() == "basic ":
        try:
            decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return ""
        return urllib.parse.unquote_plus(decoded.partition(":")[0])[:200]
    return str(request.POST.get("client_id", ""))[:200]


def _keys(request, client_id: str) -> list[str]:
    keys = [f"address:{origin_of(request)}"]
    if client_id:
        keys.append(f"client:{client_id}")
    return ["api-token-failures:" + hashlib.sha256(key.encode()).hexdigest() for key in keys]


def _recent(key: str, now: float) -> list[float]:
    return [at for at in cache.get(key, []) if at > now - WINDOW_SECONDS]


def wait_seconds(request, client_id: str) -> int:
    """Seconds before a token may be asked for this client id from this address (0: now)."""
    limit = settings.WIJKTEAM_API_TOKEN_FAILURES
    now = time.time()
    wait = 0.0
    for key in _keys(request, client_id):
        recent = _recent(key, now)
        if len(recent) >= limit:
            wait = max(wait, recent[-limit] + WINDOW_SECONDS - now)
    return int(wait) + 1 if wait > 0 else 0


def _count_failure(request, client_id: str) -> None:
    now = time.time()
    limit = settings.WIJKTEAM_API_TOKEN_FAILURES
    for key in _keys(request, client_id):
        cache.set(key, [*_recent(key, now), now][-limit:], WINDOW_SECONDS)


class Token(TokenView):
    def post(self, request, *args, **kwargs):
        from api.views import language_of

        client_id = claimed_client_id(request)
        with translation.override(language_of(request)):
            wait = wait_seconds(request, client_id)
            if wait:
                return self._too_many(request, client_id, wait)
            response = super().post(request, *args, **kwargs)
            if response.status_code >= 400:
                response = self._as_problem(request, response, client_id)
        return response

    def _too_many(self, request, client_id: str, wait: int):
        log_rate_limited(request, username=client_id, action="api_token")
        body = {
            "type": "about:blank",
            "title": str(TITLES[429]),
            "status": 429,
            "detail": str(_("Too many failed attempts. Try again later.")),
            "instance": request.path,
            "code": "too_many_attempts",
            "error": "invalid_client",
        }
        response = HttpResponse(json.dumps(body), status=429, content_type="application/problem+json")
        response["Retry-After"] = str(wait)
        response["Cache-Control"] = "no-store"
        return response

    def _as_problem(self, request, response, client_id: str = ""):
        try:
            body = json.loads(response.content or b"{}")
        except ValueError:
            body = {}
        error = body.get("error", "invalid_request") if isinstance(body, dict) else "invalid_request"
        if error == "invalid_client":
            _count_failure(request, client_id)
        security_log.warning(
            "api token refused: %s",
            error,
            extra={"event": "api_token_refused", "why": error, "origin": origin_of(request)},
        )
        status = response.status_code
        body = {
            "type": "about:blank",
            "title": str(TITLES.get(status, TITLES[400])),
            "status": status,
            "detail": str(DETAILS.get(error, DETAILS["invalid_request"])),
            "instance": request.path,
            "code": error,
            "error": error,
        }
        response.content = json.dumps(body).encode()
        return response

    def http_method_not_allowed(self, request, *args, **kwargs):
        response = super().http_method_not_allowed(request, *args, **kwargs)
        response["Content-Type"] = "application/problem+json"
        response.content = json.dumps(
            {
                "type": "about:blank",
                "title": str(TITLES[405]),
                "status": 405,
                "detail": "POST",
                "code": "method_not_allowed",
            }
        ).encode()
        return response


# No case data; the client's secret is its login (LoginRequiredMiddleware leaves it alone).
token = no_case_data()(Token.as_view())
token.login_required = False
