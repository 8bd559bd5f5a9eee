"""Security events worth a line in the log: failed logins and lockouts (never the password).

There is no security-event table: these go to the `wijkteam.security` logger, which the
deployment ships to its log store. Each lockout line carries the username tried, the origin
address (the one the rate limits count, see ALLAUTH_TRUSTED_PROXY_COUNT) and the time, also as
structured fields (`extra`) for a log shipper.
"""

import logging
import time

from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.utils import timezone

logger = logging.getLogger("wijkteam.security")

USERNAME_LENGTH = 150  # the longest username; a longer "username" is input, not a name


def origin_of(request) -> str:
    """The client's address as the rate limits see it (behind the proxy too)."""
    from allauth.account.adapter import get_adapter

    if request is None:
        return ""
    try:
        return get_adapter(request).get_client_ip(request)
    except (PermissionDenied, ImproperlyConfigured):  # no address, or a proxy count that does not fit
        return request.META.get("REMOTE_ADDR", "")


def log_failed_login(sender, credentials, request=None, **kwargs):
    username = credentials.get("username") or credentials.get("login") or ""
    origin = origin_of(request)
    request_id = getattr(request, "request_id", "")
    logger.warning("login failed for %r from %s (request %s)", username[:USERNAME_LENGTH], origin, request_id)


def log_rate_limited(request, *, username: str, action: str) -> None:
    """A login (or another account action) refused by the rate limit: the lockout of SECURITY.md AU-2."""
    username = (username or "")[:USERNAME_LENGTH]
    origin = origin_of(request)
    at = timezone.now().isoformat()
    request_id = getattr(request, "request_id", "")
    logger.warning(
        "%s refused by the rate limit (locked out) for %r from %s at %s (request %s)",
        action,
        username,
        origin,
        at,
        request_id,
        extra={
            "security_event": "rate_limited",
            "action": action,
            "tried_username": username,
            "origin": origin,
            "at": at,
        },
    )


def record_login_time(sender, request, user, **kwargs):
    """The start of the 12-hour absolute session (wijkteam.middleware.AbsoluteSessionTimeoutMiddleware)."""
    from wijkteam.middleware import LOGIN_AT

    if request is not None and hasattr(request, "session"):
        request.session[LOGIN_AT] = time.time()
