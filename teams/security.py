"""Security events worth a line in the log: failed logins and lockouts (never the password), and
access to case data given or changed through a position.

These go to the `wijkteam.security` logger, which the deployment ships to its log store. Each
lockout line carries the username tried, the origin address (the one the rate limits count, see
ALLAUTH_TRUSTED_PROXY_COUNT) and the time, also as structured fields (`extra`) for a log
shipper. Every lock is also a row of the append-only SecurityEvent table, which administrators
read in the administration (teams.throttle.record_lock). The positions' own history is what the
team's coordinator reads (`access_changes`); the log line is for whoever watches the whole system.
"""

import datetime
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


# allauth's other limits (the login page per address, password reset, step-up) answer 429 and
# say nothing of their window: one security event per action and address per this many seconds.
RATE_LIMITED_EVERY = 60


def log_rate_limited(request, *, username: str, action: str, record: bool = True) -> None:
    """A login (or another account action) refused by the rate limit: the lockout of docs/security.md AU-2.

    A line per refusal; with `record`, also the lock's SecurityEvent (teams.throttle.record_lock:
    one per action and address per minute). The login's own rules record their locks themselves
    when they begin, and pass record=False.
    """
    from teams.models import SecurityEvent
    from teams.throttle import record_lock

    username = (username or "")[:USERNAME_LENGTH]
    origin = origin_of(request)
    if record:
        record_lock(
            request,
            kind=SecurityEvent.Kind.RATE_LIMITED,
            key=f"{action}|{origin}",
            username=username,
            address=origin,
            seconds=RATE_LIMITED_EVERY,
            every=RATE_LIMITED_EVERY,
            action=action,
        )
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


# --- Access to case data, given or changed ---------------------------------------------------

# The fields of a position that decide whose case data a user may read, and as what.
ACCESS_FIELDS = ("access_role", "active_from", "active_until")


def _access(position) -> dict[str, str]:
    return {
        "access_role": position.access_role,
        "active_from": position.active_from.isoformat() if position.active_from else "",
        "active_until": position.active_until.isoformat() if position.active_until else "",
    }


def access_changed(previous, position) -> bool:
    """Whether a change of a position changes the access it gives (not its hours, say)."""
    return any(getattr(previous, name) != getattr(position, name) for name in ACCESS_FIELDS)


def log_position_change(*, position, by, previous=None) -> None:
    """A position given (`previous` None) or its access changed: who gave whom which access.

    Identifiers, the team and the role only: never case data. `previous` is the position as it
    was before the change.
    """
    event = "position_granted" if previous is None else "position_changed"
    now = _access(position)
    message = "%s: %s (user %s) gave %s (user %s) the access role %s in team %s (team %s) from %s until %s"
    args = [
        event,
        by.username,
        by.pk,
        position.user.username,
        position.user_id,
        now["access_role"],
        position.team.name,
        position.team_id,
        now["active_from"],
        now["active_until"] or "open-ended",
    ]
    was = _access(previous) if previous is not None else {}
    if was:
        message += "; it was %s from %s until %s"
        args += [was["access_role"], was["active_from"], was["active_until"] or "open-ended"]
    logger.warning(
        message,
        *args,
        extra={
            "security_event": event,
            "by_user_id": by.pk,
            "by_username": by.username,
            "for_user_id": position.user_id,
            "for_username": position.user.username,
            "team_id": position.team_id,
            "team": position.team.name,
            "position_id": position.pk,
            **now,
            "was": was,
        },
    )


def log_calendar_feed_renewed(*, user, previous_since) -> None:
    """A user gave their calendar feed a new secret address (the old one stopped): who and when,
    never the address itself. For whoever investigates a leaked address: from when it was dead."""
    logger.warning(
        "calendar_feed_renewed: %s (user %s) renewed their calendar address; the previous one, "
        "in use since %s, no longer works",
        user.username,
        user.pk,
        previous_since.isoformat() if previous_since else "never",
        extra={
            "security_event": "calendar_feed_renewed",
            "for_user_id": user.pk,
            "for_username": user.username,
            "previous_since": previous_since.isoformat() if previous_since else None,
        },
    )


def access_changes(team_id: int, *, since: datetime.datetime) -> list:
    """The team's position records since `since` that gave or changed access, newest first.

    Each is a historical record with `previous`: the record before it, None for a new position.
    """
    from teams.models import Position

    # The whole history, but only of the positions that changed in the period: each record needs
    # the one before it, which may be older than `since`.
    changed = Position.history.filter(team_id=team_id, history_date__gte=since).values("id")
    records = (
        Position.history.filter(team_id=team_id, id__in=changed)
        .select_related("history_user", "user")
        .order_by("id", "history_date", "history_id")
    )
    changes, last = [], {}
    for record in records:
        previous = last.get(record.id)
        last[record.id] = record
        if record.history_date >= since and (previous is None or access_changed(previous, record)):
            record.previous = previous
            changes.append(record)
    return sorted(changes, key=lambda record: record.history_date, reverse=True)
