"""Writing the access log: one call per page of household data (see cases/models/access.py).

The role and basis are stored as codes at the moment of access, so a later change of position
does not rewrite what was true then.
"""

import hashlib

from cases.models import AccessEvent, Household
from teams.roles import roles_of
from teams.security import origin_of

LEAD_WORKER = "lead_worker"
TEAM_POSITION = "team_position"
NO_POSITION = "no_position"


def _request_fields(request) -> dict:
    """Where the request came from: the client's address (behind the proxy too, as the login
    rate limits see it), the request id of the logs, a hash of the session key, and for the API
    the client and the acting person."""
    session_key = getattr(getattr(request, "session", None), "session_key", None) or ""
    return {
        "origin": origin_of(request) or None,
        "request_id": getattr(request, "request_id", ""),
        "session_hash": hashlib.sha256(session_key.encode()).hexdigest() if session_key else "",
        # A call of a partner's system (api/): its client, and the person at the partner who acts.
        "api_client": getattr(request, "api_client_id", ""),
        "acting_person": getattr(request, "acting_person", ""),
    }


def log(
    request,
    *,
    action: str,
    household: Household | None = None,
    obj=None,
    object_type: str = "",
    persons=(),
    result: str = AccessEvent.Result.ALLOWED,
    reason: str = "",
) -> AccessEvent:
    """Record that request.user read (or was refused) something of a household."""
    user = request.user
    # A record of a team that hangs from no household (a named walk-in visit) names its team.
    team_id = household.team_id if household is not None else getattr(obj, "team_id", None)
    held = sorted(roles_of(user).by_team.get(team_id, set())) if team_id else []
    if result == AccessEvent.Result.DENIED:
        basis = NO_POSITION
    elif household is not None and household.lead_worker_id == user.pk:
        basis = LEAD_WORKER
    else:
        basis = TEAM_POSITION
    event = AccessEvent(
        user=user,
        role=",".join(held),
        team_id=team_id,
        household=household,
        persons=[str(pk) for pk in persons],
        action=action,
        object_type=object_type or (obj._meta.model_name if obj is not None else ""),
        object_id=str(obj.pk) if obj is not None else "",
        result=result,
        basis=basis,
        reason=reason,
        **_request_fields(request),
    )
    event.save()
    return event


def log_refused(request, *, pk, object_type: str = "household") -> None:
    """An attempt to open a household (or one of its records) outside the user's scope."""
    household = Household.objects.filter(pk=pk).first() if object_type == "household" else None
    AccessEvent(
        user=request.user,
        household=household,
        team_id=household.team_id if household else None,
        action=AccessEvent.Action.VIEW,
        object_type=object_type,
        object_id=str(pk),
        result=AccessEvent.Result.DENIED,
        basis=NO_POSITION,
        **_request_fields(request),
    ).save()
