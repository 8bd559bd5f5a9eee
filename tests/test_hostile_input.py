"""Hostile input into every field of every form of the apps (docs/security.md, issue 9 item 3).

For each form page in the permission matrix, a coordinator opens it, and then posts one nasty
value into every field at once: no 5xx, nothing reflected unescaped, and when the answer is a
form error nothing was half-saved.
"""

import datetime
import re
import uuid
from urllib.parse import urlencode

import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from cases.models import AccessRequest, Appointment, Share
from cases.tests.factories import (
    ActionFactory,
    CaseReviewFactory,
    ConsentDecisionFactory,
    ContactFactory,
    HouseholdFactory,
    PersonFactory,
    PlanFactory,
    ReferralFactory,
    SafetyWarningFactory,
    TaskFactory,
)
from tests.test_permission_matrix import MATRIX, ONLY_POST, Objects
from tests.test_urls import URLS

CORPUS = [
    "<script>alert(1)</script>",
    "'; DROP TABLE cases_household; --",
    "x" * 20000,
    "\u202eevil\u202c",
    "nul\x00byte",
    "🙂👨‍👩‍👧",
    "-1",
    "99999999999999999999",
    "31-02-2026",
]
# Form pages: a GET that shows the form and a POST that takes it (the step-up page excluded).
FORMS = sorted(
    name
    for name, methods in MATRIX.items()
    if "POST" in methods
    and methods.get("GET") not in (None, ONLY_POST)
    and name != "cases:referral_emergency"
)
FIELD = re.compile(r'<(?:input|select|textarea)[^>]*\sname="([^"]+)"', re.IGNORECASE)
# Forms of the teams app that are a team member's, not the manager's (issue 24: expertise).
COORDINATOR_FORMS = {"teams:expertise_mine", "teams:expertise_edit"}
SKIP = {"csrfmiddlewaretoken", "submission_id", "version", "current", "next_url", "from", "q"}


def row_counts() -> dict:
    """Rows per model of the apps, history tables included, in one query."""
    own = ("cases", "teams", "mandates", "documents", "directory", "walkin")
    models = [model for model in apps.get_models() if model._meta.app_label in own]
    quote = connection.ops.quote_name
    # Table names come from the models, not from input.
    tables = ", ".join(f"(SELECT count(*) FROM {quote(m._meta.db_table)})" for m in models)  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {tables}")
        counts = cursor.fetchone()
    return {model._meta.label: count for model, count in zip(models, counts, strict=True)}


@pytest.mark.django_db
@pytest.mark.parametrize("name", FORMS)
def test_hostile_values_in_every_field(client, world, name):
    objects = Objects(world)
    url = reverse(name, kwargs=objects.kwargs(name))
    user = world.manager_ab if name.startswith(("teams:", "mandates:")) else world.coordinator_a
    if name in COORDINATOR_FORMS:
        user = world.coordinator_a
    if name.startswith("cases:partner_"):
        user = world.partner
    client.force_login(user)
    page = client.get(url)
    assert page.status_code == 200, page.status_code
    fields = sorted(set(FIELD.findall(page.text)) - SKIP)
    assert fields, "a form page without fields"
    for value in CORPUS:
        before = row_counts()
        response = client.post(url, dict.fromkeys(fields, value))
        assert response.status_code < 500, (value[:20], response.status_code)
        assert "<script>alert(1)</script>" not in response.content.decode(errors="replace")
        if response.status_code in (200, 400):
            changed = {label for label, count in row_counts().items() if before[label] != count}
            # A refused form saves nothing; reading the page may log the read (access log).
            assert changed <= {"cases.AccessEvent"}, (value[:20], changed)


# --- POST-only action endpoints ------------------------------------------------------------
#
# The buttons and small inline forms that post to a URL without a form page of its own: approve
# or send back a plan, end a safety warning, decisions on a signal, withdraw consent, emergency
# access, the htmx quick contact of the caseload, logging out, the language switch. Each gets the
# corpus in every parameter it reads (all at once, and one at a time with the others valid), as
# the role that may use it. No 5xx; nothing reflected unescaped (on the answer, nor on the page it
# sends you to); a refusal says why in Dutch and leaves the object and its history as they were.

SCRIPT = "<script>alert(1)</script>"
# Parameters the views read but that the UI sets itself; not an input of the action.
ACTION_SKIP = {"csrfmiddlewaretoken"}


class Action:
    """One POST-only endpoint: who posts it, its object in the state where the action applies,
    and the parameters a real click sends (valid values)."""

    def __init__(self, name, *, role, make, params=None, page=None, htmx=False):
        self.name, self.role, self.make, self.page, self.htmx = name, role, make, page, htmx
        self.params = params or (lambda world, obj: {})


def _household(world, **kwargs):
    return HouseholdFactory(team=world.team_a, lead_worker=world.worker_a, **kwargs)


def _adult(household):
    return PersonFactory(household=household, birth_date=datetime.date(1980, 5, 1), relation="main_resident")


def _referral(world, status="received", **kwargs):
    household = _household(world)
    if status != "received":
        kwargs.setdefault("household", household)
    if status == "assigned":
        kwargs.setdefault("assigned_to", world.worker_a)
    return ReferralFactory(
        team=world.team_a,
        status=status,
        received_at=timezone.now() - datetime.timedelta(hours=1),
        submitted_by=world.partner,
        sender_organisation=world.partner.organisation,
        **kwargs,
    ), household


def _make_access_request_add(world):
    household = _household(world)
    person = _adult(household)
    return person, {"pk": household.pk, "person_pk": person.pk}, household


def _make_note_add(world):
    household = _household(world)
    return household, {"pk": household.pk}, household


def _make_access_request_answered(world):
    household = _household(world)
    person = _adult(household)
    request = AccessRequest.objects.create(person=person, due_on="2026-12-31", recorded_by=world.worker_a)
    return request, {"pk": household.pk, "request_pk": request.pk}, household


def _make_consent_withdraw(world):
    household = _household(world)
    person = _adult(household)
    given = ConsentDecisionFactory(
        person=person, recipient=world.partner.organisation, recorded_by=world.worker_a
    )
    return given, {"pk": household.pk, "decision_pk": given.pk}, household


def _make_warning_end(world):
    household = _household(world)
    warning = SafetyWarningFactory(household=household, recorded_by=world.worker_a)
    return warning, {"pk": household.pk, "warning_pk": warning.pk}, household


def _make_appointment_cancel(world):
    household = _household(world)
    appointment = Appointment.objects.create(
        household=household,
        kind="call",
        date=timezone.localdate(),
        starts_at="23:00",
        ends_at="23:30",
        created_by=world.worker_a,
    )
    appointment.workers.set([world.worker_a])
    return appointment, {"pk": household.pk, "appointment_pk": appointment.pk}, household


def _make_next_attempt_accept(world):
    household = _household(world)
    contact = ContactFactory(household=household, kind="phone", recorded_by=world.worker_a)
    return contact, {"pk": household.pk}, household


def _make_task_complete(world):
    household = _household(world)
    task = TaskFactory(household=household)
    return task, {"pk": task.pk}, household


def _make_plan_start(world):
    household = _household(world)
    return household, {"pk": household.pk}, household


def _make_plan_approval(world):
    world.team_a.plan_approval_required = True
    world.team_a.save()
    household = _household(world)
    plan = PlanFactory(household=household, approval="requested")
    return plan, {"pk": household.pk}, household


def _make_plan_approval_request(world):
    world.team_a.plan_approval_required = True
    world.team_a.save()
    household = _household(world)
    plan = PlanFactory(household=household)
    return plan, {"pk": household.pk}, household


def _make_action_done(world):
    household = _household(world)
    plan = PlanFactory(household=household)
    action = ActionFactory(plan=plan, worker=world.worker_a)
    return action, {"pk": household.pk, "action_pk": action.pk}, household


def _make_review_follow_up(world):
    household = _household(world)
    PlanFactory(household=household)
    review = CaseReviewFactory(household=household)
    return review, {"pk": household.pk, "review_pk": review.pk, "line": 0}, household


def _make_referral(status, **extra):
    def make(world):
        referral, household = _referral(world, status, **extra)
        return referral, {"pk": referral.pk}, household

    return make


def _make_referral_merge(world):
    referral, household = _referral(world)
    earlier, _earlier_household = _referral(world)
    earlier.received_at = timezone.now() - datetime.timedelta(days=3)
    earlier.save()
    referral.earlier = earlier
    return referral, {"pk": referral.pk}, household


def _make_referral_emergency(world):
    referral, household = _referral(world, "assigned", prior_information="Eerdere melding")
    return referral, {"pk": referral.pk}, household


def _make_contact_quick(world):
    household = _household(world)
    return household, {"pk": household.pk}, household


def _make_nothing(world):
    return None, {}, None


def _make_notification(world):
    from teams.models import Notification

    notification = Notification.objects.create(
        user=world.worker_a, kind="assigned", url="/", key=str(uuid.uuid4()), reference="WT-AB12-CD34"
    )
    return notification, {}, None


def _make_cover_add(world):
    household = _household(world)
    return household, {"team_pk": world.team_a.pk}, household


def _make_service(world):
    from directory.testing import matrix_service

    service = matrix_service()
    return service, {"pk": service.pk}, service


def _make_update_request(world):
    service, _kwargs, _service = _make_service(world)
    return service, {"pk": service.organisation_id}, service


def _make_location(world):
    from directory.testing import matrix_location, matrix_service

    service = matrix_service()
    location = matrix_location(service)
    return location, {"pk": service.pk, "location_pk": location.pk}, service


def _make_directory_contact(world):
    from directory.testing import matrix_contact, matrix_service

    service = matrix_service()
    contact = matrix_contact(service)
    return contact, {"pk": service.pk, "contact_pk": contact.pk}, service


def _make_action_refer(world):
    from directory.testing import matrix_service

    household = _household(world)
    action = ActionFactory(plan=PlanFactory(household=household), worker=world.worker_a)
    action.service = matrix_service()
    action.save()
    return action, {"pk": household.pk, "action_pk": action.pk}, household


def _make_consult_question(world):
    from cases.models import ConsultQuestion

    household = _household(world)
    question = ConsultQuestion.objects.create(
        team=world.team_a, asked_by=world.worker_a, household=household, question="Wie kent de schuldregels?"
    )
    return question, {"pk": question.pk}, household


ACTIONS = {
    "cases:cover_add": Action(
        "cases:cover_add",
        role="coordinator_a",
        make=_make_cover_add,
        params=lambda world, obj: {
            "worker": str(world.worker_a.pk),
            "cover": str(world.colleague_a.pk),
            "starts_on": timezone.localdate().strftime("%d-%m-%Y"),
            "ends_on": (timezone.localdate() + datetime.timedelta(days=5)).strftime("%d-%m-%Y"),
            "reason": "Met verlof",
        },
        page="handover",
    ),
    "cases:access_request_add": Action(
        "cases:access_request_add",
        role="worker_a",
        make=_make_access_request_add,
        params=lambda world, obj: {"submission_id": str(uuid.uuid4()), "note": "Vraagt alles op papier"},
        page="household",
    ),
    "cases:note_add": Action(
        "cases:note_add",
        role="worker_a",
        make=_make_note_add,
        params=lambda world, obj: {
            "submission_id": str(uuid.uuid4()),
            "note-text": "Buurvrouw gesproken: moeder ligt in het ziekenhuis.",
        },
        page="household",
    ),
    "cases:access_request_answered": Action(
        "cases:access_request_answered", role="worker_a", make=_make_access_request_answered, page="household"
    ),
    "cases:consent_withdraw": Action(
        "cases:consent_withdraw",
        role="worker_a",
        make=_make_consent_withdraw,
        params=lambda world, obj: {"withdrawn_by": str(obj.person_id)},
        page="household",
    ),
    "cases:warning_end": Action(
        "cases:warning_end",
        role="worker_a",
        make=_make_warning_end,
        params=lambda world, obj: {"reason": "Twee bezoeken zonder incident"},
        page="household",
    ),
    # The cancel form is on the appointment's own page (a form page of the matrix).
    "cases:appointment_cancel": Action(
        "cases:appointment_cancel",
        role="worker_a",
        make=_make_appointment_cancel,
        params=lambda world, obj: {"reason": "Moeder belde af"},
    ),
    "cases:next_attempt_accept": Action(
        "cases:next_attempt_accept",
        role="worker_a",
        make=_make_next_attempt_accept,
        params=lambda world, obj: {
            "submission_id": str(uuid.uuid4()),
            "contact": str(obj.pk),
            "next": reverse("cases:household_detail", args=[obj.household_id]),
        },
        page="household",
    ),
    "cases:task_complete": Action(
        "cases:task_complete",
        role="worker_a",
        make=_make_task_complete,
        params=lambda world, obj: {"note": "Huisarts en school gebeld"},
        page="household",
    ),
    "cases:plan_start": Action("cases:plan_start", role="worker_a", make=_make_plan_start, page="plan"),
    "cases:plan_approval": Action(
        "cases:plan_approval",
        role="coordinator_a",
        make=_make_plan_approval,
        params=lambda world, obj: {"decision": "approve", "comment": "Goed plan"},
        page="plan",
    ),
    "cases:plan_approval (ask)": Action(
        "cases:plan_approval", role="worker_a", make=_make_plan_approval_request, page="plan"
    ),
    "cases:action_done": Action(
        "cases:action_done",
        role="worker_a",
        make=_make_action_done,
        params=lambda world, obj: {
            "next_url": reverse("cases:household_detail", args=[obj.plan.household_id])
        },
        page="plan",
    ),
    "cases:review_follow_up": Action(
        "cases:review_follow_up", role="worker_a", make=_make_review_follow_up, page="household"
    ),
    "cases:referral_accept": Action(
        "cases:referral_accept",
        role="coordinator_a",
        make=_make_referral("received"),
        params=lambda world, obj: {
            "household": "new",
            "worker": str(world.worker_a.pk),
            "reason": "Past bij ons",
            "q": "",  # the household search inside the form (htmx)
        },
        page="referral",
    ),
    "cases:referral_assign": Action(
        "cases:referral_assign",
        role="coordinator_a",
        make=_make_referral("accepted"),
        params=lambda world, obj: {"worker": str(world.worker_a.pk)},
        page="referral",
    ),
    "cases:referral_reassign": Action(
        "cases:referral_reassign",
        role="coordinator_a",
        make=_make_referral("assigned"),
        params=lambda world, obj: {
            "worker": str(world.colleague_a.pk),
            "current": str(world.worker_a.pk),
            "reason": "Verlof",
        },
        page="referral",
    ),
    "cases:referral_decline": Action(
        "cases:referral_decline",
        role="coordinator_a",
        make=_make_referral("received"),
        params=lambda world, obj: {"reason_code": "other", "reason": "Geen zorgen genoemd"},
        page="referral",
    ),
    "cases:referral_forward": Action(
        "cases:referral_forward",
        role="coordinator_a",
        make=_make_referral("received"),
        params=lambda world, obj: {
            "organisation": str(world.partner.organisation_id),
            "reason": "Hun gebied",
        },
        page="referral",
    ),
    "cases:referral_merge": Action(
        "cases:referral_merge",
        role="coordinator_a",
        make=_make_referral_merge,
        params=lambda world, obj: {"into": str(obj.earlier.pk), "reason": "Zelfde gezin"},
    ),
    "cases:referral_close": Action(
        "cases:referral_close",
        role="coordinator_a",
        make=_make_referral("assigned"),
        params=lambda world, obj: {"end_result": "quick_fix", "reason": "Opgelost"},
        page="referral",
    ),
    "cases:referral_interests": Action(
        "cases:referral_interests",
        role="worker_a",
        make=_make_referral("assigned"),
        params=lambda world, obj: {
            "household_view": "Moeder wil rust",
            "professional_judgement": "Zorgelijk",
        },
        page="referral",
    ),
    "cases:referral_emergency": Action(
        "cases:referral_emergency",
        role="colleague_a",
        make=_make_referral_emergency,
        params=lambda world, obj: {"reason": "Huisbezoek over tien minuten"},
        page="referral",
    ),
    "cases:contact_add (htmx, caseload)": Action(
        "cases:contact_add",
        role="worker_a",
        make=_make_contact_quick,
        params=lambda world, obj: {
            "submission_id": str(uuid.uuid4()),
            "from": "caseload",
            "quick": "card_left",
        },
        htmx=True,
    ),
    "teams:notification_open": Action(
        "teams:notification_open",
        role="worker_a",
        make=_make_notification,
        params=lambda world, obj: {"notification": str(obj.pk)},
        page="notifications",
    ),
    "teams:notifications_read": Action(
        "teams:notifications_read", role="worker_a", make=_make_notification, page="notifications"
    ),
    "account_logout": Action("account_logout", role="worker_a", make=_make_nothing, page="caseload"),
    "set_language": Action(
        "set_language",
        role="worker_a",
        make=_make_nothing,
        params=lambda world, obj: {"language": "nl", "next": reverse("cases:caseload")},
        page="caseload",
    ),
    "admin:logout": Action("admin:logout", role="admin", make=_make_nothing),
    # The social map (directory/): the page each button is on is the service (or the list).
    "directory:service_verify": Action(
        "directory:service_verify", role="coordinator_a", make=_make_service, page="service"
    ),
    "directory:update_request_send": Action(
        "directory:update_request_send",
        role="coordinator_a",
        make=_make_update_request,
        page="directory_stale",
    ),
    # The remove forms are on the edit pages of the location and the contact person (form pages).
    "directory:location_remove": Action(
        "directory:location_remove",
        role="coordinator_a",
        make=_make_location,
        params=lambda world, obj: {"reason": "Verhuisd"},
    ),
    "directory:contact_remove": Action(
        "directory:contact_remove",
        role="coordinator_a",
        make=_make_directory_contact,
        params=lambda world, obj: {"reason": "Uit dienst"},
    ),
    "cases:consult_agenda": Action("cases:consult_agenda", role="worker_a", make=_make_consult_question),
    "directory:action_refer": Action(
        "directory:action_refer",
        role="worker_a",
        make=_make_action_refer,
        params=lambda world, obj: {"service": str(obj.service_id), "outcome": "helped"},
        page="plan",
    ),
}


def _first_topic() -> int:
    from cases import zrm

    return zrm.domains().first().pk


def _make_walkin_hour(world):
    from walkin.testing import hour_of

    hour = hour_of(world.team_a, [world.worker_a], world.coordinator_a)
    return hour, {"pk": hour.pk}, hour


def _make_walkin_visit(world):
    from walkin.testing import visit_at

    hour, _kwargs, _hour = _make_walkin_hour(world)
    visit = visit_at(hour, world.worker_a)
    return visit, {"pk": visit.pk}, hour


# The walk-in hour (walkin/): the topic buttons of the hour's page, and undoing a visit there.
ACTIONS |= {
    "walkin:visit_add": Action(
        "walkin:visit_add",
        role="worker_a",
        make=_make_walkin_hour,
        params=lambda world, obj: {
            "submission_id": str(uuid.uuid4()),
            "topic": str(_first_topic()),
            "kind": "question",
            "outcome": "answered",
        },
        page="walkin_hour",
    ),
    "walkin:visit_undo": Action(
        "walkin:visit_undo", role="worker_a", make=_make_walkin_visit, page="walkin_hour"
    ),
}


def _make_declined_signal(world):
    referral, _household = _referral(world, status="declined")
    return referral, {"reference": referral.reference}, referral


# The partner's side: completing a declined signal, from the signal's status page.
ACTIONS["cases:partner_referral_supplement"] = Action(
    "cases:partner_referral_supplement",
    role="partner",
    make=_make_declined_signal,
    params=lambda world, obj: {"message": "De moeder is nu wel bereikbaar, op 06-12345678."},
    page="partner_status",
)

# Outside the apps' matrix: how a URL that accepts POST without a form page of its own is covered.
# A URL of allauth or the admin that answers GET with 405 must be in ACTIONS (see the test below).
OUTSIDE_APPS = {"account_logout", "set_language", "admin:logout"}


def test_every_post_only_url_is_covered():
    """Deny by default: every URL that takes a POST is a form page of the matrix or an action here."""
    covered = {action.name for action in ACTIONS.values()}
    post_only = {name for name, methods in MATRIX.items() if "POST" in methods and name not in FORMS}
    assert sorted(post_only - covered) == []
    assert sorted(covered - post_only - set(FORMS) - OUTSIDE_APPS) == [], (
        "actions for URLs that no longer exist"
    )


@pytest.mark.django_db
def test_every_post_only_url_outside_the_apps_is_covered(client, world):
    """allauth and the admin: a parameterless URL that refuses GET (405) takes POST only; it is covered."""
    client.force_login(world.admin)
    refused = set()
    for name, route in URLS:
        # The API's own tests send it hostile JSON (api/tests/test_hostile_json.py).
        if (
            not name
            or name.split(":")[0] in ("cases", "teams", "mandates", "api")
            or "<" in route
            or "(?P" in route
        ):
            continue
        if client.get("/" + route).status_code == 405:
            refused.add(name)
    assert refused, "the admin's logout is POST-only; the probe found nothing"
    assert sorted(refused - {action.name for action in ACTIONS.values()}) == []


def _dutch_patterns():
    from django.utils.translation import trans_real

    catalog = trans_real.translation("nl")._catalog
    placeholder = re.compile(r"%(?:\(\w+\))?[sd]|\{\w*\}")
    # Entries that are only placeholders ("%(class_name)s %(instance)s") would match anything.
    texts = {value for key, value in catalog.items() if key and value and len(placeholder.sub("", value)) > 3}
    escaped = re.compile(r"%(?:\\\(\w+\\\))?[sd]|\\\{\w*\\\}")
    alternatives = sorted((escaped.sub(".+?", re.escape(text)) for text in texts), key=len, reverse=True)
    one = "(?:" + "|".join(alternatives) + ")"
    return re.compile(f"{one}(?: {one})*", re.DOTALL)


_DUTCH = []


def is_dutch(text: str) -> bool:
    """The text is made of the Dutch catalogue's sentences (the app's and Django's)."""
    if not _DUTCH:
        _DUTCH.append(_dutch_patterns())
    return bool(_DUTCH[0].fullmatch(text.strip()))


def _forms_in(context) -> list:
    """The forms a rendered page had in its context (forms in a dict of forms too)."""
    from django import forms

    found = []
    layers = [] if context is None else [context] if hasattr(context, "flatten") else list(context)
    for layer in layers:
        for value in layer.flatten().values():
            candidates = value.values() if isinstance(value, dict) else [value]
            found += [form for form in candidates if isinstance(form, forms.BaseForm)]
    return found


def refusals(response) -> list[str]:
    """Why the input was refused: error messages queued for the next page and form errors shown."""
    from django.contrib.messages import constants, get_messages

    texts = [str(m) for m in get_messages(response.wsgi_request) if m.level >= constants.WARNING]
    for form in _forms_in(response.context):
        for errors in form.errors.values():
            texts += [str(error) for error in errors]
    return texts


def snapshot(obj) -> dict:
    if obj is None:
        return {}
    model = type(obj)
    state = model._base_manager.filter(pk=obj.pk).values().first() or {}
    if hasattr(model, "history"):
        state["history rows"] = model.history.filter(id=obj.pk).count()
    return state


def _form_fields_posting_to(html: str, url: str) -> set:
    """The named fields of the forms on a page that post to url (action= or a button's formaction=)."""
    fields = set()
    for form in re.findall(r"<form\b.*?</form>", html, re.DOTALL | re.IGNORECASE):
        if f'action="{url}"' in form or f'formaction="{url}"' in form:
            fields |= set(FIELD.findall(form))
            fields |= set(re.findall(r'<button[^>]*\sname="([^"]+)"', form))
    return fields


PAGES = {
    "household": lambda household: reverse("cases:household_detail", args=[household.pk]),
    "plan": lambda household: reverse("cases:plan_detail", args=[household.pk]),
    "caseload": lambda household: reverse("cases:caseload"),
    "notifications": lambda household: reverse("teams:notifications"),
    "service": lambda service: reverse("directory:service", args=[service.pk]),
    "directory_stale": lambda _service: reverse("directory:stale"),
    "walkin_hour": lambda hour: reverse("walkin:hour", args=[hour.pk]),
    "partner_status": lambda referral: reverse("cases:partner_referral_status", args=[referral.reference]),
    "handover": lambda household: (
        reverse("cases:handover", args=[household.team_id]) + f"?worker={household.lead_worker_id}"
    ),
}


def _user(world, role):
    return getattr(world, role)


@pytest.mark.django_db
@pytest.mark.parametrize("key", sorted(ACTIONS))
def test_hostile_values_in_every_parameter_of_an_action(client, world, key):
    action = ACTIONS[key]
    user = _user(world, action.role)
    if action.name == "cases:referral_emergency":
        from tests.test_export import login_for_real

        login_for_real(client, user)  # the step-up is passed: the reason is what is tested
    headers = {"HX-Request": "true"} if action.htmx else {}

    # The parameters listed are the ones the page's own form sends (nothing the UI posts is left out).
    obj, kwargs, household = action.make(world)
    url = reverse(action.name, kwargs=kwargs)
    valid = action.params(world, obj)
    if action.page:
        if action.name != "cases:referral_emergency":
            client.force_login(user)
        page = (
            reverse("cases:referral_detail", args=[obj.pk])
            if action.page == "referral"
            else PAGES[action.page](household)
        )
        html = client.get(page).text
        sent = _form_fields_posting_to(html, url)
        assert sent, f"no form on {page} posts to {url}"
        assert sent - ACTION_SKIP <= set(valid), sorted(sent - ACTION_SKIP - set(valid))

    names = sorted(valid) or ["unexpected"]
    attempts = [(value, dict.fromkeys(names, value)) for value in CORPUS]
    attempts += [(value, {**valid, name: value}) for name in sorted(valid) for value in CORPUS]
    for value, data in attempts:
        if action.name != "cases:referral_emergency":
            client.force_login(user)
        obj, kwargs, household = action.make(world)
        url = reverse(action.name, kwargs=kwargs)
        before, counts = snapshot(obj), row_counts()
        client.cookies.pop("messages", None)  # only this answer's messages count
        response = client.post(url, data, headers=headers)
        where = (key, sorted(data), value[:20], response.status_code)
        assert response.status_code < 500, where
        assert SCRIPT not in response.content.decode(errors="replace"), where
        location = response.get("Location", "")
        assert not re.search(r"[\x00-\x1f\x7f]", location), where
        refused = refusals(response)
        if refused or response.status_code in (400, 409):
            assert refused, ("refused without saying why", *where)
            assert all(is_dutch(text) for text in refused), (refused, *where)
            changed = {label for label, count in row_counts().items() if counts[label] != count}
            assert changed <= {"cases.AccessEvent"}, (changed, *where)
            assert snapshot(obj) == before, ("half-saved", *where)
        elif value == SCRIPT and response.status_code == 302 and location.startswith("/"):
            # Taken: what was stored shows escaped on the page the user lands on.
            landing = client.get(location)
            assert landing.status_code < 500, where
            assert SCRIPT not in landing.content.decode(errors="replace"), where


# Query parameters that views read themselves (search words, filters, a chosen worker or signal).
QUERY_PARAMETERS = {
    "cases:household_list": ["q", "page", "status", "order"],
    "cases:referral_queue": ["q", "page", "status"],
    "cases:referral_household_search": ["q"],
    "cases:caseload": ["worker", "only", "order"],
    "cases:outreach_figures": ["days"],
    "cases:assessment_add": ["person"],
    "cases:share_add": ["referral", "recipient", "purpose"],
    "cases:household_access_log": ["page", "print", "from", "to"],
    "cases:user_access_log": ["page", "from", "to"],
    "directory:search": ["q", "domain", "group", "age", "area", "stale", "page", "household", "action"],
    "teams:who_knows": ["q", "domain", "method", "group", "language"],
    "cases:referral_detail": ["domain", "method", "language"],
    "walkin:figures": ["start", "end", "format"],
    "walkin:visit_edit": ["zoek"],
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(QUERY_PARAMETERS))
def test_hostile_query_parameters(client, world, name):
    """Search words, filters and chosen ids from the address bar: no 5xx, nothing reflected raw."""
    objects = Objects(world)
    url = reverse(name, kwargs=objects.kwargs(name))
    client.force_login(world.coordinator_a)
    for parameter in QUERY_PARAMETERS[name]:
        for value in [*CORPUS, "²"]:  # "²" is a digit to str.isdigit() but not to int()
            response = client.get(url, {parameter: value})
            assert response.status_code < 500, (parameter, value[:20], response.status_code)
            assert SCRIPT not in response.content.decode(errors="replace"), (parameter, value[:20])
            if name == "cases:share_add":  # the share's step two posts to its address with the query
                posted = client.post(f"{url}?{urlencode({parameter: value})}", {"content": value})
                expected = {404} if parameter == "referral" else {200}
                assert posted.status_code in expected, (parameter, value[:20], posted.status_code)
                assert not Share.objects.exists()
