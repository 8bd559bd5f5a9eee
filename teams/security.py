"""Security events worth a line in the log: failed logins (never the password)."""

import logging
import time

logger = logging.getLogger("wijkteam.security")


def log_failed_login(sender, credentials, request=None, **kwargs):
    username = credentials.get("username") or credentials.get("login") or ""
    origin = request.META.get("REMOTE_ADDR", "") if request is not None else ""
    request_id = getattr(request, "request_id", "")
    logger.warning("login failed for %r from %s (request %s)", username[:150], origin, request_id)


def record_login_time(sender, request, user, **kwargs):
    """The start of the 12-hour absolute session (wijkteam.middleware.AbsoluteSessionTimeoutMiddleware)."""
    from wijkteam.middleware import LOGIN_AT

    if request is not None and hasattr(request, "session"):
        request.session[LOGIN_AT] = time.time()
