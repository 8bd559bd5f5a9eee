"""Right of access (AVG art. 15): a person's own data, complete and readable, behind a fresh
password check (step-up), with other people's data withheld and the reason said."""

import dataclasses
import datetime
import json
import re

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from simple_history.models import HistoricalChanges

from cases import export, timeline
from cases.models import AccessEvent, AccessRequest, Appointment, Household, Person, Share
from cases.tests.factories import (
    ActionFactory,
    CaseReviewFactory,
    ConsentDecisionFactory,
    ContactFactory,
    FollowUpDecisionFactory,
    GoalFactory,
    HouseholdFactory,
    NetworkMemberFactory,
    NoteFactory,
    PersonFactory,
    PlanFactory,
    ReferralFactory,
    SafetyWarningFactory,
    TaskFactory,
    assessment_with_scores,
)
from documents.testing import stored_document

pytestmark = pytest.mark.django_db
PASSWORD = "een-lang-wachtwoord-voor-tests"

PRIOR = "Vroeger opgenomen in kliniek Zonnedauw"
REPORTER_NAME = "Reinoudje Meldster"
REPORTER_PHONE = "038-9998877"
REPORTER_EMAIL = "meldster@school.example"
OTHER_LAST_NAME = "Kwakernaak"
OTHER_BIRTH = datetime.date(1979, 11, 23)
OTHER_BSN = "987654305"


def login_for_real(client, user):
    """Logged in, and the password given again just now (allauth's reauthentication)."""
    user.set_password(PASSWORD)
    user.save()
    client.force_login(user)
    assert client.post(reverse("account_reauthenticate"), {"password": PASSWORD}).status_code == 302


# --- Completeness ----------------------------------------------------------------------------


def _forward_links(model) -> list:
    """The model's own foreign keys and many-to-many fields (not the reverse side of others')."""
    return [f for f in model._meta.get_fields() if (f.many_to_one or f.many_to_many) and not f.auto_created]


def _points_to(model, targets) -> bool:
    return any(f.related_model in targets for f in _forward_links(model))


def case_models():
    """Every model with a path (one or two steps, foreign key or many-to-many) to a Person or a
    Household."""
    targets = {Person, Household}
    for model in apps.get_models():
        if issubclass(model, HistoricalChanges) or model._meta.auto_created:
            continue  # history is exported with its model; m2m links with their owner
        if model in targets or _points_to(model, targets):
            yield model
            continue
        parents = [f.related_model for f in _forward_links(model)]
        if any(_points_to(parent, targets) for parent in parents if parent not in targets):
            yield model


def unaccounted(exported, excluded) -> list[str]:
    """Models about a person neither exported nor excluded with a reason, and fields of exported
    models neither exported nor excluded with a reason."""
    missing = []
    for model in case_models():
        if model in exported:
            spec = exported[model]
            for f in [*model._meta.concrete_fields, *model._meta.many_to_many]:
                if f.name not in spec.fields and not spec.excluded.get(f.name):
                    missing.append(f"{model._meta.label}.{f.name}")
            for name in spec.fields:
                assert name not in spec.excluded, f"{model._meta.label}.{name} exported and excluded"
        elif not excluded.get(model._meta.label):
            missing.append(model._meta.label)
    return missing


def test_every_model_and_field_about_a_person_is_exported_or_excluded_with_a_reason():
    assert unaccounted(export.EXPORTED, export.EXCLUDED) == [], (
        "export these in cases/export.py, or exclude them there with a reason"
    )


def test_the_completeness_check_sees_a_new_model_and_a_new_field():
    """Taking a model out of the export, or a field out of a model's list, is noticed."""
    without_model = {model: spec for model, spec in export.EXPORTED.items() if model is not Share}
    assert "cases.Share" in unaccounted(without_model, export.EXCLUDED)
    for model, name in [(Person, "bsn"), (Share, "persons")]:
        spec = export.EXPORTED[model]
        fewer = dataclasses.replace(spec, fields=tuple(n for n in spec.fields if n != name))
        assert f"{model._meta.label}.{name}" in unaccounted(
            {**export.EXPORTED, model: fewer}, export.EXCLUDED
        )
    spec = export.EXPORTED[Share]
    unexplained = dataclasses.replace(spec, excluded={**spec.excluded, "household": ""})
    assert "cases.Share.household" in unaccounted({**export.EXPORTED, Share: unexplained}, export.EXCLUDED)


# --- A household with something of everything -----------------------------------------------


@pytest.fixture
def family(world):
    """Aisha (exported) and Bram in one household of team A, led by worker_a; a confidential
    signal about Bram from a school with a named reporter, and records of every kind."""
    household = HouseholdFactory(team=world.team_a, lead_worker=world.worker_a, name="Familie El Amrani")
    aisha = PersonFactory(
        household=household,
        first_name="Aisha",
        last_name="El Amrani",
        birth_date=datetime.date(1985, 6, 1),
        bsn="111222333",
    )
    bram = PersonFactory(
        household=household,
        first_name="Bram",
        last_name=OTHER_LAST_NAME,
        birth_date=OTHER_BIRTH,
        bsn=OTHER_BSN,
        relation=Person.Relation.PARTNER,
    )
    signal = ReferralFactory(
        team=world.team_a,
        household=household,
        status="accepted",
        prior_information=PRIOR,
        prior_information_confidentiality="confidential",
        sender_organisation=world.partner.organisation,
        submitted_by=world.partner,
        sender_name=REPORTER_NAME,
        sender_phone=REPORTER_PHONE,
        sender_email=REPORTER_EMAIL,
        subject_first_name="Bram",
        subject_last_name=OTHER_LAST_NAME,
        subject_birth_date=OTHER_BIRTH,
        subject_bsn=OTHER_BSN,
        concern="Bram haalt de kinderen vaak te laat op.",
    )
    plan = PlanFactory(household=household)
    goal = GoalFactory(plan=plan)
    ActionFactory(plan=plan, goal=goal, who="family", person=bram, what="Bram belt de school")
    ActionFactory(plan=plan, who="worker", worker=world.worker_a, what="Huisbezoek plannen")
    NetworkMemberFactory(household=household, name="Oma Fatima", phone="06-11112222", email="oma@example.org")
    contact = ContactFactory(household=household, recorded_by=world.worker_a, note="Koffie gedronken")
    contact.persons.set([aisha, bram])
    contact.workers.set([world.worker_a])
    stored_document(household, world.worker_a, title="Getekend toestemmingsformulier", kind="consent_form")
    appointment = Appointment.objects.create(
        household=household,
        kind="visit",
        date="2026-01-05",
        starts_at="10:00",
        ends_at="11:00",
        purpose="Kennismaking",
        created_by=world.worker_a,
    )
    appointment.workers.set([world.worker_a])
    appointment.persons.set([aisha])
    SafetyWarningFactory(household=household, recorded_by=world.worker_a)
    CaseReviewFactory(household=household)
    FollowUpDecisionFactory(household=household, decided_by=world.worker_a)
    NoteFactory(household=household, written_by=world.worker_a, text="Buurvrouw gesproken")
    TaskFactory(household=household, referral=signal)
    assessment_with_scores(aisha, world.worker_a, [3] * 13)
    assessment_with_scores(bram, world.worker_a, [2] * 13)
    ConsentDecisionFactory(person=aisha, recipient=world.partner.organisation, recorded_by=world.worker_a)
    ConsentDecisionFactory(person=bram, recipient=world.partner.organisation, recorded_by=world.worker_a)
    for about in ([aisha], [bram]):
        share = Share.objects.create(
            household=household,
            recipient=world.partner.organisation,
            purpose="feedback",
            content=f"Gedeeld over {about[0].first_name}",
            ground="consent",
            ground_reference="toestemming",
            shared_by=world.worker_a,
        )
        share.persons.set(about)
    AccessRequest.objects.create(
        person=aisha,
        requested_on=timezone.localdate(),
        due_on=timezone.localdate(),
        recorded_by=world.worker_a,
    )
    return aisha


def url_of(person):
    return reverse("cases:person_export", args=[person.household_id, person.pk])


def get_both(client, user, person):
    """The JSON (parsed and as text) and the printable page, as `user` after the step-up."""
    client.force_login(user)
    client.get(person.household.get_absolute_url())  # a read, so the access log has a real row
    login_for_real(client, user)
    response = client.get(url_of(person), {"format": "json"})
    assert response.status_code == 200
    text = response.content.decode()
    page = client.get(url_of(person))
    assert page.status_code == 200
    return json.loads(text), text, page.text


def _pairs(value, key=None):
    """Every (key, value) in a JSON document, nested ones too (list items under their key)."""
    if isinstance(value, dict):
        for inner_key, inner in value.items():
            yield inner_key, inner
            yield from _pairs(inner, inner_key)
    elif isinstance(value, list):
        for inner in value:
            yield key, inner
            yield from _pairs(inner, key)


def _keys(value):
    return {key for key, _value in _pairs(value) if key is not None}


# --- Access and logging ----------------------------------------------------------------------


def test_export_asks_for_the_password_again(client, world, family):
    client.force_login(world.worker_a)
    response = client.get(url_of(family))
    assert response.status_code == 302 and reverse("account_reauthenticate") in response.url
    assert not AccessEvent.objects.filter(action="export").exists()


def test_export_is_for_the_team_only(client, world, family):
    login_for_real(client, world.worker_b)
    assert client.get(url_of(family)).status_code == 404


def test_each_format_leaves_exactly_one_access_log_row(client, world, family):
    login_for_real(client, world.colleague_a)
    for params in ({"format": "json"}, {}):
        before = AccessEvent.objects.count()
        assert client.get(url_of(family), params).status_code == 200
        new = list(AccessEvent.objects.order_by("at", "id")[before:])
        assert [(e.user, e.action, e.household_id, e.persons) for e in new] == [
            (world.colleague_a, AccessEvent.Action.EXPORT, family.household_id, [str(family.pk)])
        ]


# --- Who may read what -----------------------------------------------------------------------


def test_a_worker_without_the_need_to_know_gets_no_prior_information_and_is_told_so(client, world, family):
    """colleague_a works in the team but does not lead the household: the confidential prior
    information stays out, and the export says the coordinator must prepare it."""
    data, text, page = get_both(client, world.colleague_a, family)
    assert PRIOR not in text and PRIOR not in page
    assert data["complete"] is False and data["incomplete"]
    assert "coördinator" in data["incomplete"][0], "who must prepare it, in Dutch"
    assert 'id="incomplete"' in page
    signal = data["sections"]["signals"]["records"][0]
    assert "prior_information" not in signal["fields"]
    assert any("prior_information" in w["fields"] for w in signal["withheld"])
    assert data["sections"]["signals"]["notices"]
    # Nor anyone else's data: the reporter, the other member, the technical side of the log.
    others = [REPORTER_NAME, REPORTER_PHONE, REPORTER_EMAIL, OTHER_LAST_NAME, OTHER_BSN]
    others += [OTHER_BIRTH.isoformat(), OTHER_BIRTH.strftime("%d-%m-%Y")]
    for event in AccessEvent.objects.filter(household=family.household):
        others += [value for value in (event.origin, event.request_id, event.session_hash) if value]
    assert len(others) > 7  # the household page's read left its origin, request id and session
    for secret in others:
        assert secret not in text and secret not in page, secret


@pytest.mark.parametrize("who", ["worker_a", "coordinator_a"])
def test_the_lead_worker_and_the_coordinator_get_the_prior_information(client, world, family, who):
    data, text, page = get_both(client, getattr(world, who), family)
    assert data["sections"]["signals"]["records"][0]["fields"]["prior_information"] == PRIOR
    assert PRIOR in page
    assert data["complete"] is True and 'id="incomplete"' not in page


def test_the_reporter_is_not_named(client, world, family):
    data, text, page = get_both(client, world.coordinator_a, family)
    for secret in (REPORTER_NAME, REPORTER_PHONE, REPORTER_EMAIL, world.partner.get_full_name()):
        assert secret not in text and secret not in page, secret
    signal = data["sections"]["signals"]["records"][0]
    assert signal["fields"]["sender_organisation"] == world.partner.organisation.name  # the source
    withheld = {key for w in signal["withheld"] for key in w["fields"]}
    assert {"sender_name", "sender_phone", "sender_email", "submitted_by"} <= withheld


def test_a_self_referral_by_the_person_shows_the_reporter(client, world, family):
    ReferralFactory(
        team=world.team_a,
        household=family.household,
        status="accepted",
        channel="self_referral",
        sender_organisation=None,
        sender_name="  aisha  EL amrani ",
        sender_phone="06-12345678",
        submitted_by=world.coordinator_a,
        subject_first_name="Aisha",
        subject_birth_date=family.birth_date,
        received_at=timezone.now() + datetime.timedelta(minutes=1),
    )
    data = export.person_export(family, world.colleague_a)
    mine = data["sections"]["signals"]["records"][1]["fields"]
    assert mine["sender_name"] == "  aisha  EL amrani "
    assert mine["sender_phone"] == "06-12345678"
    assert mine["subject_first_name"] == "Aisha"  # the signal is about her: its subject is hers


def test_reported_by_the_person_needs_a_self_referral_with_their_name(family):
    signal = ReferralFactory.build(channel="self_referral", sender_name="Aisha El Amrani")
    assert export.reported_by_the_person(signal, family)
    signal.sender_name = "Aisha Jansen"
    assert not export.reported_by_the_person(signal, family)
    signal.sender_name, signal.channel = "Aisha El Amrani", "phone"
    assert not export.reported_by_the_person(signal, family)


def test_other_members_data_is_withheld_and_counted(client, world, family):
    """Bram's name, birth date, BSN, assessments, consent and the share about him alone are not
    in Aisha's export; each section says how many records were left out and why."""
    data, text, page = get_both(client, world.coordinator_a, family)
    for secret in (OTHER_LAST_NAME, OTHER_BSN, OTHER_BIRTH.isoformat(), OTHER_BIRTH.strftime("%d-%m-%Y")):
        assert secret not in text and secret not in page, secret
    sections = data["sections"]
    for key in ("person", "assessments", "consents", "shares"):
        assert [w["count"] for w in sections[key]["withheld"]] == [1], key
        assert len(sections[key]["records"]) == 1, key
    assert "Gedeeld over Bram" not in text
    assert "AVG art. 15" in sections["person"]["withheld"][0]["reason"]
    # The signal about Bram is the household's: in, without its subject.
    signal = sections["signals"]["records"][0]
    assert "subject_first_name" not in signal["fields"]
    # Household records name another member by first name only.
    actions = {a["fields"]["what"]: a["fields"] for a in sections["actions"]["records"]}
    assert actions["Bram belt de school"]["person"] == "Bram"
    assert sorted(sections["contacts"]["records"][0]["fields"]["persons"]) == ["Aisha El Amrani", "Bram"]
    # A network member's phone and e-mail are theirs.
    assert "06-11112222" not in text and "oma@example.org" not in text


def test_the_json_has_no_internal_ids(client, world, family):
    data, text, page = get_both(client, world.coordinator_a, family)
    keys = set(_keys(data))
    assert not [k for k in keys if k.endswith("_id") or k in {"id", "pk", "user", "object_id"}]
    assert str(family.pk) not in text and str(family.household_id) not in text
    assert str(family.pk) not in page  # (the household's id is in the link back, for the worker)
    # Numbers only where they mean something to the resident: never a user's (or any) id.
    assert {key for key, value in _pairs(data) if isinstance(value, int) and not isinstance(value, bool)} <= {
        "count",
        "house_number",
        "number",
        "plan",  # its version number
        "score",
        "area_codes_year",
        "size",  # of a document's file, in bytes
    }
    json.dumps(data, ensure_ascii=False)  # plain JSON


def test_the_access_log_is_the_clients_view(client, world, family):
    """When, which organisation, role, what, on what basis; never who by name, nor the ids,
    session hashes, request ids or addresses behind it. Emergency access shows its reason."""
    AccessEvent.objects.create(
        user=world.colleague_a,
        role="worker",
        team=world.team_a,
        household=family.household,
        action=AccessEvent.Action.EMERGENCY,
        object_type="referral",
        object_id="abc",
        basis="team_position",
        reason="Crisis in de nacht",
        origin="192.0.2.77",
        request_id="req0123456789abcdef",
        session_hash="f" * 64,
    )
    AccessEvent.objects.create(
        user=world.worker_a,
        team=world.team_a,
        household=family.household,
        persons=[str(Person.objects.get(first_name="Bram").pk)],
        action=AccessEvent.Action.VIEW,
        object_type="person",
    )
    data, text, page = get_both(client, world.coordinator_a, family)
    rows = data["sections"]["access_log"]["records"]
    events = list(AccessEvent.objects.filter(household=family.household))
    for event in events:
        for secret in (event.origin, event.request_id, event.session_hash):
            if secret:
                assert secret not in text and secret not in page, secret
    for user in (world.colleague_a, world.worker_a, world.coordinator_a):
        assert user.get_full_name() not in [r["fields"]["organisation"] for r in rows]
    emergency = next(r["fields"] for r in rows if r["fields"]["action"]["code"] == "emergency")
    employer = world.colleague_a.positions.get().employer.name
    assert emergency["organisation"] == employer
    assert emergency["team"] == world.team_a.name
    assert emergency["reason"] == "Crisis in de nacht"
    assert emergency["role"]["label"] and emergency["basis"]["label"] != "team_position"
    assert re.search(r"\d\d-\d\d-\d{4} \d\d:\d\d", page)
    assert "Crisis in de nacht" in page and employer in page
    # The read of Bram's record alone is his, counted but not shown.
    assert [w["count"] for w in data["sections"]["access_log"]["withheld"]] == [1]


# --- History ---------------------------------------------------------------------------------


def test_history_shows_old_new_who_when_why_of_the_persons_records_only(world, family):
    plan = family.household.plans.get()
    plan.strengths = "Oma komt elke dag"
    plan._history_user = world.worker_a
    plan._change_reason = "Na het huisbezoek"
    plan.save()
    family.bsn = "111222345"
    family.save()
    bram = Person.objects.get(first_name="Bram")
    bram.last_name = "Kwakernaak-Nieuw"
    bram.save()
    data = export.person_export(family, world.coordinator_a)
    history = data["sections"]["plans"]["records"][0]["history"]
    change = next(e for e in history if e["reason"] == "Na het huisbezoek")
    assert change["by"] == world.worker_a.get_full_name()
    assert change["type"] and change["at"]
    assert {k: change["changes"][0][k] for k in ("field", "old", "new")} == {
        "field": "strengths",
        "old": "Moeder zorgt goed voor de kinderen; oma helpt.",
        "new": "Oma komt elke dag",
    }
    bsn_changes = [
        c
        for e in data["sections"]["person"]["records"][0]["history"]
        for c in e["changes"]
        if c["field"] == "bsn"
    ]
    assert bsn_changes and all(c["old"] in ("", "•••") and c["new"] == "•••" for c in bsn_changes)
    text = json.dumps(data, ensure_ascii=False)
    assert "Kwakernaak" not in text  # another member's history is his
    for section in data["sections"].values():
        for record in section["records"]:
            assert "history" in record


def test_history_leaves_out_what_the_record_withholds(world, family):
    """A changed reporter name is not shown through the signal's history, nor who entered it."""
    signal = family.household.referrals.get()
    signal.sender_name = "Gewijzigde Melder"
    signal.urgency = "urgent"
    signal._history_user = world.partner
    signal.save()
    data = export.person_export(family, world.colleague_a)
    text = json.dumps(data, ensure_ascii=False)
    assert "Gewijzigde Melder" not in text and REPORTER_NAME not in text
    assert world.partner.get_full_name() not in text
    history = data["sections"]["signals"]["records"][0]["history"]
    changed = [c["field"] for e in history for c in e["changes"]]
    assert "urgency" in changed and "sender_name" not in changed
    assert "prior_information" not in changed
    # The reporter's change is signed with the organisation that sent the signal (the source).
    assert [e["by"] for e in history if e["changes"]][-1] == world.partner.organisation.name


def test_every_kind_of_audited_record_carries_its_own_history(world, family):
    """Every exported record of an audited kind has its history, and only its own: one creation."""
    data = export.person_export(family, world.coordinator_a)
    created = str(timeline.TYPES["+"])
    for spec in export.SPECS:
        if hasattr(spec.model, "history"):
            records = data["sections"][spec.key]["records"]
            assert records, spec.key
            for record in records:
                assert [e["type"] for e in record["history"]].count(created) == 1, spec.key
    scores = data["sections"]["assessments"]["records"][0]["scores"]
    assert len(scores) == 13 and all(len(score["history"]) == 1 for score in scores)


# --- The printable page ----------------------------------------------------------------------


def test_the_printable_page_is_dutch_headed_and_in_sections(client, world, family):
    data, text, page = get_both(client, world.coordinator_a, family)
    assert "Wat het wijkteam over u bewaart" in page
    assert "<title>Uw gegevens</title>" in page  # no personal data in the title
    positions = [page.index(f'id="section-{spec.key}"') for spec in export.SPECS]
    assert positions == sorted(positions)
    for spec in export.SPECS:
        assert f'href="#section-{spec.key}"' in page  # the table of contents
    assert ">Signalen</h2>" in page and ">Plannen</h2>" in page and ">Uw gegevens</h2>" in page
    assert "Geschiedenis van wijzigingen" in page
    assert timezone.localdate().strftime("%d-%m-%Y") in page
    assert "01-06-1985" in page  # her birth date, dd-mm-jjjj
    assert "?format=json" in page
    for raw in ("household_id", "recorded_by_id", "Person (1)", "_id"):
        assert raw not in page, raw


def test_the_printable_page_in_english_names_its_sections(client, world, family):
    """The same page in English (the source strings): every section headed in words."""
    login_for_real(client, world.coordinator_a)
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        page = client.get(url_of(family), HTTP_ACCEPT_LANGUAGE="en").text
    assert "What the neighbourhood team holds about you" in page
    for heading in ("Your data", "Household", "Signals", "Plans", "Assessments", "Shares", "Access events"):
        assert f">{heading}</h2>" in page, heading
    assert "records not included." in page or "record not included." in page


# --- Cost ------------------------------------------------------------------------------------


def _more_of_everything(world, person, times: int, confidentiality: str):
    household = person.household
    plan = household.plans.get()
    bram = household.members.get(first_name="Bram")
    for n in range(times):
        ReferralFactory(
            team=world.team_a,
            household=household,
            status="accepted",
            prior_information=f"Meer {n}",
            prior_information_confidentiality=confidentiality,
        )
        goal = GoalFactory(plan=plan)
        ActionFactory(plan=plan, goal=goal, who="family", person=bram)
        NetworkMemberFactory(household=household)
        contact = ContactFactory(household=household, recorded_by=world.worker_a)
        contact.persons.set([person])
        contact.workers.set([world.worker_a])
        SafetyWarningFactory(household=household, recorded_by=world.worker_a)
        CaseReviewFactory(household=household)
        assessment_with_scores(
            person, world.worker_a, [4] * 13, on=timezone.localdate() - datetime.timedelta(days=n + 1)
        )
        ConsentDecisionFactory(
            person=person, recipient=world.partner.organisation, recorded_by=world.worker_a
        )
        AccessEvent.objects.create(
            user=world.colleague_a,
            role="worker",
            team=world.team_a,
            household=household,
            object_type="household",
        )


def _queries(person, user) -> int:
    user = type(user).objects.get(pk=user.pk)  # roles not cached
    with CaptureQueriesContext(connection) as queries:
        export.person_document(person, user)
    return len(queries)


@pytest.mark.parametrize(
    ("who", "confidentiality"),
    [
        ("worker_a", "normal"),
        ("worker_a", "confidential"),
        ("coordinator_a", "normal"),
        ("colleague_a", "confidential"),
        ("colleague_a", "normal"),
    ],
)
def test_the_export_costs_the_same_queries_for_one_record_of_each_kind_as_for_many(
    world, family, who, confidentiality
):
    """One record of each kind, then seven: the same number of queries (about one per kind of
    record, one per kind of history, one for the employers in the access log)."""
    AccessEvent.objects.create(
        user=world.colleague_a,
        role="worker",
        team=world.team_a,
        household=family.household,
        object_type="household",
    )
    signal = family.household.referrals.get()
    signal.prior_information_confidentiality = confidentiality
    signal.save()
    user = getattr(world, who)
    few = _queries(family, user)
    _more_of_everything(world, family, 6, confidentiality)
    assert _queries(family, user) == few


# --- Access requests -------------------------------------------------------------------------


def test_access_requests_are_due_within_a_month_and_shown_when_late(client, world, family):
    before = set(AccessRequest.objects.values_list("pk", flat=True))
    client.force_login(world.worker_a)
    client.post(reverse("cases:access_request_add", args=[family.household_id, family.pk]))
    request = AccessRequest.objects.exclude(pk__in=before).get()
    assert (request.due_on - request.requested_on).days in (28, 29, 30, 31)
    late = AccessRequest.objects.create(
        person=family, requested_on="2026-01-01", due_on="2026-02-01", recorded_by=world.worker_a
    )
    client.force_login(world.coordinator_a)
    assert late in client.get(reverse("cases:referral_queue")).context["late_access_requests"]
    client.post(reverse("cases:access_request_answered", args=[family.household_id, late.pk]))
    late.refresh_from_db()
    assert late.handled_on is not None


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_printable_page_fits_a_phone_and_a4(live_server, client, world, family):
    """No sideways scrolling at 375 px; in print, the content fits A4's width between margins."""
    from tests.browser import chromium_browser

    login_for_real(client, world.coordinator_a)
    with chromium_browser() as browser:
        context = browser.new_context(viewport={"width": 375, "height": 740}, locale="nl-NL")
        session = client.cookies["sessionid"].value
        context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
        page = context.new_page()
        page.goto(live_server.url + url_of(family))
        assert page.locator("#section-access_log").count() == 1
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        page.emulate_media(media="print")
        page.set_viewport_size({"width": 658, "height": 930})  # A4: 210 mm minus 2 × 18 mm margin
        assert page.evaluate("document.documentElement.scrollWidth") <= 658
        assert page.pdf(format="A4").startswith(b"%PDF")
