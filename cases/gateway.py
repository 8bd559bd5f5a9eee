"""The one door to case data: every view declares what it does with it, and reads through here.

A view is declared with one of three decorators:

    @reads("plan", scope="household")           shows case data
    @changes("plan", perm="household.edit", scope="household")
                                                changes case data (its form page shows some)
    @no_case_data(perm="mandate.read")          shows none (team, mandates, partner figures)

`perm` names a permission of the policy table (teams/policy.py). A view without an object
(`scope=None`) is refused (403) unless the user holds `perm` in some team; a view of an object
fetches it through this module (`household`, `referral`, `task`), which answers 404 outside the
user's scope (and logs the attempt) and refuses (403, logged) a permission the user does not
hold for that object, closed households included.

The access-log row (cases/models/access.py) is written here and nowhere else: exactly one per
response that shows case data (200, or a form sent back with 400/409), with what was read, for
which persons and on what basis. Redirects show nothing and write nothing; the history keeps
who changed what. A test walks the URL resolver and fails on a view that declares nothing.
"""

import dataclasses
import functools
import uuid

from django.http import Http404

from cases import access_log
from cases.models import AccessEvent, Household, Referral, Task
from teams import policy

READS, CHANGES, NONE = "reads", "changes", "none"
SHOWS_DATA = (200, 400, 409)


@dataclasses.dataclass
class Access:
    """What a view is declared to do, and what it read in this request."""

    kind: str
    what: str
    perm: str | None
    scope: str | None
    action: str = AccessEvent.Action.VIEW
    household: Household | None = None
    obj: object = None
    object_type: str = ""
    persons: list = dataclasses.field(default_factory=list)
    reason: str = ""
    written: bool = False


def _declare(kind: str, what: str, *, perm: str | None, scope: str | None, action: str):
    if perm is not None and perm not in policy.PERMISSIONS:
        raise KeyError(f"No permission {perm!r} in teams/policy.py")

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            access = Access(kind=kind, what=what, perm=perm, scope=scope, action=action)
            request.case_access = access
            if scope is None and perm is not None:
                policy.require(request.user, perm)
            response = view(request, *args, **kwargs)
            if kind != NONE:
                _flush(request, access, response)
            return response

        wrapped.case_access = (kind, what, perm, scope)
        return wrapped

    return decorator


def reads(what: str, *, perm: str = "household.read", scope: str | None = "household", action=None):
    """The view shows case data: one access-log row per response that shows it."""
    return _declare(READS, what, perm=perm, scope=scope, action=action or AccessEvent.Action.VIEW)


def changes(what: str, *, perm: str = "household.edit", scope: str | None = "household"):
    """The view changes case data; its form page (and a form sent back) is logged as a read."""
    return _declare(CHANGES, what, perm=perm, scope=scope, action=AccessEvent.Action.VIEW)


def no_case_data(*, perm: str | None = None):
    """The view shows no case data (or no data at all); `perm` still guards it."""
    return _declare(NONE, "", perm=perm, scope=None, action=AccessEvent.Action.VIEW)


def declared(view) -> tuple | None:
    return getattr(view, "case_access", None)


# --- Fetching within scope --------------------------------------------------------------------


def _access(request) -> Access:
    access = getattr(request, "case_access", None)
    if access is None:
        raise RuntimeError("A view that reads case data must be declared with @reads or @changes.")
    return access


def _refuse(request, *, pk, object_type: str):
    access_log.log_refused(request, pk=pk, object_type=object_type)
    _access(request).written = True  # the refusal is this response's row
    raise Http404


def _check(request, access: Access, perm: str | None, obj, household: Household | None):
    perm = perm or access.perm
    if perm is not None:
        try:
            policy.require(request.user, perm, obj)
        except policy.Refused:
            access_log.log(
                request,
                action=access.action,
                household=household,
                obj=obj,
                result=AccessEvent.Result.DENIED,
            )
            access.written = True
            raise


def household(request, pk, *, perm: str | None = None) -> Household:
    """The household if the user may see it (404 and a logged refusal otherwise), and hold `perm`
    for it (the view's declared permission by default; 403 with the reason otherwise)."""
    access = _access(request)
    found = (
        Household.objects.visible_to(request.user).select_related("team", "lead_worker").filter(pk=pk).first()
    )
    if found is None:
        _refuse(request, pk=pk, object_type="household")
    _check(request, access, perm, found, found)
    access.household = found
    if access.obj is None:
        access.obj = found
    return found


def referral(request, pk, *, perm: str | None = None, related=()) -> Referral:
    """The signal if the user may see it (404, logged, otherwise) and hold `perm` for it."""
    found = Referral.objects.visible_to(request.user).select_related(
        "team", "household__lead_worker", "sender_organisation", "assigned_to", *related
    )
    return _child(request, found, pk, "referral", perm)


def task(request, pk, *, perm: str | None = None) -> Task:
    found = Task.objects.visible_to(request.user).select_related("household__team")
    return _child(request, found, pk, "task", perm)


def consult_question(request, pk):
    """A consult question of one of the user's teams (404, logged, otherwise), and its household
    only if the user may see that household (HouseholdQuerySet.visible_to: need to know): else
    the question is shown without it, and the row names no household."""
    from cases.models import ConsultQuestion

    access = _access(request)
    found = (
        ConsultQuestion.objects.visible_to(request.user)
        .select_related("team", "asked_by", "addressed_to")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        _refuse(request, pk=pk, object_type="consult_question")
    household = None
    if found.household_id is not None:
        household = (
            Household.objects.visible_to(request.user)
            .select_related("team")
            .filter(pk=found.household_id)
            .first()
        )
    found.visible_household = household
    access.household = household
    access.obj = found
    access.object_type = "consult_question"
    return found


def _child(request, scoped, pk, object_type: str, perm: str | None):
    """A record that hangs from a household, fetched from its scoped queryset."""
    access = _access(request)
    found = scoped.filter(pk=pk).first()
    if found is None:
        _refuse(request, pk=pk, object_type=object_type)
    _check(request, access, perm, found, found.household)
    access.household = found.household
    access.obj = found
    return found


def sent_referral(request, pk) -> Referral:
    """One of the signals the partner's organisation sent (404, logged, otherwise). What the
    partner reads of it is the signal itself, not its household: the row names no household."""
    access = _access(request)
    found = referrals(request).select_related("team", "merged_into__merged_into").filter(pk=pk).first()
    if found is None:
        _refuse(request, pk=pk, object_type="referral")
    access.obj = found
    return found


def households(request, *, only_open: bool = False):
    """The households the user may see: where every list and search starts."""
    _access(request)
    return Household.objects.visible_to(request.user, only_open=only_open)


def referrals(request):
    """The signals the user may see (a partner reporter: their organisation's)."""
    _access(request)
    if policy.is_partner_reporter(request.user):
        return Referral.objects.sent_by_organisation_of(request.user)
    return Referral.objects.visible_to(request.user)


def team_referrals(request):
    """Every signal of the teams where the user reads all signals ("referral.read_all"): no
    per-row rule, so counts over them come from the index alone."""
    _access(request)
    return Referral.objects.filter(team_id__in=policy.teams_for(request.user, "referral.read_all"))


def parse_uuid(value) -> uuid.UUID:
    """A UUID from a query or form parameter, or 404 (never a 500 on garbage)."""
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise Http404 from None


# --- What was read ----------------------------------------------------------------------------


def record(request, *, obj=None, persons=None, object_type: str = "", action: str = "", reason: str = ""):
    """Say more precisely what this response shows (the row is written when it leaves)."""
    access = _access(request)
    if obj is not None:
        access.obj = obj
    if persons is not None:
        access.persons = [person.pk if hasattr(person, "pk") else person for person in persons]
    if object_type:
        access.object_type = object_type
    if action:
        access.action = action
    if reason:
        access.reason = reason


def record_other(request, *, household: Household, persons, object_type: str) -> None:
    """A page that shows something of another household besides its own (the duplicate check of a
    registration by hand): one row more, for that household, so its log says who saw it."""
    access = _access(request)
    access_log.log(
        request,
        action=access.action,
        household=household,
        obj=household,
        object_type=object_type,
        persons=persons,
    )


def record_now(request, **fields) -> None:
    """Write the row now, whatever the response will be (an emergency access, then a redirect)."""
    access = _access(request)
    record(request, **fields)
    _write(request, access)


def _write(request, access: Access) -> None:
    access_log.log(
        request,
        action=access.action,
        household=access.household,
        obj=access.obj,
        object_type=access.object_type or access.what,
        persons=access.persons,
        reason=access.reason,
    )
    access.written = True


def _flush(request, access: Access, response) -> None:
    if access.written or response.status_code not in SHOWS_DATA:
        return
    if access.kind == CHANGES and access.obj is None:
        return  # a create form of no particular household shows no case data
    _write(request, access)
