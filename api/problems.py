"""Every refusal of the API as problem details (RFC 9457), in Dutch or English, never an HTML page.

The body is JSON with `type`, `title`, `status`, `detail` and `instance`, plus `code` (a stable
word for programs) and, for invalid input, `errors`: the messages per field. A body that is not
JSON, too large or nested too deeply is a 400 like any other invalid input, never a 500.
"""

import json

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, parsers
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error

PROBLEM_JSON = "application/problem+json"
# A signal is a few kilobytes; the body of one call is never more than this.
MAX_BODY_BYTES = 2 * 1024 * 1024

TITLES = {
    400: gettext_lazy("Invalid request"),
    401: gettext_lazy("Not authenticated"),
    403: gettext_lazy("Not allowed"),
    404: gettext_lazy("Not found"),
    405: gettext_lazy("Method not allowed"),
    406: gettext_lazy("Not acceptable"),
    409: gettext_lazy("Conflict"),
    413: gettext_lazy("Content too large"),
    415: gettext_lazy("Unsupported media type"),
    429: gettext_lazy("Too many requests"),
}


class Conflict(exceptions.APIException):
    status_code = 409
    default_detail = gettext_lazy("This submission id was used before, for other content.")
    default_code = "conflict"


class LimitReached(exceptions.APIException):
    """A limit of the service itself (the partner's signals per hour): 429 with Retry-After."""

    status_code = 429
    default_detail = gettext_lazy("Too many requests. Try again later.")
    default_code = "limit_reached"

    def __init__(self, detail=None, *, wait: int):
        super().__init__(detail)
        self.wait = wait


class JSONParser(parsers.JSONParser):
    """DRF's parser, with a size limit and without a 500 on deep nesting or odd constants."""

    def parse(self, stream, media_type=None, parser_context=None):
        data = stream.read(MAX_BODY_BYTES + 1) if stream is not None else b""
        if len(data) > MAX_BODY_BYTES:
            raise TooLarge
        try:
            return json.loads(data.decode("utf-8"), parse_constant=_no_constant)
        except RecursionError:
            raise exceptions.ParseError(_("The JSON is nested too deeply.")) from None
        except (ValueError, UnicodeDecodeError):
            raise exceptions.ParseError(_("The request body is not valid JSON.")) from None


def _no_constant(name):
    raise ValueError(name)  # NaN and Infinity are not JSON


class TooLarge(exceptions.APIException):
    status_code = 413
    default_detail = gettext_lazy("The request body is too large.")
    default_code = "too_large"


def _as_api_exception(exc):
    if isinstance(exc, RequestDataTooBig):
        return TooLarge()
    if isinstance(exc, Http404):
        return exceptions.NotFound()
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied(str(exc) or None)
    if isinstance(exc, DjangoValidationError):
        return exceptions.ValidationError(as_serializer_error(exc))
    return exc


def problem(request, *, status: int, detail: str, code: str, errors=None, headers=None) -> Response:
    body = {
        "type": "about:blank",
        "title": str(TITLES.get(status, _("Error"))),
        "status": status,
        "detail": str(detail),
        "instance": request.path if request is not None else "",
        "code": code,
    }
    if errors is not None:
        body["errors"] = errors
    return Response(body, status=status, headers=headers, content_type=PROBLEM_JSON)


def _errors(detail):
    """Field errors as {field: [message, ...]}, nested ones joined by dots."""
    if isinstance(detail, dict):
        flat = {}
        for field, value in detail.items():
            inner = _errors(value)
            if isinstance(inner, dict):
                flat.update({f"{field}.{key}": messages for key, messages in inner.items()})
            else:
                flat[str(field)] = inner
        return flat
    if isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            return [str(item) for item in detail]
        return {str(i): _errors(item) for i, item in enumerate(detail)}
    return [str(detail)]


def exception_handler(exc, context):
    """REST framework's exception handler (settings.REST_FRAMEWORK): a problem for every 4xx."""
    exc = _as_api_exception(exc)
    if not isinstance(exc, exceptions.APIException):
        return None  # a real error: the 500 handler and the error log
    request = context.get("request")
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))
    if isinstance(exc, exceptions.ValidationError):
        errors = _errors(exc.detail)
        if isinstance(errors, list):
            errors = {"non_field_errors": errors}
        return problem(
            request,
            status=exc.status_code,
            detail=_("The request has errors: see the messages per field."),
            code="invalid",
            errors=errors,
            headers=headers,
        )
    detail = exc.detail if isinstance(exc.detail, str) else json.dumps(exc.detail)
    code = getattr(exc.detail, "code", None) or exc.default_code
    return problem(request, status=exc.status_code, detail=detail, code=str(code), headers=headers)
