"""The permission matrix: every URL of the apps × method × role → the expected answer.

No expectation is written by hand. Each comes from the view's declaration (cases/gateway.py:
what it reads or changes, with which permission, for which object) and the one policy table
(teams/policy.py), applied to the roles of the `world` fixture and to team A's objects (Objects):

- anonymous: redirected to the login page (LoginRequiredMiddleware, whatever the method);
- a method the view does not take (a POST-only action opened with GET): 405;
- a view of no particular object (scope None): 403 unless the role holds the permission in some
  team; a team-A object its URL names (a team, a mandate) is found only by who holds it in team A
  (404 for who holds it elsewhere only); else the intended success;
- a view of one object (household, signal, task): 404 outside the role's scope, 403 inside it
  without the permission for that object (by role in its team, or by relation: OBJECT_RULES;
  nothing of a closed household changes: REQUIRES_OPEN_HOUSEHOLD), else the intended success.

The intended success is exact: a page answers 200 (the two step-up pages 302 to the password
form); a POST of a valid PAYLOADS entry answers 302 and changes what STATE reads, and a refused
POST changes nothing. EXCEPTIONS holds the cells the table cannot express, each with its reason.

Deny by default: a URL of cases, teams or mandates whose view declares nothing fails the test.
"""

import dataclasses
import datetime
import itertools
import uuid
from functools import cached_property
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import resolve, reverse
from django.utils import timezone

from api.models import ApiClient
from api.services import client_create
from cases import gateway, zrm
from cases.forms import (
    ActionForm,
    CaseReviewForm,
    GoalForm,
    HouseholdForm,
    NetworkMemberForm,
    PersonForm,
    PlanForm,
)
from cases.forms.agenda import AppointmentForm
from cases.models import (
    AccessEvent,
    AccessRequest,
    Appointment,
    Assessment,
    CalendarFeed,
    ConsentDecision,
    ConsultQuestion,
    Household,
    Referral,
    Share,
)
from cases.tests.factories import (
    ActionFactory,
    CaseReviewFactory,
    ConsentDecisionFactory,
    ContactFactory,
    GoalFactory,
    HouseholdFactory,
    NetworkMemberFactory,
    PersonFactory,
    PlanFactory,
    ReferralFactory,
    SafetyWarningFactory,
    TaskFactory,
)
from cases.views.referrals import DECISIONS, referral_decide
from directory.forms import ServiceForm
from directory.models import Contact as DirectoryContact
from directory.models import Service, UpdateRequest
from directory.testing import location_payload, new_service_payload
from documents.testing import stored_document
from mandates.forms import MandateForm
from mandates.models import Mandate
from mandates.tests.factories import MandateFactory
from teams import policy
from teams.forms import PositionForm, TeamProfileForm
from teams.models import Cover, Expertise, Notification, Position, User
from teams.roles import roles_of
from teams.tests.factories import OrganisationFactory, UserFactory
from tests.test_urls import URLS, _example_path
from walkin.models import WalkInHour

ROLES = ["anonymous", "partner", "worker", "other_worker", "coordinator", "manager", "admin"]
OK = "ok"  # the intended success of the cell: exactly 200 for a page, 302 and a change for a POST
LOGIN = "login"  # redirected to the login page
STEP_UP = "step_up"  # redirected to the password form first (allauth's reauthentication)

# The world fixture (conftest.py): who each role is, and the access roles they hold today, in
# team A (whose objects every cell is about) and in any team. test_the_roles_are_as_described.
USERS = {
    "partner": "partner",  # a partner reporter: no position, an organisation
    "worker": "worker_a",
    "other_worker": "worker_b",  # a worker of team B
    "coordinator": "coordinator_a",
    "manager": "manager_ab",  # manager of team A and of team B
    "admin": "admin",  # a superuser without a position
}
HELD_IN_TEAM_A = {"worker": {policy.WORKER}, "coordinator": {policy.COORDINATOR}, "manager": {policy.MANAGER}}
HELD_ANYWHERE = {**HELD_IN_TEAM_A, "other_worker": {policy.WORKER}, "partner": {policy.PARTNER}}

APPS = ("cases", "teams", "mandates", "documents", "directory", "walkin")
APP_URLS = sorted((name, route) for name, route in URLS if name and name.split(":")[0] in APPS)


# --- The objects a cell is about ----------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Facts:
    """What an expected answer depends on, of the object a URL is about (Objects makes it so)."""

    open: bool = True  # its household is open
    lead: str | None = "worker"  # the role that leads its household
    assigned: str | None = None  # the role a signal is assigned to
    linked: bool = True  # a signal is linked to a household


# Objects' attribute → its facts; test_the_objects_are_as_described checks them.
FACTS = {
    "household": Facts(),
    "closed_household": Facts(open=False),
    "planless": Facts(),
    "task": Facts(),
    "referral": Facts(assigned="worker"),  # assigned to the worker, on the worker's household
    "received": Facts(lead=None, linked=False),  # new: on no household yet, assigned to nobody
    "accepted": Facts(),  # on the worker's household, not assigned yet
}

# The object a URL's `pk` names, where it is not the one of its scope (household, referral,
# task): the state in which the URL's action is allowed.
TARGETS = {
    "cases:household_reopen": "closed_household",
    "cases:plan_start": "planless",
    "cases:referral_accept": "received",
    "cases:referral_decline": "received",
    "cases:referral_forward": "received",
    "cases:referral_merge": "received",
    "cases:referral_assign": "accepted",
}

# A view of no scope that names an object in its URL looks for it among the objects of the teams
# where the user holds the permission: team A's object is not found (404) by who holds it only
# elsewhere. These name no object of team A:
NOT_OF_TEAM_A = {
    "mandates:partner": "an organisation: its figures are those of the viewer's own teams",
    "cases:partner_referral_status": "a signal of the partner's organisation, found among its own",
    "cases:partner_referral_supplement": "a signal of the partner's organisation, found among its own",
    # The social map is the same for every team (directory/): its records belong to no team.
    "directory:service": "a service of the social map, of no team",
    "directory:service_edit": "a service of the social map, of no team",
    "directory:service_verify": "a service of the social map, of no team",
    "directory:contact_add": "a service of the social map, of no team",
    "directory:update_request_send": "an organisation of the social map, of no team",
    **{
        f"directory:{name}": "a location or contact person of a service of the social map, of no team"
        for name in ("location_add", "location_edit", "location_remove", "contact_edit", "contact_remove")
    },
}


class Objects:
    """Real objects of team A, one of each kind; worker_a leads the household and has the signal.

    The objects a few URLs need in another state (a closed household, a household without a
    plan, a new or an accepted signal) are made when first asked for (TARGETS).
    """

    def __init__(self, world):
        self.world = world
        self.team = world.team_a
        self.worker = world.worker_a
        self.household = HouseholdFactory(team=world.team_a, lead_worker=world.worker_a)
        # An adult: who decides on consent does not depend on a random age.
        self.person = PersonFactory(
            household=self.household, birth_date=datetime.date(1980, 5, 1), phone="+31612345678"
        )
        self.plan = PlanFactory(household=self.household)
        self.goal = GoalFactory(plan=self.plan)
        self.action = ActionFactory(plan=self.plan, worker=world.worker_a)
        self.member = NetworkMemberFactory(household=self.household)
        self.review = CaseReviewFactory(household=self.household)
        self.warning = SafetyWarningFactory(household=self.household, recorded_by=world.worker_a)
        self.task = TaskFactory(household=self.household)
        self.referral = self._signal(status="assigned", household=self.household, assigned_to=world.worker_a)
        self.consent = ConsentDecisionFactory(
            person=self.person, recipient=world.partner.organisation, recorded_by=world.worker_a
        )
        self.access_request = AccessRequest.objects.create(
            person=self.person, due_on="2026-12-31", recorded_by=world.worker_a
        )
        # One mandate in force per team, partner and domain: a second Objects shares the first's.
        self.mandate = Mandate.objects.filter(
            team=world.team_a, organisation=world.partner.organisation
        ).first() or MandateFactory(
            team=world.team_a, organisation=world.partner.organisation, categories=["contact"]
        )
        self.position = Position.objects.get(user=world.worker_a)

    def _signal(self, **fields):
        return ReferralFactory(
            team=self.team,
            sender_organisation=self.world.partner.organisation,
            submitted_by=self.world.partner,
            **fields,
        )

    @cached_property
    def service(self):
        """A service of the social map, due for a check (directory/testing.py)."""
        from directory.testing import matrix_service

        return matrix_service()

    @cached_property
    def directory_location(self):
        from directory.testing import matrix_location

        return matrix_location(self.service)

    @cached_property
    def directory_contact(self):
        from directory.testing import matrix_contact

        return matrix_contact(self.service)

    @cached_property
    def closed_household(self):
        return HouseholdFactory(team=self.team, lead_worker=self.worker, closed=True)

    @cached_property
    def planless(self):
        return HouseholdFactory(team=self.team, lead_worker=self.worker)

    @cached_property
    def received(self):
        return self._signal(status="received", received_at=timezone.now() - datetime.timedelta(hours=2))

    @cached_property
    def earlier(self):
        """An earlier new signal of the team, to merge `received` into."""
        return self._signal(status="received", received_at=timezone.now() - datetime.timedelta(days=3))

    @cached_property
    def accepted(self):
        return self._signal(status="accepted", household=self.household)

    @cached_property
    def declined(self):
        """A declined signal of the partner's organisation, which the partner may supplement."""
        return self._signal(status="declined")

    @cached_property
    def appointment(self):
        """A call planned with the household today (a visit would need two workers: warning)."""
        appointment = Appointment.objects.create(
            household=self.household,
            kind=Appointment.Kind.CALL,
            date=timezone.localdate(),
            starts_at=datetime.time(23, 0),
            ends_at=datetime.time(23, 30),
            created_by=self.worker,
        )
        appointment.workers.set([self.worker])
        return appointment

    @cached_property
    def failed_call(self):
        """A call that reached nobody: its next attempt is proposed (a call, so one worker)."""
        return ContactFactory(household=self.household, kind="phone", recorded_by=self.worker)

    @cached_property
    def document(self):
        """A letter of the household, for the team, scanned clean."""
        return stored_document(self.household, self.worker)

    @cached_property
    def api_client(self):
        """An API client of the partner team A holds a mandate with (its manager's, api/)."""
        organisation = self.world.partner.organisation
        return client_create(name="Leerlingvolgsysteem", organisation=organisation, by=None)[0]

    @cached_property
    def feed(self):
        """The worker's calendar feed: its secret token is all a calendar app has."""
        return CalendarFeed.objects.get_or_create(user=self.worker)[0]

    @cached_property
    def consult(self):
        """The worker's question to team A, linked to the household (issue 24)."""
        return ConsultQuestion.objects.create(
            team=self.team,
            asked_by=self.worker,
            household=self.household,
            question="Wie kent de schuldregels?",
        )

    @cached_property
    def walkin_hour(self):
        """A walk-in hour of team A today, staffed by the worker (walkin/)."""
        from walkin.testing import hour_of

        return hour_of(self.team, [self.worker], self.world.coordinator_a)

    @cached_property
    def walkin_visit(self):
        """An anonymous visit at that hour, today."""
        from walkin.testing import visit_at

        return visit_at(self.walkin_hour, self.worker)

    def _walkin_kwargs(self, name: str) -> dict:
        if name in ("walkin:hour", "walkin:hour_edit", "walkin:visit_add"):
            return {"pk": self.walkin_hour.pk}
        if name in ("walkin:visit_edit", "walkin:visit_undo"):
            return {"pk": self.walkin_visit.pk}
        return {}

    def target(self, name: str):
        """The object the URL is about (None for a URL of no particular object)."""
        scope = DECLARED[name][3] if name in DECLARED else None
        return getattr(self, TARGETS.get(name, scope)) if scope else None

    def _directory_kwargs(self, name: str, household: dict) -> dict:
        if name == "directory:action_refer":
            return {**household, "action_pk": self.action.pk}
        if name == "directory:update_request_send":
            return {"pk": self.service.organisation_id}
        if name in ("directory:location_edit", "directory:location_remove"):
            return {"pk": self.service.pk, "location_pk": self.directory_location.pk}
        if name in ("directory:contact_edit", "directory:contact_remove"):
            return {"pk": self.service.pk, "contact_pk": self.directory_contact.pk}
        if name == "directory:review_refer":
            assert self.service  # a service to pick on the page
            return {**household, "review_pk": self.review.pk, "line": 0}
        if name in (
            "directory:service",
            "directory:service_edit",
            "directory:service_verify",
            "directory:contact_add",
            "directory:location_add",
        ):
            return {"pk": self.service.pk}
        return {}

    def kwargs(self, name: str) -> dict:
        household = {"pk": self.household.pk}
        # Made when asked for: each builds the object it names (an appointment, a document...).
        by_name = {
            "cases:person_edit": lambda: {**household, "person_pk": self.person.pk},
            "cases:person_export": lambda: {**household, "person_pk": self.person.pk},
            "cases:access_request_add": lambda: {**household, "person_pk": self.person.pk},
            "cases:access_request_answered": lambda: {**household, "request_pk": self.access_request.pk},
            "cases:consent_add": lambda: {**household, "person_pk": self.person.pk},
            "cases:consent_withdraw": lambda: {**household, "decision_pk": self.consent.pk},
            "cases:network_edit": lambda: {**household, "member_pk": self.member.pk},
            "cases:warning_end": lambda: {**household, "warning_pk": self.warning.pk},
            "cases:plan_version": lambda: {**household, "number": self.plan.number},
            "cases:goal_edit": lambda: {**household, "goal_pk": self.goal.pk},
            "cases:action_edit": lambda: {**household, "action_pk": self.action.pk},
            "cases:action_done": lambda: {**household, "action_pk": self.action.pk},
            "cases:review_edit": lambda: {**household, "review_pk": self.review.pk},
            "cases:review_follow_up": lambda: {**household, "review_pk": self.review.pk, "line": 0},
            "cases:partner_referral_status": lambda: {"reference": self.referral.reference},
            "cases:partner_referral_supplement": lambda: {"reference": self.declined.reference},
            "cases:user_access_log": lambda: {"user_pk": self.worker.pk},
            "cases:appointment_edit": lambda: {**household, "appointment_pk": self.appointment.pk},
            "cases:appointment_cancel": lambda: {**household, "appointment_pk": self.appointment.pk},
            "cases:calendar_feed": lambda: {"token": self.feed.token},
            "cases:handover": lambda: {"team_pk": self.team.pk},
            "cases:cover_add": lambda: {"team_pk": self.team.pk},
            "cases:consult_detail": lambda: {"pk": self.consult.pk},
            "cases:consult_agenda": lambda: {"pk": self.consult.pk},
            "teams:expertise_edit": lambda: {"user_pk": self.worker.pk},
            "documents:document_download": lambda: {**household, "document_pk": self.document.pk},
            "documents:document_edit": lambda: {**household, "document_pk": self.document.pk},
            "teams:team_edit": lambda: {"pk": self.team.pk},
            "teams:positions": lambda: {"pk": self.team.pk},
            "teams:position_add": lambda: {"pk": self.team.pk},
            "teams:position_edit": lambda: {"pk": self.team.pk, "position_pk": self.position.pk},
            "mandates:detail": lambda: {"pk": self.mandate.pk},
            "mandates:edit": lambda: {"pk": self.mandate.pk},
            "mandates:review": lambda: {"pk": self.mandate.pk},
            "mandates:partner": lambda: {"pk": self.mandate.organisation_id},
            **{
                f"mandates:{name}": lambda: {"pk": self.api_client.pk}
                for name in (
                    "api_client",
                    "api_client_webhook",
                    "api_client_scopes",
                    "api_client_rotate",
                    "api_client_revoke",
                )
            },
        }
        if name.startswith("directory:"):
            return self._directory_kwargs(name, household)
        if name.startswith("walkin:"):
            return self._walkin_kwargs(name)
        if name in by_name:
            return by_name[name]()
        target = self.target(name)
        return {"pk": target.pk} if target is not None else {}


# --- What each view declares ----------------------------------------------------------------------


def accepted_methods(view) -> set[str] | None:
    """The methods a view takes, as Django's require_http_methods (require_GET, require_POST)
    keeps them in its closure; None when it takes any."""
    while view is not None:
        for cell in view.__closure__ or ():
            contents = cell.cell_contents
            if (
                isinstance(contents, list | tuple)
                and contents
                and all(isinstance(method, str) and method.isupper() for method in contents)
            ):
                return set(contents)
        view = getattr(view, "__wrapped__", None)
    return None


def _declarations():
    declared, methods, names_object, undeclared = {}, {}, {}, []
    for name, route in APP_URLS:
        match = resolve(_example_path(route))
        declaration = gateway.declared(match.func)
        if declaration is None:
            undeclared.append(name)
            continue
        kind, what, perm, scope = declaration
        if match.func is referral_decide:
            # One view for all decisions on a signal: it fetches the signal with the permission
            # of the decision (cases/views/referrals.py DECISIONS) instead of the declared one.
            perm = DECISIONS[match.kwargs["action"]][0]
        declared[name] = (kind, what, perm, scope)
        names_object[name] = bool(match.kwargs.keys() - {"action"})
        # Every URL is opened with GET (405 where the view refuses it), and posted to where it
        # takes a POST. A view that names no methods takes any: its page is its GET.
        accepted = accepted_methods(match.func) or {"GET"}
        methods[name] = {"GET": "GET" in accepted} | ({"POST": True} if "POST" in accepted else {})
    return declared, methods, names_object, undeclared


DECLARED, METHODS, NAMES_OBJECT, UNDECLARED = _declarations()


# --- The expected answer, from the table ---------------------------------------------------------


def _held(role: str, *, anywhere: bool) -> set[str]:
    return set((HELD_ANYWHERE if anywhere else HELD_IN_TEAM_A).get(role, ()))


def _stand_in(scope: str, facts: Facts):
    """The object as OBJECT_RULES see it: a household, or something of one (a signal, a task)."""
    household = SimpleNamespace(lead_worker_id=facts.lead)
    if scope == "household":
        return household
    linked = facts.linked
    return SimpleNamespace(
        assigned_to_id=facts.assigned,
        household_id=1 if linked else None,
        household=household if linked else None,
    )


def holds_for(role: str, perm: str, scope: str, facts: Facts) -> bool:
    """Whether the role holds `perm` for team A's object: by its role there or by a relation to
    the object (OBJECT_RULES), and not a change of a closed household (REQUIRES_OPEN_HOUSEHOLD)."""
    held = _held(role, anywhere=False)
    user = SimpleNamespace(pk=role, _wijkteam_covering=set())  # nobody covers for anyone here
    granted = bool(held & policy.PERMISSIONS[perm]) or (
        bool(held) and any(rule(user, _stand_in(scope, facts)) for rule in policy.OBJECT_RULES.get(perm, ()))
    )
    return granted and (facts.open or perm not in policy.REQUIRES_OPEN_HOUSEHOLD)


def in_scope(role: str, scope: str, facts: Facts) -> bool:
    """Whether the role finds the object at all (else 404): the households of the teams where it
    reads case data, closed ones only for their lead worker and whoever reads closed ones; a
    signal on such a household, assigned to the role, or of a team where it reads all signals."""
    held = _held(role, anywhere=False)
    if not held & policy.PERMISSIONS["household.read"]:
        return False
    household = facts.linked and (
        facts.open or facts.lead == role or bool(held & policy.PERMISSIONS["household.read_closed"])
    )
    if scope in ("household", "task"):
        return household
    return household or facts.assigned == role or bool(held & policy.PERMISSIONS["referral.read_all"])


def expected(name: str, method: str, role: str):
    if role == "anonymous":
        return LOGIN
    if not METHODS[name][method]:
        return 405
    _kind, _what, perm, scope = DECLARED[name]
    if scope is None:
        if perm is None:
            return OK
        if not _held(role, anywhere=True) & policy.PERMISSIONS[perm]:
            return 403
        if NAMES_OBJECT[name] and name not in NOT_OF_TEAM_A:
            return OK if _held(role, anywhere=False) & policy.PERMISSIONS[perm] else 404
        return OK
    facts = FACTS[TARGETS.get(name, scope)]
    if not in_scope(role, scope, facts):
        return 404
    return OK if perm is None or holds_for(role, perm, scope, facts) else 403


# Cells the table cannot express: (URL name, method, role) → (answer, why).
EXCEPTIONS: dict[tuple[str, str, str], tuple[object, str]] = {
    # The calendar feed is found by its secret token alone, with or without a session (a
    # calendar app has none): whoever holds the worker's address gets the worker's feed, which
    # holds no personal data (cases/tests/test_agenda.py).
    **{
        ("cases:calendar_feed", "GET", role): (OK, "the secret token is the authentication") for role in ROLES
    },
}

# What the intended success of a cell is, where it is not 200 (GET) or 302 with a change (POST).
SUCCESS = {
    ("cases:person_export", "GET"): STEP_UP,  # the resident's data: the password again first
    ("cases:referral_emergency", "GET"): STEP_UP,  # emergency access: the password again first
    ("cases:referral_emergency", "POST"): STEP_UP,
    # A new API client secret is shown once, in the answer to the POST that made it (api/).
    ("mandates:api_client_add", "POST"): 200,
    ("mandates:api_client_rotate", "POST"): 200,
}


def profile(*answers):
    return dict(zip(ROLES, answers, strict=True))


ONLY_POST = profile(LOGIN, 405, 405, 405, 405, 405, 405)  # GET of a POST-only action

MATRIX = {
    name: {
        method: {
            role: EXCEPTIONS.get((name, method, role), (expected(name, method, role),))[0] for role in ROLES
        }
        for method in METHODS[name]
    }
    for name in DECLARED
}


# --- Valid submissions -----------------------------------------------------------------------------


def _day(days: int = 0) -> str:
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


def _once() -> dict:
    """A create form's fresh submission id (cases/once.py)."""
    return {"submission_id": str(uuid.uuid4())}


_SURNAMES = itertools.cycle(["Akkerman", "Bosman", "Claassen", "Dekker", "Evers", "Fokkema", "Gerritsen"])
_NUMBERS = itertools.count(101)


def _new_surname() -> str:
    """A surname the previous role's registration did not use: the duplicate check (cases/matching.py)
    would rightly stop the same household or member registered twice."""
    return next(_SURNAMES) + "-" + next(_SURNAMES)


def _team_of(user, o) -> int:
    """The team a user registers in: their first team (team A for who has none)."""
    team = Position.objects.filter(user=user).order_by("pk").values_list("team_id", flat=True).first()
    return team or o.team.pk


def as_posted(form, **changes) -> dict:
    """What the browser posts for an unbound form as it is shown (its initial values), changed."""
    data = {}
    for name, field in form.fields.items():
        if field.disabled:
            continue
        value = form[name].value()
        if isinstance(value, bool):
            if value:
                data[form.add_prefix(name)] = "on"
            continue
        shown = field.widget.format_value(value)
        if isinstance(shown, list):
            shown = [item for item in shown if item != ""]
        if shown not in (None, "", []):
            data[form.add_prefix(name)] = shown
    return data | changes


_counter = itertools.count(1)


def _new(text: str) -> str:
    """A value no earlier request of the cell posted: team, position and mandate are shared by
    the Objects of a cell, and a second success must change them again."""
    return f"{text} ({next(_counter)})"


def _fresh(obj):
    return type(obj)._base_manager.get(pk=obj.pk)


def _unread_for(user) -> int:
    """An unread notification of the user's own (its id), to open or mark read."""
    if user is None:
        return 0
    return Notification.objects.create(user=user, kind="assigned", url="/", key=str(uuid.uuid4())).pk


def _with_approval(o) -> dict:
    """The team asks for approval of plans; the worker (or coordinator) asks for it."""
    o.team.plan_approval_required = True
    o.team.save()
    return {}


# URL name → function(objects, world, user) → the POST of a submission that succeeds.
PAYLOADS = {
    # The worker's households go to a colleague, with one reason.
    "cases:handover": lambda o, w, u: {"worker": o.worker.pk, "to": w.colleague_a.pk, "reason": "Met verlof"},
    "cases:cover_add": lambda o, w, u: {
        "worker": o.worker.pk,
        "cover": w.colleague_a.pk,
        "starts_on": timezone.localdate().strftime("%d-%m-%Y"),
        "ends_on": (timezone.localdate() + datetime.timedelta(days=5)).strftime("%d-%m-%Y"),
        "reason": "Met verlof",
    },
    "cases:household_create": lambda o, w, u: {
        **_once(),
        "household-team": _team_of(u, o),
        "household-name": f"Familie {(surname := _new_surname())}",
        "household-street": "Kerkstraat",
        "household-house_number": str(next(_NUMBERS)),
        "household-postcode": "8021AB",
        "household-city": "Zwolle",
        "member-first_name": "Anna",
        "member-last_name": surname,
        "member-birth_date": f"{1950 + next(_NUMBERS) % 50}-03-01",
        "member-relation": "main_resident",
    },
    "cases:household_edit": lambda o, w, u: as_posted(
        HouseholdForm(instance=o.household, team_ids=[o.team.pk]), name="Familie Verhuisd", reason="Verhuisd"
    ),
    "cases:household_close": lambda o, w, u: {
        "end_result": "quick_fix",
        "reason": "Doelen bereikt",
        "cancel_open_actions": "on",
    },
    "cases:household_reopen": lambda o, w, u: {"reason": "Nieuwe zorgen van school"},
    "cases:person_add": lambda o, w, u: {
        **_once(),
        "first_name": "Daan",
        "last_name": _new_surname(),
        "birth_date": "2015-06-01",
        "relation": "child",
    },
    "cases:person_edit": lambda o, w, u: as_posted(PersonForm(instance=o.person), first_name="Gewijzigd"),
    "cases:access_request_add": lambda o, w, u: {**_once(), "note": "Wil alles op papier"},
    "cases:access_request_answered": lambda o, w, u: {},
    "cases:consent_add": lambda o, w, u: {
        **_once(),
        "recipient": str(w.partner.organisation_id),
        "purpose": "coordination",
        "categories": ["contact", "situation"],
        "decision": "given",
        "legal_basis": "consent",
        "obtained": "verbal",
        "information_given": "Uitgelegd wat we delen en waarom.",
    },
    "cases:consent_withdraw": lambda o, w, u: {"withdrawn_by": str(o.person.pk)},
    "cases:share_add": lambda o, w, u: {
        **_once(),
        "recipient": str(w.partner.organisation_id),
        "purpose": "coordination",  # the mandate's basis covers contact details
        "persons": [str(o.person.pk)],
        "categories": ["contact"],
        "content": "Het gezin is in beeld bij het wijkteam.",
    },
    "cases:network_add": lambda o, w, u: {
        **_once(),
        "name": "Oma Jansen",
        "kind": "family",
        "family_agrees": "on",
    },
    "cases:network_edit": lambda o, w, u: as_posted(NetworkMemberForm(instance=o.member), name="Opa Jansen"),
    "cases:contact_add": lambda o, w, u: {**_once(), "quick": "card_left"},
    "cases:appointment_add": lambda o, w, u: {
        **_once(),
        "kind": "call",
        "date": _day(1),
        "starts_at": "10:00",
        "ends_at": "10:30",
        "workers": [str(w.worker_a.pk)],
    },
    "cases:appointment_edit": lambda o, w, u: as_posted(
        AppointmentForm(instance=o.appointment, household=o.household, user=w.worker_a),
        purpose=_new("Bellen over de post"),
    ),
    "cases:appointment_cancel": lambda o, w, u: {"reason": "Moeder belde af"},
    "cases:next_attempt_accept": lambda o, w, u: {**_once(), "contact": str(o.failed_call.pk)},
    "cases:calendar_feed_settings": lambda o, w, u: {},
    "cases:note_add": lambda o, w, u: {**_once(), "note-text": "Buurvrouw gesproken"},
    "documents:document_edit": lambda o, w, u: {
        "title": _new("Brief woningcorporatie"),
        "kind": "letter_in",
        "date": _day(),
        "confidentiality": "team",
        "reason": "Titel verbeterd",
    },
    "documents:document_add": lambda o, w, u: {
        **_once(),
        "file": SimpleUploadedFile("brief.txt", b"Brief van de woningcorporatie\n"),
        "title": "Brief woningcorporatie",
        "kind": "letter_in",
        "date": _day(),
        "confidentiality": "team",
    },
    "cases:warning_add": lambda o, w, u: {
        **_once(),
        "incident": "threat",
        "incident_on": _day(),
        "description": "Dreigde met de hond.",
        "advice": ["in_pairs"],
    },
    "cases:warning_end": lambda o, w, u: {"reason": "Twee bezoeken zonder incident"},
    "cases:follow_up_decide": lambda o, w, u: {
        "kind": "try_again",
        "next_kind": "letter",
        "revisit_on": _day(14),
        "note": "Een brief sturen en 's avonds langs.",
    },
    "cases:task_complete": lambda o, w, u: {"note": "Huisarts en school gebeld"},
    "cases:plan_start": lambda o, w, u: {},
    "cases:plan_edit": lambda o, w, u: as_posted(PlanForm(instance=o.plan), worries="Schulden lopen op"),
    "cases:plan_evaluate": lambda o, w, u: {"note": "Rust in huis bereikt.", "next_evaluation": _day(90)},
    "cases:plan_approval": lambda o, w, u: _with_approval(o),
    "cases:goal_add": lambda o, w, u: {
        **_once(),
        "domain": str(zrm.domains().first().pk),
        "family_words": "Werk vinden",
    },
    "cases:goal_edit": lambda o, w, u: as_posted(GoalForm(instance=o.goal), family_words="Weer naar school"),
    "cases:action_add": lambda o, w, u: {
        **_once(),
        "what": "Schuldhulp bellen",
        "who": "worker",
        "worker": str(w.worker_a.pk),
        "due_date": _day(7),
    },
    "cases:action_edit": lambda o, w, u: as_posted(
        ActionForm(instance=o.action, plan=o.plan), what="Budgetcoach bellen"
    ),
    "cases:action_done": lambda o, w, u: {},
    "cases:assessment_add": lambda o, w, u: {
        "person": str(o.person.pk),
        "assessed_on": _day(),
        **{f"score_{domain.pk}": "3" for domain in zrm.domains()},
    },
    "cases:review_add": lambda o, w, u: {
        **_once(),
        "held_on": _day(),
        "workers": [str(w.worker_a.pk)],
        "question": "Hoe krijgen we vader in beeld?",
        "follow_up": "Vader bellen",
    },
    "cases:review_edit": lambda o, w, u: as_posted(
        CaseReviewForm(instance=o.review, household=o.household), question="Wie belt de school?"
    ),
    "cases:review_follow_up": lambda o, w, u: {},
    "cases:referral_create": lambda o, w, u: {
        **_once(),
        "team": str(o.team.pk),
        "channel": "phone",
        "received_at": timezone.localtime(timezone.now() - datetime.timedelta(hours=1)).strftime(
            "%Y-%m-%dT%H:%M"
        ),
        "sender_organisation": str(w.partner.organisation_id),
        "sender_name": "Juf Bakker",
        "urgency": "normal",
        "concern": "Kinderen komen zonder ontbijt.",
        "prior_information_confidentiality": "normal",
        "subject_last_name": "Jansen",
    },
    "cases:referral_accept": lambda o, w, u: {"household": str(o.household.pk), "reason": "Bekend gezin"},
    "cases:referral_assign": lambda o, w, u: {"worker": str(w.worker_a.pk)},
    "cases:referral_reassign": lambda o, w, u: {
        "worker": str(w.colleague_a.pk),
        "current": str(w.worker_a.pk),
        "reason": "Verlof",
    },
    "cases:referral_decline": lambda o, w, u: {"reason_code": "other", "reason": "Geen zorgen genoemd"},
    "cases:referral_forward": lambda o, w, u: {
        "organisation": str(w.partner.organisation_id),
        "reason": "Hun gebied",
    },
    "cases:referral_merge": lambda o, w, u: {"into": str(o.earlier.pk), "reason": "Zelfde gezin"},
    "cases:referral_close": lambda o, w, u: {"end_result": "quick_fix", "reason": "Opgelost"},
    "cases:referral_interests": lambda o, w, u: {
        "household_view": "Moeder wil rust",
        "professional_judgement": "Zorgelijk",
    },
    "cases:referral_emergency": lambda o, w, u: {"reason": "Huisbezoek over tien minuten"},
    "cases:partner_referral_supplement": lambda o, w, u: {"message": "Moeder weet ervan."},
    "cases:partner_referral_send": lambda o, w, u: {
        **_once(),
        "team": str(o.team.pk),
        "urgency": "normal",
        "concern": "Kinderen komen zonder ontbijt.",
        "prior_information_confidentiality": "normal",
        "subject_last_name": "Jansen",
        "family_aware": "unknown",
        "sender_name": "Juf Bakker",
    },
    "teams:team_edit": lambda o, w, u: as_posted(
        TeamProfileForm(instance=o.team), support_rhythm=_new("Elke week"), reason="Nieuw ritme"
    ),
    "teams:position_add": lambda o, w, u: {
        **_once(),
        "user": str(UserFactory().pk),
        "employer": str(o.position.employer_id),
        "access_role": "worker",
        "membership": "team",
        "accountable_to": "team",
        "active_from": _day(),
    },
    "teams:position_edit": lambda o, w, u: as_posted(
        PositionForm(instance=o.position, by=u or w.manager_ab),
        hours_per_week=str(int(_fresh(o.position).hours_per_week or 0) % 30 + 5),  # always others
        reason="Meer uren",
    ),
    "teams:notification_settings": lambda o, w, u: {
        "digest": "off" if u is None or _fresh(u).digest != "off" else "daily",
        "mail_language": "nl",
    },
    "teams:notification_open": lambda o, w, u: {"notification": str(_unread_for(u))},
    "teams:notifications_read": lambda o, w, u: {"unread": str(_unread_for(u))},
    "mandates:add": lambda o, w, u: {
        **_once(),
        "team": str(o.team.pk),
        "organisation": str(OrganisationFactory(sector="ggz").pk),
        "domain": "ggz",
        "kind": "machtiging",
        "scope": "Overleg over gezamenlijke cliënten.",
        "sharing_basis": "agreement",
        "feedback_level": "status",
        "valid_from": _day(),
        "status": "draft",
    },
    "mandates:edit": lambda o, w, u: as_posted(
        MandateForm(instance=o.mandate, team_ids=[o.team.pk]),
        scope=_new("Ook schuldhulp."),
        reason="Uitgebreid",
    ),
    "mandates:review": lambda o, w, u: {
        "reviewed_on": _day(),
        "decision": "continue",
        "notes": "Loopt goed.",
        "next_review_on": _day(180),
    },
    "mandates:api_client_add": lambda o, w, u: {
        **_once(),
        "organisation": str(o.mandate.organisation_id),
        "name": "Leerlingvolgsysteem",
        "scopes": ["signals:create", "signals:read"],
        "reason": "Afgesproken in het convenant",
    },
    "mandates:api_client_webhook": lambda o, w, u: {
        "webhook_url": f"https://lvs.example/{next(_counter)}",
        "reason": "Nieuw adres",
    },
    "mandates:api_client_scopes": lambda o, w, u: {
        "scopes": ["signals:read", "directory:read"],
        "reason": "Leest de sociale kaart",
    },
    "mandates:api_client_rotate": lambda o, w, u: {"which": "webhook", "reason": "Nieuw systeem"},
    "mandates:api_client_revoke": lambda o, w, u: {"reason": "Contract beëindigd"},
}

# URL name → function(objects, world) → what a successful POST changes (and a refused one not).
STATE = {
    "cases:household_create": lambda o, w: Household.objects.count(),
    "cases:household_edit": lambda o, w: _fresh(o.household).name,
    "cases:household_close": lambda o, w: _fresh(o.household).status,
    "cases:household_reopen": lambda o, w: _fresh(o.closed_household).status,
    "cases:person_add": lambda o, w: o.household.members.count(),
    "cases:person_edit": lambda o, w: _fresh(o.person).first_name,
    "cases:access_request_add": lambda o, w: AccessRequest.objects.filter(person=o.person).count(),
    "cases:access_request_answered": lambda o, w: _fresh(o.access_request).handled_on,
    "cases:consent_add": lambda o, w: ConsentDecision.objects.filter(person=o.person).count(),
    "cases:consent_withdraw": lambda o, w: ConsentDecision.objects.filter(person=o.person).count(),
    "cases:share_add": lambda o, w: Share.objects.filter(household=o.household).count(),
    "cases:network_add": lambda o, w: o.household.network.count(),
    "cases:network_edit": lambda o, w: _fresh(o.member).name,
    "cases:contact_add": lambda o, w: o.household.contacts.count(),
    "cases:appointment_add": lambda o, w: o.household.appointments.count(),
    "cases:appointment_edit": lambda o, w: _fresh(o.appointment).purpose,
    "cases:appointment_cancel": lambda o, w: _fresh(o.appointment).status,
    "cases:next_attempt_accept": lambda o, w: o.household.appointments.count(),
    "cases:calendar_feed_settings": lambda o, w: sorted(CalendarFeed.objects.values_list("token", flat=True)),
    "cases:note_add": lambda o, w: o.household.notes.count(),
    "documents:document_add": lambda o, w: o.household.documents.count(),
    "documents:document_edit": lambda o, w: _fresh(o.document).title,
    "cases:warning_add": lambda o, w: o.household.safety_warnings.count(),
    "cases:warning_end": lambda o, w: _fresh(o.warning).active_until,
    "cases:follow_up_decide": lambda o, w: o.household.follow_up_decisions.count(),
    "cases:task_complete": lambda o, w: _fresh(o.task).status,
    "cases:plan_start": lambda o, w: o.planless.plans.count(),
    "cases:plan_edit": lambda o, w: _fresh(o.plan).worries,
    "cases:plan_evaluate": lambda o, w: _fresh(o.plan).status,
    "cases:plan_approval": lambda o, w: _fresh(o.plan).approval,
    "cases:goal_add": lambda o, w: o.plan.goals.count(),
    "cases:goal_edit": lambda o, w: _fresh(o.goal).family_words,
    "cases:action_add": lambda o, w: o.plan.actions.count(),
    "cases:action_edit": lambda o, w: _fresh(o.action).what,
    "cases:action_done": lambda o, w: _fresh(o.action).status,
    "cases:assessment_add": lambda o, w: Assessment.objects.filter(person=o.person).count(),
    "cases:review_add": lambda o, w: o.household.reviews.count(),
    "cases:review_edit": lambda o, w: _fresh(o.review).question,
    "cases:review_follow_up": lambda o, w: o.plan.actions.count(),
    "cases:referral_create": lambda o, w: Referral.objects.filter(team=o.team).count(),
    "cases:referral_accept": lambda o, w: _fresh(o.received).status,
    "cases:referral_assign": lambda o, w: _fresh(o.accepted).status,
    "cases:referral_reassign": lambda o, w: _fresh(o.referral).assigned_to_id,
    "cases:referral_decline": lambda o, w: _fresh(o.received).status,
    "cases:referral_forward": lambda o, w: _fresh(o.received).status,
    "cases:referral_merge": lambda o, w: _fresh(o.received).status,
    "cases:referral_close": lambda o, w: _fresh(o.referral).status,
    "cases:referral_interests": lambda o, w: _fresh(o.referral).household_view,
    # Emergency access is granted after the step-up; until then nothing is logged as emergency.
    "cases:referral_emergency": lambda o, w: AccessEvent.objects.filter(
        action=AccessEvent.Action.EMERGENCY
    ).count(),
    "cases:partner_referral_supplement": lambda o, w: _fresh(o.declined).status,
    "cases:partner_referral_send": lambda o, w: Referral.objects.filter(
        sender_organisation=w.partner.organisation
    ).count(),
    "cases:handover": lambda o, w: _fresh(o.household).lead_worker_id,
    "cases:cover_add": lambda o, w: Cover.objects.count(),
    "teams:team_edit": lambda o, w: _fresh(o.team).support_rhythm,
    "teams:position_add": lambda o, w: o.team.positions.count(),
    "teams:position_edit": lambda o, w: _fresh(o.position).hours_per_week,
    "teams:notification_settings": lambda o, w: tuple(
        User.objects.order_by("pk").values_list("digest", flat=True)
    ),
    "teams:notification_open": lambda o, w: Notification.objects.filter(read_at__isnull=True).count(),
    "teams:notifications_read": lambda o, w: Notification.objects.filter(read_at__isnull=True).count(),
    "mandates:add": lambda o, w: Mandate.objects.count(),
    "mandates:edit": lambda o, w: _fresh(o.mandate).scope,
    "mandates:review": lambda o, w: o.mandate.reviews.count(),
    "mandates:api_client_add": lambda o, w: ApiClient.objects.count(),
    "mandates:api_client_webhook": lambda o, w: _fresh(o.api_client).webhook_url,
    "mandates:api_client_scopes": lambda o, w: _fresh(o.api_client).scopes,
    "mandates:api_client_rotate": lambda o, w: _fresh(o.api_client).webhook_secret,
    "mandates:api_client_revoke": lambda o, w: _fresh(o.api_client).revoked_at,
}


# The social map (directory/).
PAYLOADS |= {
    "directory:service_add": lambda o, w, u: new_service_payload(o.service.organisation_id),
    "directory:service_edit": lambda o, w, u: as_posted(ServiceForm(instance=o.service), name=_new("Dienst")),
    "directory:service_verify": lambda o, w, u: {},
    "directory:contact_add": lambda o, w, u: {**_once(), "name": "Ilse Brouwer", "role": "Consulent"},
    "directory:update_request_send": lambda o, w, u: {},
    "directory:action_refer": lambda o, w, u: {"service": str(o.service.pk), "outcome": "helped"},
    "directory:review_refer": lambda o, w, u: {"service": str(o.service.pk)},
    "directory:location_add": lambda o, w, u: location_payload(),
    "directory:location_edit": lambda o, w, u: location_payload(o.directory_location, name=_new("Locatie")),
    "directory:location_remove": lambda o, w, u: {"reason": "Verhuisd"},
    "directory:contact_edit": lambda o, w, u: {"name": _new("Contactpersoon"), "role": "Consulent"},
    "directory:contact_remove": lambda o, w, u: {"reason": "Uit dienst"},
}
STATE |= {
    "directory:service_add": lambda o, w: Service.objects.count(),
    "directory:service_edit": lambda o, w: _fresh(o.service).name,
    "directory:service_verify": lambda o, w: _fresh(o.service).last_verified,
    "directory:contact_add": lambda o, w: o.service.contacts.count(),
    "directory:update_request_send": lambda o, w: UpdateRequest.objects.count(),
    "directory:action_refer": lambda o, w: (_fresh(o.action).service_id, _fresh(o.action).service_outcome),
    "directory:location_add": lambda o, w: o.service.locations.count(),
    "directory:location_edit": lambda o, w: (
        _fresh(o.directory_location).name,
        o.directory_location.opening_hours.count(),
    ),
    "directory:location_remove": lambda o, w: o.service.locations.count(),
    "directory:contact_edit": lambda o, w: _fresh(o.directory_contact).name,
    "directory:contact_remove": lambda o, w: DirectoryContact.objects.filter(
        pk=o.directory_contact.pk
    ).count(),
    "directory:review_refer": lambda o, w: sorted(
        o.plan.actions.filter(service__isnull=False).values_list("pk", flat=True)
    ),
}


# The walk-in hour (walkin/).
PAYLOADS |= {
    "walkin:hour_add": lambda o, w, u: {
        "team": str(_team_of(u, o)),
        "place": "Bibliotheek Noord",
        "weekday": "2",
        "starts_at": "13:30",
        "ends_at": "15:00",
        "active": "on",
    },
    "walkin:hour_edit": lambda o, w, u: {
        "place": _new("Buurthuis"),
        "weekday": str(o.walkin_hour.weekday),
        "starts_at": "09:00",
        "ends_at": "11:00",
        "staff": [str(o.worker.pk)],
        "active": "on",
    },
    "walkin:visit_add": lambda o, w, u: {
        **_once(),
        "topic": str(zrm.domains().first().pk),
        "kind": "letter",
        "outcome": "answered",
    },
    "walkin:visit_edit": lambda o, w, u: {"outcome": "follow_up", "note": _new("Komt volgende week terug")},
    "walkin:visit_undo": lambda o, w, u: {},
}
STATE |= {
    "walkin:hour_add": lambda o, w: WalkInHour.objects.count(),
    "walkin:hour_edit": lambda o, w: _fresh(o.walkin_hour).place,
    "walkin:visit_add": lambda o, w: o.walkin_hour.visits.count(),
    "walkin:visit_edit": lambda o, w: _fresh(o.walkin_visit).note,
    "walkin:visit_undo": lambda o, w: _fresh(o.walkin_visit).undone,
}


# The team as a support group (issue 24): expertise and consult questions.
PAYLOADS |= {
    "teams:expertise_mine": lambda o, w, u: {
        "domains": ["financien"],
        "languages": ["ti"],
        "note": _new("Schulden"),
    },
    "teams:expertise_edit": lambda o, w, u: {"methods": ["mgv"], "note": _new("Woningvervuiling")},
    "cases:consult_ask": lambda o, w, u: {
        **_once(),
        "question": "Wie kent de schuldregels?",
        "link_household": "on",
    },
    "cases:consult_detail": lambda o, w, u: {"text": "Bel de budgetcoach."},
    "cases:consult_agenda": lambda o, w, u: {},
}
STATE |= {
    "teams:expertise_mine": lambda o, w: Expertise.history.count(),
    "teams:expertise_edit": lambda o, w: Expertise.history.count(),
    "cases:consult_ask": lambda o, w: ConsultQuestion.objects.filter(household=o.household).count(),
    "cases:consult_detail": lambda o, w: _fresh(o.consult).answer_count,
    "cases:consult_agenda": lambda o, w: _fresh(o.consult).on_agenda_at,
}


# --- The tests -------------------------------------------------------------------------------------


def test_every_app_url_is_declared_and_in_the_matrix():
    """Deny by default: a URL whose view declares nothing fails before anything passes."""
    assert UNDECLARED == [], "views without @reads, @changes or @no_case_data"
    assert sorted(MATRIX) == [name for name, _route in APP_URLS]
    assert set(EXCEPTIONS) <= {(n, m, r) for n in MATRIX for m in MATRIX[n] for r in ROLES}
    assert set(TARGETS) | set(NOT_OF_TEAM_A) <= set(DECLARED)


def test_every_post_has_a_payload_and_a_state():
    posts = {name for name, methods in METHODS.items() if methods.get("POST")}
    assert sorted(posts - set(PAYLOADS)) == []
    assert sorted(posts - set(STATE)) == []
    assert sorted((set(PAYLOADS) | set(STATE)) - posts) == [], "entries for URLs that take no POST"


@pytest.mark.django_db
def test_the_roles_are_as_described(world):
    """HELD_IN_TEAM_A and HELD_ANYWHERE describe the world fixture as the app sees it."""
    for role, attribute in USERS.items():
        roles = roles_of(getattr(world, attribute))
        assert roles.by_team.get(world.team_a.pk, set()) == HELD_IN_TEAM_A.get(role, set()), role
        assert roles.all | ({policy.PARTNER} if roles.is_partner_reporter else set()) == HELD_ANYWHERE.get(
            role, set()
        ), role


@pytest.mark.django_db
def test_the_objects_are_as_described(world):
    """FACTS describe the objects of Objects as they are in the database."""
    objects = Objects(world)
    users = {attribute and getattr(world, attribute): role for role, attribute in USERS.items()}
    for attribute, facts in FACTS.items():
        obj = getattr(objects, attribute)
        household = obj if isinstance(obj, Household) else obj.household
        assert (household is not None) == facts.linked, attribute
        if household is not None:
            assert (household.status == Household.Status.OPEN) == facts.open, attribute
            assert users.get(household.lead_worker) == facts.lead, attribute
        assert users.get(getattr(obj, "assigned_to", None)) == facts.assigned, attribute


def matches(name: str, method: str, expected, response, url: str) -> bool:
    status = response.status_code
    if expected == LOGIN:
        return status == 302 and response.url.startswith(reverse("account_login"))
    if expected != OK:
        return status == expected
    success = SUCCESS.get((name, method), 200 if method == "GET" else 302)
    if success == STEP_UP:
        return status == 302 and response.url.startswith(reverse("account_reauthenticate"))
    if success == 302:
        # On to the next page: not to the login or password form, not back to the form itself.
        return status == 302 and response.url.split("?")[0] not in (
            reverse("account_login"),
            reverse("account_reauthenticate"),
            url,
        )
    return status == success


def assert_hardened(response) -> None:
    """The headers every authenticated page carries (docs/security.md, issue 9 item 5)."""
    csp = response["Content-Security-Policy"]
    for directive in (
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "script-src 'self'",
    ):
        assert directive in csp, directive
    assert "unsafe-inline" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "no-store" in response["Cache-Control"]
    assert response["X-Request-ID"]


def _answer(response) -> str:
    """The answer, as a failure message shows it: the status, where to, and a form's errors."""
    text = str(response.status_code)
    if response.status_code in (301, 302):
        text += f" → {response.url}"
    for context in response.context or []:
        form = context.get("form") if hasattr(context, "get") else None
        if form is not None and getattr(form, "errors", None):
            text += f" {dict(form.errors)}"
            break
    return text


CELLS = [(name, method) for name in sorted(MATRIX) for method in MATRIX[name]]


@pytest.mark.django_db
@pytest.mark.parametrize("name, method", CELLS, ids=[f"{n}-{m}" for n, m in CELLS])
def test_every_cell(client, world, name, method):
    """Each role gets what the declaration and the policy say, exactly, and nobody a 5xx."""
    users = {role: getattr(world, attribute) for role, attribute in USERS.items()}
    objects = Objects(world)
    wrong = []
    for role in ROLES:
        user = users.get(role)
        client.logout()
        if user is not None:
            client.force_login(user)
        url = reverse(name, kwargs=objects.kwargs(name))
        expected_answer = MATRIX[name][method][role]
        if method == "GET":
            response = client.get(url)
        else:
            data = PAYLOADS[name](objects, world, user)
            before = STATE[name](objects, world)
            response = client.post(url, data)
        assert response.status_code < 500, (role, response.status_code)
        if user is not None and response.status_code == 200:
            assert_hardened(response)
        if not matches(name, method, expected_answer, response, url):
            wrong.append((role, expected_answer, _answer(response)))
        if method == "POST":
            changed = STATE[name](objects, world) != before
            should = expected_answer == OK and SUCCESS.get((name, method)) != STEP_UP
            if changed != should:
                wrong.append((role, "a change" if should else "no change", _answer(response)))
            if changed:
                objects = Objects(world)  # the next role starts from the same state
    assert wrong == []
