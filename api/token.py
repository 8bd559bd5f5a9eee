"""The token endpoint (OAuth 2 client credentials): django-oauth-toolkit's, with its refusals
also as problem details (RFC 9457) beside the `error` fields that OAuth clients read."""

import json

from django.utils import translation
from django.utils.translation import gettext_lazy as _
from oauth2_provider.views import TokenView

from api.auth import security_log
from api.problems import TITLES
from cases.gateway import no_case_data
from teams.security import origin_of

# OAuth's error codes (RFC 6749, 5.2) in words, for the problem's `detail`.
DETAILS = {
    "invalid_client": _("The client id or secret is wrong, or the client was revoked."),
    "invalid_scope": _("The client may not have this scope."),
    "unsupported_grant_type": _("Only the grant type client_credentials is supported."),
    "invalid_request": _("The token request is incomplete."),
    "unauthorized_client": _("This client may not use this grant type."),
    "invalid_grant": _("The grant is invalid."),
}


class Token(TokenView):
    def post(self, request, *args, **kwargs):
        from api.views import language_of

        with translation.override(language_of(request)):
            response = super().post(request, *args, **kwargs)
            if response.status_code >= 400:
                response = self._as_problem(request, response)
        return response

    def _as_problem(self, request, response):
        try:
            body = json.loads(response.content or b"{}")
        except ValueError:
            body = {}
        error = body.get("error", "invalid_request") if isinstance(body, dict) else "invalid_request"
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
