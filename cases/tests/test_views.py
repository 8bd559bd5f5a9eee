"""Household pages: query counts, editing through services, read-only managers, forged posts."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import AccessRequest, Appointment, Household, Person, Share
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
    assessment_with_scores,
)
from documents.testing import stored_document

pytestmark = pytest.mark.django_db


def _households(team, count, members=3):
    households = HouseholdFactory.create_batch(count, team=team)
    for household in households:
        PersonFactory.create_batch(members, household=household)
    return households


def _new_household(team, **overrides):
    """The POST of the 'new household' form, with the first member."""
    data = {
        "household-team": team.pk,
        "household-name": "Familie Nieuw",
        "household-street": "Kerkstraat",
        "household-house_number": "3",
        "household-postcode": "8021AB",
        "household-city": "Zwolle",
        "member-first_name": "Anna",
        "member-last_name": "Nieuw",
        "member-relation": "main_resident",
    }
    data.update({key.replace("__", "-"): value for key, value in overrides.items()})
    return data


def _household_edit(household, **overrides):
    """The POST of the household edit form with the household's current details."""
    return {
        "name": household.name,
        "street": household.street,
        "house_number": household.house_number,
        "postcode": household.postcode,
        "city": household.city,
        **overrides,
    }


@pytest.mark.parametrize("count", [1, 50])
def test_household_list_query_count_is_flat(client, django_assert_num_queries, world, count):
    """The household list costs the same 13 queries for 1 household as for 50 (with signals, tasks, plans)."""
    for household in _households(world.team_a, count):
        household.lead_worker = world.worker_a
        household.save()
        ReferralFactory(team=world.team_a, household=household, assigned_to=world.worker_a, status="assigned")
        TaskFactory(household=household)
        PlanFactory(household=household, evaluation_date=datetime.date(2026, 1, 5))
    client.force_login(world.worker_a)
    with django_assert_num_queries(13):
        # 1 session, 2 user, 3 positions (roles), 4 count, 5 households of the page, 6 members,
        # 7 signals assigned to me, 8 my open tasks, 9 plans to look at, 10 the access-log row,
        # 11-13 savepoint, session expiry refresh (idle timeout), release
        response = client.get(reverse("cases:household_list"))
    assert response.status_code == 200
    assert "Voor u" in response.text


def rich_household(world, n):
    """A household with n members, signals, actions, network members, assessments and reviews."""
    household = HouseholdFactory(team=world.team_a, lead_worker=world.worker_a)
    members = PersonFactory.create_batch(n, household=household)
    ReferralFactory.create_batch(n, team=world.team_a, household=household, status="accepted")
    TaskFactory(household=household)
    plan = PlanFactory(household=household)
    goals = GoalFactory.create_batch(n, plan=plan)
    for goal in goals:
        ActionFactory(plan=plan, goal=goal, worker=world.worker_a)
    NetworkMemberFactory.create_batch(n, household=household)
    for index in range(n):
        assessment_with_scores(members[0], world.worker_a, [1 + (index + d) % 5 for d in range(13)])
    CaseReviewFactory.create_batch(n, household=household)
    for _ in range(n):
        contact = ContactFactory(household=household, recorded_by=world.worker_a)
        contact.workers.set([world.worker_a, world.colleague_a])
        contact.persons.set(members[:2])
    SafetyWarningFactory(household=household, recorded_by=world.worker_a)
    for member in members:
        ConsentDecisionFactory(
            person=member, recipient=world.partner.organisation, recorded_by=world.worker_a
        )
        Share.objects.create(
            household=household,
            recipient=world.partner.organisation,
            purpose="feedback",
            content="Opgepakt",
            ground="consent",
            ground_reference="toestemming",
            shared_by=world.worker_a,
        )
        AccessRequest.objects.create(
            person=member, due_on=datetime.date(2026, 12, 1), recorded_by=world.worker_a
        )
    for index in range(n):  # coming appointments, each with its worker
        appointment = Appointment.objects.create(
            household=household,
            date=timezone.localdate() + datetime.timedelta(days=1 + index % 5),
            starts_at=datetime.time(9 + index % 8, 0),
            ends_at=datetime.time(9 + index % 8, 45),
            created_by=world.worker_a,
        )
        appointment.workers.set([world.worker_a])
    for index in range(n):  # documents, each added by someone
        stored_document(household, world.worker_a, title=f"Brief {index}")
    return household


@pytest.mark.parametrize("n", [1, 50])
def test_household_detail_query_count_is_flat(client, django_assert_num_queries, world, n):
    """The household page costs the same 9 queries with 1 or 50 of everything."""
    household = rich_household(world, n)
    client.force_login(world.worker_a)
    with django_assert_num_queries(9):
        # 1 session, 2 user, 3 positions (roles, the bell; the second factor when required),
        # 4 household+team+lead worker, 5 every list of the desk in one UNION (cases/batch.py:
        # members, current plan, next actions with who, tasks, consent decisions, recent
        # changes, signals, network, low ZRM domains, case reviews, appointments and their
        # workers, shares and their persons, open access requests, warnings, journal,
        # documents, contacts with their workers and persons, workers to pick), 6 access log,
        # 7-9 savepoint, session expiry refresh, release
        response = client.get(reverse("cases:household_detail", args=[household.pk]))
    assert response.status_code == 200
    page = response.context
    assert len(page["members"]) == n and len(page["network"]) == n and len(page["documents"]) == n
    assert (
        len(page["contacts"]) == min(n, 20)
        and len(page["upcoming"]) == min(n, 5)
        and page["plan"] is not None
    )
    assert all(len(contact.persons.all()) == min(n, 2) for contact in page["contacts"])


def test_list_htmx_request_returns_only_the_results(client, world):
    """Typing in the search box swaps the results, not the whole page."""
    HouseholdFactory(team=world.team_a, name="Familie Kok")
    client.force_login(world.worker_a)
    response = client.get(reverse("cases:household_list"), {"q": "Kok"}, headers={"HX-Request": "true"})
    assert "Familie Kok" in response.text
    assert "<html" not in response.text
    assert 'id="results"' in response.text


def test_list_paginates(client, world):
    """Long lists are split into pages of 25 with the filters kept in the page links."""
    HouseholdFactory.create_batch(30, team=world.team_a)
    client.force_login(world.worker_a)
    response = client.get(reverse("cases:household_list"), {"q": "Testhuis"})
    assert response.context["page"].paginator.num_pages == 2
    assert "q=Testhuis&amp;page=2" in response.text


def test_worker_registers_household_with_first_member(client, world):
    """A worker registers a household in their team; it is in history with the worker's name."""
    client.force_login(world.worker_a)
    response = client.post(
        reverse("cases:household_create"),
        _new_household(
            world.team_a,
            household__street="Dorpsstraat",
            household__house_number="12",
            household__postcode="8021 ab",
            household__lead_worker=world.worker_a.pk,
            member__bsn="111222333",
        ),
    )
    household = Household.objects.get(name="Familie Nieuw")
    assert response.status_code == 302
    assert response.url == household.get_absolute_url()
    assert household.postcode == "8021AB"
    assert household.municipality == world.team_a.municipality
    assert household.members.get().bsn == "111222333"
    record = household.history.get()
    assert record.history_user == world.worker_a
    assert record.history_change_reason == "Huishouden geregistreerd"


def test_bad_input_keeps_what_was_typed_and_saves_nothing(client, world):
    """A wrong postcode and BSN give Dutch messages at the fields, keep the input, save nothing."""
    client.force_login(world.worker_a)
    response = client.post(
        reverse("cases:household_create"),
        _new_household(
            world.team_a,
            household__name="Familie Fout",
            household__postcode="0123 SA",
            member__first_name="Bram",
            member__bsn="123456789",
        ),
    )
    assert response.status_code == 200
    assert "Vul een Nederlandse postcode in" in response.text
    assert "geen geldig BSN" in response.text
    assert 'value="Familie Fout"' in response.text
    assert 'value="Kerkstraat"' in response.text
    assert not Household.objects.filter(name="Familie Fout").exists()
    assert not Person.objects.filter(first_name="Bram").exists()


def test_forged_team_of_another_team_is_refused(client, world):
    """Posting the id of a team the worker is not in (a forged hidden field) saves nothing."""
    client.force_login(world.worker_a)
    response = client.post(
        reverse("cases:household_create"), _new_household(world.team_b, household__name="Familie Elders")
    )
    assert response.status_code == 200
    assert not Household.objects.filter(name="Familie Elders").exists()


def test_lead_worker_from_another_team_is_refused(client, world):
    """A lead worker outside the household's team is refused with a message at the field."""
    household = HouseholdFactory(team=world.team_a)
    client.force_login(world.coordinator_a)
    data = _household_edit(household, lead_worker=world.worker_b.pk)
    response = client.post(reverse("cases:household_edit", args=[household.pk]), data)
    assert response.status_code == 200
    assert "lead_worker" in response.context["form"].errors
    household.refresh_from_db()
    assert household.lead_worker is None


def test_coordinator_changes_lead_worker_with_reason_in_history(client, world):
    """Changing the lead worker is one history row naming who did it and why."""
    household = HouseholdFactory(team=world.team_a)
    client.force_login(world.coordinator_a)
    data = _household_edit(household, lead_worker=world.worker_a.pk, reason="Nieuwe regisseur na overleg")
    response = client.post(reverse("cases:household_edit", args=[household.pk]), data)
    assert response.status_code == 302
    latest = household.history.latest()
    assert latest.lead_worker_id == world.worker_a.pk
    assert latest.history_user == world.coordinator_a
    assert latest.history_change_reason == "Nieuwe regisseur na overleg"


def test_manager_reads_but_cannot_change(client, world):
    """Managers see their teams' households read-only: no edit buttons, edits are 403."""
    household = HouseholdFactory(team=world.team_a)
    client.force_login(world.manager_ab)
    page = client.get(reverse("cases:household_detail", args=[household.pk]))
    assert page.status_code == 200
    assert reverse("cases:household_edit", args=[household.pk]) not in page.text
    assert client.get(reverse("cases:household_edit", args=[household.pk])).status_code == 403
    assert client.post(reverse("cases:person_add", args=[household.pk]), {}).status_code == 403
    assert client.get(reverse("cases:household_create")).status_code == 403


def test_worker_of_other_team_cannot_post_to_household(client, world):
    """Posting a member into another team's household answers 404 and saves nothing."""
    household = HouseholdFactory(team=world.team_b)
    client.force_login(world.worker_a)
    response = client.post(
        reverse("cases:person_add", args=[household.pk]),
        {"first_name": "Indringer", "last_name": "X", "relation": "other"},
    )
    assert response.status_code == 404
    assert not Person.objects.filter(first_name="Indringer").exists()


def test_person_of_another_household_is_404_under_this_household(client, world):
    """A member id only opens under its own household (no mixing of ids across households)."""
    mine = HouseholdFactory(team=world.team_a)
    other = PersonFactory(household=HouseholdFactory(team=world.team_a))
    client.force_login(world.worker_a)
    response = client.get(reverse("cases:person_edit", args=[mine.pk, other.pk]))
    assert response.status_code == 404


def test_future_birth_date_is_refused_in_dutch(client, world):
    """A birth date in the future is refused at the field."""
    household = HouseholdFactory(team=world.team_a)
    client.force_login(world.worker_a)
    response = client.post(
        reverse("cases:person_add", args=[household.pk]),
        {"first_name": "Toekomst", "last_name": "Kind", "relation": "child", "birth_date": "2999-01-01"},
    )
    assert response.status_code == 200
    assert "De geboortedatum kan niet in de toekomst liggen." in response.text
    assert 'value="Toekomst"' in response.text


def test_bsn_is_masked_on_the_household_page(client, world):
    """The household page shows only the last digits of a BSN."""
    person = PersonFactory(household=HouseholdFactory(team=world.team_a), bsn="111222333")
    client.force_login(world.worker_a)
    response = client.get(reverse("cases:household_detail", args=[person.household.pk]))
    assert "111222333" not in response.text
    assert "333" in response.text


def test_dates_are_shown_as_dd_mm_yyyy(client, world):
    """Dates read dd-mm-jjjj."""
    import datetime

    person = PersonFactory(
        household=HouseholdFactory(team=world.team_a), birth_date=datetime.date(1980, 3, 7)
    )
    client.force_login(world.worker_a)
    response = client.get(reverse("cases:household_detail", args=[person.household.pk]))
    assert "07-03-1980" in response.text


@pytest.mark.parametrize(
    "params",
    [
        {"status": "bogus"},
        {"team": "999999"},
        {"team": "abc"},
        {"page": "abc"},
        {"page": "99999"},
        {"mine": "maybe"},
        {"q": "x" * 20000},
        {"q": "nul\x00byte"},
        {"q": "'; DROP TABLE cases_household; --"},
        {"q": "<script>alert(1)</script>"},
        {"q": "\u202egnp.exe"},
    ],
    ids=lambda p: next(iter(p)),
)
def test_list_survives_hostile_filter_input(client, world, params):
    """Odd or hostile filter values give a page, never a server error or unescaped markup."""
    HouseholdFactory(team=world.team_a)
    client.force_login(world.coordinator_a)
    response = client.get(reverse("cases:household_list"), params)
    assert response.status_code == 200
    assert "<script>alert" not in response.text
    assert Household.objects.count() == 1
