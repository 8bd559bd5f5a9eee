"""Who may do what: the one table of permissions, and the three questions every layer asks it.

Querysets (`visible_to`), services, views and templates ask `can`, `require` or `teams_for`;
no access role is named anywhere else in the product code. A permission is held per team: a
coordinator of Noord who is a worker in Zuid may triage Noord's signals, not Zuid's.

A few permissions are also held by a relation to the object rather than by a role in its team
(the worker a signal is assigned to may close it). Those rules are OBJECT_RULES, beside the
table, and each is a function of the object alone: no view decides them.

What the table grants is limited by the state of the object where a state matters: nothing of a
closed household may change until it is reopened (REQUIRES_OPEN_HOUSEHOLD).
"""

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from teams.models import Position
from teams.roles import roles_of

WORKER = Position.AccessRole.WORKER
COORDINATOR = Position.AccessRole.COORDINATOR
MANAGER = Position.AccessRole.MANAGER
# Not a position: a user of a partner organisation without any position in a team.
PARTNER = "partner"

TEAM_ROLES = frozenset({WORKER, COORDINATOR, MANAGER})

PERMISSIONS: dict[str, frozenset[str]] = {
    # Case data of the team's households.
    "household.read": TEAM_ROLES,  # open households, their members, plan, contacts, history
    "household.read_closed": frozenset({COORDINATOR, MANAGER}),  # closed ones too (and the lead worker)
    "household.edit": frozenset({WORKER, COORDINATOR}),  # register, change, log contacts, plan, consent
    "household.reopen": frozenset({WORKER, COORDINATOR}),
    "household.lead": frozenset({WORKER, COORDINATOR}),  # may be a household's lead worker
    "person.export": frozenset({WORKER, COORDINATOR}),  # the resident's right of access (art. 15)
    # Documents for "lead worker and coordinator only" (and the lead worker: OBJECT_RULES).
    "document.read_restricted": frozenset({COORDINATOR}),
    "caseload.others": frozenset({COORDINATOR}),  # any worker's caseload, the team's follow-up list
    "household.handover": frozenset({COORDINATOR}),  # move all a worker holds to colleagues
    "plan.approve": frozenset({COORDINATOR}),
    "consent.override": frozenset({COORDINATOR}),
    "access_log.read": frozenset({COORDINATOR, MANAGER}),
    "figures.read": frozenset({COORDINATOR, MANAGER}),
    # Signals.
    "referral.read_all": frozenset({COORDINATOR, MANAGER}),  # workers: theirs and their households'
    "referral.queue": frozenset({COORDINATOR, MANAGER}),
    "referral.register": frozenset({COORDINATOR}),  # on a partner's behalf (phone, letter)
    "referral.triage": frozenset({COORDINATOR}),
    "referral.close": frozenset({COORDINATOR}),  # and the assigned worker (OBJECT_RULES)
    "referral.interests": frozenset({COORDINATOR}),  # and the assigned and the lead worker
    # Prior information: its confidential part always, the rest until the team has a basis
    # (cases.services.may_read_prior_information).
    "referral.prior_information": frozenset({COORDINATOR}),
    "referral.send": frozenset({PARTNER}),
    # The team itself.
    "team.member": TEAM_ROLES,  # one's own position
    "team.manage": frozenset({MANAGER}),  # the team's profile
    "position.grant": frozenset({MANAGER}),  # never for oneself: teams.services.position_save
    "position.review": frozenset({COORDINATOR, MANAGER}),  # who was given access to the team's cases
    "mandate.read": frozenset({COORDINATOR, MANAGER}),
    "mandate.edit": frozenset({MANAGER}),
    "partner.overview": frozenset({MANAGER}),
    # API clients of the partners the manager's teams hold a mandate with (api/, mandates/api_clients.py).
    "api_client.manage": frozenset({MANAGER}),
    # The social map (directory/): no case data, the same for every team.
    "directory.read": TEAM_ROLES,  # search, services, how to refer, contact persons
    "directory.edit": frozenset({COORDINATOR, MANAGER}),  # services, locations, contacts; update requests
    "directory.figures": frozenset({COORDINATOR, MANAGER}),  # how often the team referred, what came of it
    "directory.export": frozenset({COORDINATOR, MANAGER}),  # the whole map as HSDS, contact persons too
    # The walk-in hour (walkin/): its hours, the visits recorded there, their figures.
    "walkin.read": TEAM_ROLES,  # the team's walk-in hours
    "walkin.record": frozenset({WORKER, COORDINATOR}),  # record, change, undo visits; named ones too
    "walkin.manage": frozenset({COORDINATOR, MANAGER}),  # add and change hours, who staffs them
    "walkin.figures": frozenset({COORDINATOR, MANAGER}),  # counts only, no names
    # The team as a support group (issue 24): expertise profiles and consult questions.
    "expertise.own": frozenset({WORKER, COORDINATOR}),  # "Mijn expertise"
    "expertise.team": frozenset({COORDINATOR}),  # a team member's profile
    "expertise.search": frozenset({WORKER, COORDINATOR}),  # "Wie weet iets van…"
    "consult.ask": frozenset({WORKER, COORDINATOR}),  # a question to a colleague or the team
    "consult.read": frozenset({WORKER, COORDINATOR}),  # the team's questions; answering them
}

# The permissions that change a household or what hangs from it: refused while it is closed.
REQUIRES_OPEN_HOUSEHOLD = frozenset({"household.edit", "person.export", "consult.ask"})


def _assigned_worker(user, obj) -> bool:
    return getattr(obj, "assigned_to_id", None) == user.pk


def covering(user) -> set[int]:
    """The workers `user` covers for today (teams.models.Cover): they act on those workers'
    households as their lead worker does. One query, once per request (cached on the user)."""
    cached = getattr(user, "_wijkteam_covering", None)
    if cached is None:
        from teams.models import Cover

        cached = set(Cover.objects.active().filter(cover=user).values_list("absent_id", flat=True))
        user._wijkteam_covering = cached
    return cached


def leads(user, household) -> bool:
    """The household's lead worker, or their cover today."""
    lead = household.lead_worker_id
    return lead is not None and (lead == user.pk or lead in covering(user))


def _lead_worker(user, obj) -> bool:
    household = getattr(obj, "household", None) if getattr(obj, "household_id", None) else None
    return household is not None and leads(user, household)


def _leads_household(user, obj) -> bool:
    household = _household_of(obj)
    return household is not None and leads(user, household)


# Held through the object, by a team member of the object's team, whatever their role there.
OBJECT_RULES: dict[str, tuple[Callable, ...]] = {
    "referral.close": (_assigned_worker,),
    "referral.interests": (_assigned_worker, _lead_worker),
    "referral.prior_information": (_assigned_worker, _lead_worker),
    "document.read_restricted": (_leads_household,),
}

MESSAGES = {
    "household.edit": _("You may read this household but not change it."),
    "referral.triage": _("Only a coordinator of the team can decide on this signal."),
    "referral.close": _("Only the coordinator or the assigned worker can close this signal."),
    "referral.interests": _("Only the coordinator or the worker on this signal can change this."),
    "plan.approve": _("Only a coordinator of the team can approve a plan."),
    "position.grant": _("Only a manager of the team can change this."),
    "team.manage": _("Only a manager of the team can change this."),
    "mandate.edit": _("Only a manager of the team can change its mandates."),
    "directory.edit": _("Only coordinators and managers can change the social map."),
    "directory.export": _("Only coordinators and managers can download the social map."),
}
CLOSED_MESSAGE = _("This household is closed. Reopen it first, with a reason, to change anything.")


class Refused(PermissionDenied):
    """A permission the user does not hold here; its message is for the user (Dutch), and `obj`
    what it was refused on (the 403 page links back to it)."""

    def __init__(self, message, obj=None):
        super().__init__(message)
        self.obj = obj


def holders(perm: str) -> frozenset[str]:
    """The access roles that hold `perm` (for a query on positions)."""
    try:
        return PERMISSIONS[perm]
    except KeyError:
        raise KeyError(f"No permission {perm!r} in teams/policy.py") from None


def users_with(perm: str, team_ids, on=None):
    """Active users who hold `perm` in one of these teams today, or on the date `on` (who may lead,
    be assigned, go to an appointment on that day...)."""
    from teams.models import User

    holding = Position.objects.active(on).filter(team_id__in=team_ids, access_role__in=holders(perm))
    return User.objects.filter(is_active=True, pk__in=holding.values("user_id"))


def team_of(obj) -> int | None:
    """The team an object belongs to: itself (a team), its own, or its household's."""
    if obj is None:
        return None
    if getattr(getattr(obj, "_meta", None), "label", "") == "teams.Team":
        return obj.pk
    if hasattr(obj, "team_id"):
        return obj.team_id
    household = getattr(obj, "household", None)
    return household.team_id if household is not None else None


def _household_of(obj):
    from cases.models import Household

    if isinstance(obj, Household):
        return obj
    return getattr(obj, "household", None) if getattr(obj, "household_id", None) else None


def teams_for(user, perm: str) -> list[int]:
    """The teams in which the user holds `perm` today (what querysets filter on)."""
    granted_to = holders(perm)
    roles = roles_of(user)
    return sorted(team_id for team_id, held in roles.by_team.items() if held & granted_to)


def _held_in(user, team_id: int | None) -> set[str]:
    return set(roles_of(user).by_team.get(team_id, set())) if team_id is not None else set()


def _can(user, perm: str, obj) -> tuple[bool, str]:
    granted_to = holders(perm)
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False, ""
    roles = roles_of(user)
    if PARTNER in granted_to and roles.is_partner_reporter:
        return obj is None or getattr(obj, "sender_organisation_id", None) == user.organisation_id, ""
    if obj is None:
        return bool(teams_for(user, perm)), ""
    team_id = team_of(obj)
    held = _held_in(user, team_id)
    granted = bool(held & granted_to) or (
        bool(held) and any(rule(user, obj) for rule in OBJECT_RULES.get(perm, ()))
    )
    if not granted:
        return False, ""
    household = _household_of(obj)
    if household is not None and household.status != household.Status.OPEN:
        if perm in REQUIRES_OPEN_HOUSEHOLD:
            return False, str(CLOSED_MESSAGE)
        if perm == "household.read" and household is obj and household.lead_worker_id != user.pk:
            return bool(held & PERMISSIONS["household.read_closed"]), ""
    return True, ""


def can(user, perm: str, obj=None) -> bool:
    """Whether the user holds `perm`: for `obj` (in its team, in its state), or in any team."""
    return _can(user, perm, obj)[0]


def require(user, perm: str, obj=None) -> None:
    """`can`, or Refused with a message that says why."""
    granted, why = _can(user, perm, obj)
    if not granted:
        raise Refused(why or MESSAGES.get(perm, _("Your role does not allow this action.")), obj)


def is_partner_reporter(user) -> bool:
    return roles_of(user).is_partner_reporter


class Grants:
    """`may.<perm with _ for .>` in templates: `{% if may.referral_queue %}`.

    Without an object it answers "in any team" (the menu); with one, for that object.
    """

    def __init__(self, user, obj=None):
        self._user, self._obj = user, obj
        self._cache: dict[str, bool] = {}

    def __getitem__(self, key: str) -> bool:
        perm = TEMPLATE_NAMES.get(key)
        if perm is None:
            raise KeyError(key)
        if perm not in self._cache:
            self._cache[perm] = can(self._user, perm, self._obj)
        return self._cache[perm]

    def __contains__(self, key: str) -> bool:
        return key in TEMPLATE_NAMES


# "referral.queue" is `may.referral_queue` in a template.
TEMPLATE_NAMES = {perm.replace(".", "_"): perm for perm in PERMISSIONS}
