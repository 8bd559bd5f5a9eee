"""Access by construction: every view says what it does with case data, and every page that
shows case data leaves exactly one access-log row (cases/gateway.py, teams/policy.py).

Both tests walk the URL resolver, so a new view is covered the day it is added: without a
declaration it fails the first test; with `@reads`/`@changes` it is opened as a worker and a
coordinator of the demo in the second, which counts its log rows.
"""

import ast
import pathlib

import pytest
from django.urls import get_resolver, path, reverse
from django.utils import timezone

from cases import gateway
from cases.models import (
    AccessEvent,
    AccessRequest,
    Appointment,
    ConsultQuestion,
    Household,
    Plan,
    Referral,
    Task,
)
from cases.tests.factories import (
    ActionFactory,
    CaseReviewFactory,
    ConsentDecisionFactory,
    GoalFactory,
    NetworkMemberFactory,
    SafetyWarningFactory,
    TaskFactory,
)
from documents.testing import stored_document
from teams.models import Organisation, User
from tests.test_urls import walk

ROOT = pathlib.Path(__file__).resolve().parent.parent
# The project's own apps: their views must declare; allauth's, the admin's and Django's do not.
OWN_MODULES = ("cases.", "teams.", "mandates.", "documents.", "api.", "wijkteam.", "directory.")


def _views(patterns):
    return ((name, pattern) for name, _route, pattern in walk(patterns))


def undeclared(patterns) -> list[str]:
    """The project's URL patterns whose view declares nothing about case data."""
    return sorted(
        str(name)
        for name, pattern in _views(patterns)
        if pattern.callback.__module__.startswith(OWN_MODULES) and gateway.declared(pattern.callback) is None
    )


def test_every_view_declares_what_it_does_with_case_data():
    """@reads, @changes or @no_case_data on every view of the project's own apps."""
    assert undeclared(get_resolver().url_patterns) == []


def test_a_view_without_a_declaration_is_found():
    """The walk above would catch a new, undeclared view (and leaves declared ones alone)."""

    def new_view(request):  # pragma: no cover - never requested
        raise AssertionError

    new_view.__module__ = "cases.views.new"
    declared = gateway.reads("household")(new_view)
    patterns = [path("new/", new_view, name="new"), path("ok/", declared, name="ok")]
    assert undeclared(patterns) == ["new"]


def _unscoped_roots(tree, roots) -> list[tuple[int, str]]:
    """`Root.objects` outside Exists/Subquery/Prefetch (which hang from an already scoped query)."""
    found = []

    def visit(node, inside_correlated):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") in CORRELATED:
            inside_correlated = True
        if (
            isinstance(node, ast.Attribute)
            and node.attr == "objects"
            and isinstance(node.value, ast.Name)
            and node.value.id in roots
            and not inside_correlated
        ):
            found.append((node.lineno, node.value.id))
        for child in ast.iter_child_nodes(node):
            visit(child, inside_correlated)

    visit(tree, False)
    return found


CORRELATED = {"Exists", "Subquery", "Prefetch"}
ROOTS = {"Household", "Referral", "Person"}


def test_no_view_module_fetches_households_signals_or_people_itself():
    """The roots of case data come through the gateway, never `Model.objects` in a view (a
    correlated subquery of an already scoped query excepted): a view that forgot its scope
    cannot be written without this test seeing it."""
    offenders = []
    views = [
        ROOT / "teams/views.py",
        ROOT / "mandates/views.py",
        ROOT / "documents/views.py",
        ROOT / "api/views.py",
        ROOT / "directory/views.py",
        ROOT / "directory/public.py",
    ]
    for module in [*ROOT.glob("cases/views/*.py"), *views]:
        for line, name in _unscoped_roots(ast.parse(module.read_text()), ROOTS):
            offenders.append(f"{module.relative_to(ROOT)}:{line} {name}.objects")
    assert offenders == []


def test_the_scan_sees_an_unscoped_fetch():
    tree = ast.parse("h = Household.objects.get(pk=pk)\nq = Exists(Referral.objects.filter(x=1))")
    assert _unscoped_roots(tree, ROOTS) == [(1, "Household")]


# --- Every reading page of the demo, as a worker and as a coordinator -------------------------


@pytest.fixture
def demo(demo):
    """The demo (conftest's `demo`, copied into each test's database) and the objects named below."""
    return DemoObjects()


class DemoObjects:
    """One open household of Noord led by worker.noord with one of everything a page shows."""

    def __init__(self):
        self.worker = User.objects.get(username="worker.noord")
        self.coordinator = User.objects.get(username="coordinator.noord")
        plan = (
            Plan.objects.current()
            .filter(household__lead_worker=self.worker, household__status=Household.Status.OPEN)
            .select_related("household")
            .order_by("household__name")
            .first()
        )
        self.household = household = plan.household
        self.plan = plan
        self.person = household.members.first()
        self.goal = plan.goals.first() or GoalFactory(plan=plan)
        self.action = plan.actions.first() or ActionFactory(plan=plan, worker=self.worker)
        self.network_member = household.network.first() or NetworkMemberFactory(household=household)
        self.review = household.reviews.first() or CaseReviewFactory(household=household)
        self.warning = household.safety_warnings.first() or SafetyWarningFactory(
            household=household, recorded_by=self.worker
        )
        self.consent = household.consent_decisions().first() or ConsentDecisionFactory(
            person=self.person,
            recipient=Organisation.objects.filter(is_partner=True).first(),
            recorded_by=self.worker,
        )
        self.access_request = household.access_requests().first() or AccessRequest.objects.create(
            person=self.person, due_on="2026-12-31", recorded_by=self.worker
        )
        self.task = household.tasks.first() or TaskFactory(household=household)
        self.referral = Referral.objects.filter(team=household.team, assigned_to=self.worker).first()
        readable = household.documents.filter(scan_status="clean", confidentiality="team")
        self.document = readable.first() or stored_document(household, self.worker)
        self.appointment = household.appointments.first() or Appointment.objects.create(
            household=household,
            date=timezone.localdate(),
            starts_at="10:00",
            ends_at="11:00",
            created_by=self.worker,
        )
        # The demo's consult question from worker.noord to the team (issue 24).
        self.consult = ConsultQuestion.objects.filter(team=household.team).order_by("asked_at").first()

    def walkin_kwargs(self, name: str) -> dict:
        """The demo's walk-in hour of today (worker.noord staffs it) and one of its visits."""
        from walkin.models import Visit, WalkInHour

        if name in ("walkin:visit_edit", "walkin:visit_undo"):
            visit = Visit.objects.filter(team=self.household.team).order_by("-occurred_at").first()
            return {"pk": visit.pk}
        return {"pk": WalkInHour.objects.filter(staff=self.worker).first().pk}

    def kwargs(self, name: str, route: str) -> dict:
        if route.startswith("inloop/") and "<int:pk>" in route:
            return self.walkin_kwargs(name)
        if route.startswith("referrals/<uuid:pk>"):
            return {"pk": self.referral.pk}
        if route.startswith("tasks/<int:pk>"):
            return {"pk": self.task.pk}
        if route.startswith("consult/<int:pk>"):
            return {"pk": self.consult.pk}
        values = {
            "pk": self.household.pk,
            "person_pk": self.person.pk,
            "number": self.plan.number,
            "goal_pk": self.goal.pk,
            "action_pk": self.action.pk,
            "member_pk": self.network_member.pk,
            "review_pk": self.review.pk,
            "line": 0,
            "warning_pk": self.warning.pk,
            "decision_pk": self.consent.pk,
            "request_pk": self.access_request.pk,
            "user_pk": self.worker.pk,
            "appointment_pk": self.appointment.pk,
            "document_pk": self.document.pk,
            "team_pk": self.household.team_id,
        }
        return {key: value for key, value in values.items() if f":{key}>" in route}


def _reading_pages():
    """(name, route) of every GET-able view declared as reading or changing case data."""
    pages = []
    for name, pattern in _views(get_resolver().url_patterns):
        declaration = gateway.declared(pattern.callback)
        if declaration and declaration[0] in (gateway.READS, gateway.CHANGES):
            pages.append((name, str(pattern.pattern)))
    return sorted(pages)


PAGES = _reading_pages()
# Changing views of no particular household: their form page shows no case data, so no row.
BLANK_FORMS = {
    name
    for name, pattern in _views(get_resolver().url_patterns)
    if (gateway.declared(pattern.callback) or ("",))[0] == gateway.CHANGES
    and gateway.declared(pattern.callback)[3] is None
}
PARTNER_PAGES = {
    "cases:partner_referral_send",
    "cases:partner_referral_list",
    "cases:partner_referral_status",
    "cases:partner_referral_supplement",  # POST only: cases/tests/test_partner_side.py
}
# Found by a secret token, not by the session: its log row names the token's owner, whoever asks
# (cases/tests/test_agenda.py test_the_feed_holds_no_personal_data counts its one row). The API
# for partner systems takes an OAuth token, no session: api/tests/test_signals.py
# test_every_authenticated_call_leaves_one_access_log_row counts its rows.
TOKEN_PAGES = {"cases:calendar_feed", "api:signals", "api:signal"}


def test_the_walk_finds_the_reading_pages():
    names = {name for name, _route in PAGES}
    assert {"cases:household_detail", "cases:household_list", "cases:person_edit", "cases:plan_edit"} <= names
    assert "mandates:list" not in names


def test_every_reading_page_of_the_demo_writes_one_access_log_row(client, demo):
    """A worker and a coordinator of the household's team open every page: each answer that
    shows case data (200) leaves exactly one new row, theirs, allowed; each refusal leaves no
    allowed row; every page is open to one of them. (One test, one demo load: the failures list
    names each page that broke the rule.)"""
    failures = []
    opened = set()
    for name, route in PAGES:
        if name in PARTNER_PAGES:
            continue  # a partner's own signals: test_a_partner_reading_their_signals_is_logged
        if name in TOKEN_PAGES:
            continue
        url = reverse(name, kwargs=demo.kwargs(name, route))
        for user in (demo.worker, demo.coordinator):
            client.force_login(user)
            before = AccessEvent.objects.count()
            response = client.get(url)
            new = list(AccessEvent.objects.order_by("at", "id")[before:])
            allowed = [event for event in new if event.result == AccessEvent.Result.ALLOWED]
            if response.status_code == 200 and name in BLANK_FORMS:
                opened.add(name)
                if new:
                    failures.append((name, user.username, "a blank form logged as a read"))
            elif response.status_code == 200:
                opened.add(name)
                if len(new) != 1 or (new[0].user, new[0].result) != (user, AccessEvent.Result.ALLOWED):
                    failures.append((name, user.username, [(e.object_type, e.result) for e in new]))
                elif route.startswith("households/<uuid:pk>") and new[0].household != demo.household:
                    failures.append((name, user.username, "the row names another household"))
            elif allowed:
                failures.append((name, user.username, response.status_code, "logged as shown"))
    assert failures == []
    # POST-only views answer 405 to a GET; the export asks for the password again first.
    get_pages = {name for name, _route in PAGES if name not in PARTNER_PAGES | TOKEN_PAGES}
    closed_to_get = {
        name
        for name in get_pages
        if client.get(reverse(name, kwargs=demo.kwargs(name, dict(PAGES)[name]))).status_code == 405
    }
    step_up = get_pages - closed_to_get - opened
    assert step_up == STEP_UP
    # With the password given again (allauth's reauthentication), they show data: one row each.
    demo.worker.set_password(PASSWORD)
    demo.worker.save()
    client.force_login(demo.worker)
    assert client.post(reverse("account_reauthenticate"), {"password": PASSWORD}).status_code == 302
    for name in sorted(step_up):
        before = AccessEvent.objects.count()
        assert client.get(reverse(name, kwargs=demo.kwargs(name, dict(PAGES)[name]))).status_code == 200, name
        assert AccessEvent.objects.count() == before + 1, name


# Pages that ask for the password again first (a redirect until then).
STEP_UP = {"cases:person_export", "cases:referral_emergency"}
PASSWORD = "een lang demo wachtwoord 2026"


def test_a_partner_reading_their_signals_is_logged(client, demo):
    partner = User.objects.get(username="partner.school")
    signal = Referral.objects.filter(sender_organisation=partner.organisation).first()
    client.force_login(partner)
    for url in [
        reverse("cases:partner_referral_list"),
        reverse("cases:partner_referral_status", args=[signal.reference]),
    ]:
        before = AccessEvent.objects.filter(user=partner).count()
        assert client.get(url).status_code == 200
        assert AccessEvent.objects.filter(user=partner).count() == before + 1, url


def test_the_reading_pages_include_every_page_the_issue_names(demo, client):
    """The pages found unlogged (issue 13): each now leaves a row for the worker."""
    client.force_login(demo.worker)
    h = demo.household.pk
    urls = [
        reverse("cases:person_edit", args=[h, demo.person.pk]),
        reverse("cases:household_edit", args=[h]),
        reverse("cases:household_close", args=[h]),
        reverse("cases:plan_edit", args=[h]),
        reverse("cases:plan_evaluate", args=[h]),
        reverse("cases:goal_edit", args=[h, demo.goal.pk]),
        reverse("cases:action_edit", args=[h, demo.action.pk]),
        reverse("cases:network_edit", args=[h, demo.network_member.pk]),
        reverse("cases:household_list"),
    ]
    for url in urls:
        before = AccessEvent.objects.filter(user=demo.worker).count()
        assert client.get(url).status_code == 200, url
        assert AccessEvent.objects.filter(user=demo.worker).count() == before + 1, url
    client.force_login(demo.coordinator)
    for url in [
        reverse("cases:referral_household_search", args=[demo.referral.pk]) + "?q=Zoekwoordje",
        reverse("cases:referral_queue"),
        reverse("cases:user_access_log", args=[demo.worker.pk]),
    ]:
        before = AccessEvent.objects.filter(user=demo.coordinator).count()
        assert client.get(url).status_code == 200, url
        assert AccessEvent.objects.filter(user=demo.coordinator).count() == before + 1, url
    search = AccessEvent.objects.filter(object_type="household_search").latest("at")
    assert search.action == AccessEvent.Action.SEARCH
    assert "Zoekwoordje" not in str(vars(search))


def test_a_task_page_is_fetched_through_the_gateway(demo, client):
    """Posting to a task of another team's household: 404, and the refusal is logged."""
    other = Task.objects.exclude(household__team=demo.household.team).first() or TaskFactory()
    client.force_login(demo.worker)
    response = client.post(reverse("cases:task_complete", args=[other.pk]), {"note": "x"})
    assert response.status_code == 404
    refusal = AccessEvent.objects.get(user=demo.worker, result=AccessEvent.Result.DENIED)
    assert (refusal.object_type, refusal.object_id) == ("task", str(other.pk))


# --- The issue's two demo checks ------------------------------------------------------------------


def test_the_demo_manager_cannot_grant_themselves_a_position(client, demo):
    """As `manager`: a new coordinator position for their own user is refused, in Dutch, at the
    field, and the form keeps what was typed."""
    manager = User.objects.get(username="manager")
    team = demo.household.team
    client.force_login(manager)
    before = manager.positions.count()
    data = {
        "employer": manager.positions.first().employer_id,
        "access_role": "coordinator",
        "professional_role": "case_manager",
        "membership": "team",
        "accountable_to": "team",
        "hours_per_week": "8",
        "support_group": "Eigen groep",
        "active_from": "2026-12-02",
        "reason": "Even zelf doen",
    }
    response = client.post(
        reverse("teams:position_add", args=[team.pk]),
        {**data, "user": manager.pk, "submission_id": "7c3f0a52-1b1e-4d83-9a43-2f7e6c0d9b11"},
    )
    assert response.status_code == 200
    assert "U kunt uw eigen positie niet toekennen" in response.text
    assert "Eigen groep" in response.text  # what was typed is still there
    assert manager.positions.count() == before
    # Nor to the administrator, with a form that is complete otherwise.
    admin = User.objects.get(username="admin")
    response = client.post(reverse("teams:position_add", args=[team.pk]), {**data, "user": admin.pk})
    assert response.status_code == 200
    assert "Een beheerdersaccount kan geen positie" in response.text
    assert not admin.positions.exists()


def test_a_closed_demo_household_cannot_be_edited_until_reopened(client, demo):
    closed = Household.objects.filter(team=demo.household.team, status=Household.Status.CLOSED).first()
    client.force_login(demo.coordinator)
    edit = reverse("cases:household_edit", args=[closed.pk])
    assert client.get(edit).status_code == 403
    response = client.get(reverse("cases:person_add", args=[closed.pk]))
    assert response.status_code == 403 and "afgesloten" in response.text
    reopen = reverse("cases:household_reopen", args=[closed.pk])
    assert client.post(reopen, {"reason": "Nieuwe zorgen van school"}).status_code == 302
    assert client.get(edit).status_code == 200
