"""Signals through the browser's eyes: partner intake, the triage queue, the signal page."""

import datetime
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from cases import services
from cases.models import Household, Referral, ReferralDecision, Task
from cases.tests.factories import HouseholdFactory, PersonFactory, ReferralFactory
from teams.tests.factories import OrganisationFactory, UserFactory

SEND = reverse("cases:partner_referral_send")
QUEUE = reverse("cases:referral_queue")


def partner_post(**overrides):
    data = {
        "urgency": "urgent",
        "concern": "Lisa komt al twee weken niet naar school.",
        "request": "Zorg dat Lisa weer naar school gaat.",
        "prior_information": "",
        "prior_information_confidentiality": "confidential",
        "subject_first_name": "Lisa",
        "subject_last_name_prefix": "de",
        "subject_last_name": "Vries",
        "subject_birth_date": "2014-05-02",
        "street": "Kerkstraat",
        "house_number": "3",
        "postcode": "8021 ab",
        "city": "Zwolle",
        "family_aware": "yes",
        "sender_name": "Juf Petra",
        "sender_phone": "038-1111111",
        "sender_email": "petra@school.example",
        "submission_id": str(uuid.uuid4()),
    }
    data.update(overrides)
    return data


def decide(client, referral, action, **data):
    return client.post(reverse(f"cases:referral_{action}", args=[referral.pk]), data)


@pytest.fixture
def routed(world):
    """Team A covers postcode area 8021."""
    world.team_a.postcode_areas = ["8021"]
    world.team_a.save()
    return world


# --- Partner intake -------------------------------------------------------------------------


def test_partner_sends_a_signal_and_gets_a_reference(client, routed):
    client.force_login(routed.partner)
    response = client.post(SEND, partner_post())
    referral = Referral.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("cases:partner_referral_status", args=[referral.reference])
    assert referral.team == routed.team_a, "routed by the postcode area"
    assert referral.sender_organisation == routed.partner.organisation
    assert referral.channel == Referral.Channel.PORTAL
    assert referral.postcode == "8021AB"
    assert referral.history.get().history_user == routed.partner
    ack = client.get(response.url)
    assert referral.reference in ack.text
    assert "Ontvangen" in ack.text


def test_partner_form_keeps_what_was_typed_and_explains_in_dutch(client, routed):
    client.force_login(routed.partner)
    data = partner_post(subject_last_name="", postcode="", house_number="", subject_bsn="123456789")
    response = client.post(SEND, data)
    assert response.status_code == 200
    assert not Referral.objects.exists()
    assert "Lisa komt al twee weken niet naar school." in response.text
    assert "Geef een achternaam, of een postcode en huisnummer" in response.text
    assert "11-proef" in response.text


def test_partner_chooses_the_team_when_no_postcode_area_matches(client, routed):
    client.force_login(routed.partner)
    response = client.post(SEND, partner_post(postcode="9999 ZZ"))
    assert response.status_code == 200
    assert "Geen team werkt in dit postcodegebied" in response.text
    response = client.post(SEND, partner_post(postcode="9999 ZZ", team=routed.team_b.pk))
    assert response.status_code == 302
    assert Referral.objects.get().team == routed.team_b


def test_double_submit_creates_one_signal(client, routed):
    """The same form posted twice (double click, back button) gives one signal and one answer."""
    client.force_login(routed.partner)
    data = partner_post()
    first, second = client.post(SEND, data), client.post(SEND, data)
    assert Referral.objects.count() == 1
    assert first.status_code == second.status_code == 302
    assert first.url == second.url


def test_someone_elses_submission_id_is_not_accepted(client, routed):
    data = partner_post()
    client.force_login(routed.partner)
    client.post(SEND, data)
    colleague = UserFactory(organisation=routed.partner.organisation)
    client.force_login(colleague)
    response = client.post(SEND, data)
    assert response.status_code == 200
    assert "Dit formulier is verlopen" in response.text
    assert Referral.objects.count() == 1


def test_partner_rate_limit(client, routed, settings):
    settings.WIJKTEAM_PARTNER_SIGNALS_PER_HOUR = 2
    client.force_login(routed.partner)
    for _ in range(2):
        assert client.post(SEND, partner_post()).status_code == 302
    response = client.post(SEND, partner_post())
    assert response.status_code == 200
    assert "in het afgelopen uur" in response.text
    assert Referral.objects.count() == 2


def test_partner_sees_status_only_of_its_own_organisation(client, routed, jansen):
    own = ReferralFactory(
        team=routed.team_a, sender_organisation=routed.partner.organisation, subject_last_name="Zwart"
    )
    services.referral_decline(
        referral=own, by=routed.coordinator_a, reason_code="other", reason="Geheime reden"
    )
    other_org = ReferralFactory(team=routed.team_a)
    client.force_login(routed.partner)
    page = client.get(reverse("cases:partner_referral_list"))
    assert own.reference in page.text
    assert "Niet opgepakt" in page.text
    assert other_org.reference not in page.text
    for secret in ("Zwart", "Geheime reden", own.concern, "Familie Jansen"):
        assert secret not in page.text
    status = client.get(reverse("cases:partner_referral_status", args=[own.reference]))
    assert "Geheime reden" not in status.text and "Zwart" not in status.text
    assert client.get(reverse("cases:partner_referral_status", args=[other_org.reference])).status_code == 404


def test_partner_reaches_nothing_else(client, routed, jansen, signal):
    client.force_login(routed.partner)
    assert client.get(QUEUE).status_code == 403
    assert client.get(reverse("cases:referral_create")).status_code == 403
    assert client.get(signal.get_absolute_url()).status_code == 404, "even its own signal's case page"
    assert client.get(jansen.get_absolute_url()).status_code == 404
    assert decide(client, signal, "accept", household=jansen.pk).status_code == 404
    assert client.get(reverse("cases:household_list")).status_code == 403


def test_team_members_do_not_use_the_partner_form(client, world):
    client.force_login(world.coordinator_a)
    assert client.get(SEND).status_code == 403
    assert client.get(reverse("cases:partner_referral_list")).status_code == 403


# --- Coordinator intake ---------------------------------------------------------------------


def coordinator_post(world, **overrides):
    data = partner_post(
        team=world.team_a.pk,
        channel="phone",
        received_at=timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        sender_organisation=world.partner.organisation.pk,
    )
    data.update(overrides)
    return data


def test_coordinator_registers_a_phone_signal(client, world):
    client.force_login(world.coordinator_a)
    response = client.post(reverse("cases:referral_create"), coordinator_post(world))
    referral = Referral.objects.get()
    assert response.status_code == 302 and response.url == referral.get_absolute_url()
    assert (referral.channel, referral.submitted_by, referral.team) == (
        "phone",
        world.coordinator_a,
        world.team_a,
    )
    assert referral.first_contact_due == services.first_contact_due(referral.received_at, "urgent")


def test_coordinator_form_asks_for_the_sending_organisation(client, world):
    client.force_login(world.coordinator_a)
    response = client.post(reverse("cases:referral_create"), coordinator_post(world, sender_organisation=""))
    assert response.status_code == 200
    assert "Welke organisatie stuurde dit signaal?" in response.text
    own = coordinator_post(world, sender_organisation="", channel="own_observation")
    assert client.post(reverse("cases:referral_create"), own).status_code == 302


def test_coordinator_cannot_register_for_another_team(client, world):
    """A forged team in the hidden field is refused; nothing is saved."""
    client.force_login(world.coordinator_a)
    response = client.post(reverse("cases:referral_create"), coordinator_post(world, team=world.team_b.pk))
    assert response.status_code == 200
    assert not Referral.objects.exists()


def test_coordinator_form_refuses_a_future_receipt(client, world):
    client.force_login(world.coordinator_a)
    tomorrow = (timezone.localtime() + datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(reverse("cases:referral_create"), coordinator_post(world, received_at=tomorrow))
    assert "kan niet in de toekomst" in response.text
    assert not Referral.objects.exists()


# --- The triage queue -----------------------------------------------------------------------


def test_queue_shows_the_teams_undecided_signals_crisis_first_then_longest_waiting(
    client, world, coordinator_b
):
    now = timezone.now()
    normal_old = ReferralFactory(team=world.team_a, received_at=now - datetime.timedelta(days=9))
    normal_new = ReferralFactory(team=world.team_a, received_at=now - datetime.timedelta(hours=1))
    crisis = ReferralFactory(
        team=world.team_a, urgency="crisis", received_at=now - datetime.timedelta(minutes=5)
    )
    urgent = ReferralFactory(
        team=world.team_a, urgency="urgent", received_at=now - datetime.timedelta(days=1)
    )
    declined = ReferralFactory(team=world.team_a)
    services.referral_decline(referral=declined, by=world.coordinator_a, reason_code="other", reason="x")
    other_team = ReferralFactory(team=world.team_b)
    client.force_login(world.coordinator_a)
    response = client.get(QUEUE)
    shown = list(response.context["page"].object_list)
    assert shown == [crisis, urgent, normal_old, normal_new]
    assert other_team.reference not in response.text
    assert "Eerste contact te laat sinds" in response.text, "the nine-day-old normal signal is overdue"
    assert normal_old.is_overdue and not normal_new.is_overdue
    counts = {code: count for _label, code, count in response.context["counts"]}
    assert counts["received"] == 4 and counts["declined"] == 1


def test_queue_filters(client, world):
    school = ReferralFactory(team=world.team_a, urgency="urgent")
    police = ReferralFactory(team=world.team_a, sender_organisation=OrganisationFactory(sector="police"))
    old = ReferralFactory(team=world.team_a, received_at=timezone.now() - datetime.timedelta(days=60))
    client.force_login(world.coordinator_a)

    def shown(**params):
        return set(client.get(QUEUE, params).context["page"].object_list)

    assert shown(urgency="urgent") == {school}
    assert shown(sender_organisation=police.sender_organisation_id) == {police}
    since = (timezone.localdate() - datetime.timedelta(days=30)).isoformat()
    assert shown(received_after=since) == {school, police}
    assert shown(received_before=since) == {old}
    assert shown(status="declined") == set()
    assert shown(status="all") == {school, police, old}


def test_the_partner_filter_offers_the_partners_that_sent_this_team_signals(client, world):
    police = ReferralFactory(team=world.team_a, sender_organisation=OrganisationFactory(sector="police"))
    elsewhere = ReferralFactory(team=world.team_b, sender_organisation=OrganisationFactory(sector="gp"))
    client.force_login(world.coordinator_a)
    offered = client.get(QUEUE).context["filter"].form.fields["sender_organisation"].queryset
    assert police.sender_organisation in offered
    assert elsewhere.sender_organisation not in offered


@pytest.mark.parametrize(
    "params",
    [
        {"status": "<script>"},
        {"urgency": "x' OR 1=1"},
        {"received_after": "31-02-2026"},
        {"sender_organisation": "abc"},
        {"page": "-1"},
    ],
)
def test_queue_survives_hostile_filters(client, world, params):
    client.force_login(world.coordinator_a)
    response = client.get(QUEUE, params)
    assert response.status_code == 200
    assert "<script>" not in response.text.replace("&lt;script&gt;", "")


def test_queue_is_for_coordinators_and_managers(client, world):
    client.force_login(world.worker_a)
    assert client.get(QUEUE).status_code == 403
    client.force_login(world.manager_ab)
    assert client.get(QUEUE).status_code == 200


@pytest.mark.parametrize("signals", [5, 500])
def test_queue_query_count_is_flat(client, django_assert_num_queries, world, signals):
    """The triage queue costs the same queries for 5 signals as for 500."""
    ReferralFactory.create_batch(signals, team=world.team_a, sender_organisation=world.partner.organisation)
    client.force_login(world.coordinator_a)
    with django_assert_num_queries(14):
        # 1 session, 2 user, 3 positions (roles), 4 partner options of the filter,
        # 5 count, 6 page of signals with sender/team/worker/mandate flag, 7 counts per status,
        # 8 emergency accesses to report, 9 access requests past their month, 10 work held by
        # someone without a position (issue 23), 11 the access-log row (the queue shows
        # signals), 12-14 savepoint, session expiry, release
        response = client.get(QUEUE)
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == min(signals, 25)


# --- The signal page ------------------------------------------------------------------------


def test_signal_page_shows_three_interests_side_by_side(client, world, signal):
    services.referral_update_interests(
        referral=signal,
        by=world.coordinator_a,
        household_view="Wij redden het wel.",
        professional_judgement="Eerst kennismaken.",
    )
    client.force_login(world.coordinator_a)
    text = client.get(signal.get_absolute_url()).text
    for part in ("Zorg dat er thuis rust komt.", "Wij redden het wel.", "Eerst kennismaken."):
        assert part in text
    assert "Drie belangen" in text


def test_signal_page_proposes_the_known_household(client, world, signal, jansen):
    client.force_login(world.coordinator_a)
    response = client.get(signal.get_absolute_url())
    candidates = response.context["candidates"]
    assert candidates[0].household == jansen
    assert "zelfde adres" in response.text


def test_another_teams_household_is_mentioned_without_its_data(client, world, signal):
    other = HouseholdFactory(
        team=world.team_b, name="Familie Geheim", street="Dorpsstraat", house_number=12, postcode="8021AB"
    )
    PersonFactory(household=other, first_name="Kees", last_name="Geheim")
    HouseholdFactory(team=world.team_c, street="Dorpsstraat", house_number=12, postcode="8021AB")
    client.force_login(world.coordinator_a)
    response = client.get(signal.get_absolute_url())
    assert response.context["known_elsewhere"] == [world.team_b.name]
    assert "Familie Geheim" not in response.text and "Kees" not in response.text
    assert world.team_c.name not in response.context["known_elsewhere"], (
        "other municipality: not even the name"
    )


def test_triage_in_one_post_accept_and_assign(client, world, signal, jansen):
    client.force_login(world.coordinator_a)
    response = decide(client, signal, "accept", household=jansen.pk, worker=world.worker_a.pk)
    assert response.status_code == 302 and response.url == QUEUE
    signal.refresh_from_db()
    assert (signal.status, signal.household, signal.assigned_to) == ("assigned", jansen, world.worker_a)
    assert list(signal.decisions.values_list("kind", flat=True)) == ["accept", "assign"]
    page = client.get(signal.get_absolute_url())
    assert "Geaccepteerd" in page.text and "Toegewezen" in page.text


def test_accept_without_a_choice_explains(client, world, signal):
    client.force_login(world.coordinator_a)
    response = decide(client, signal, "accept", reason="mijn notitie")
    assert response.status_code == 400
    assert "Kies een huishouden." in response.text
    assert "mijn notitie" in response.text


def test_decline_other_needs_an_explanation(client, world, signal):
    client.force_login(world.coordinator_a)
    response = decide(client, signal, "decline", reason_code="other", reason="")
    assert response.status_code == 400
    assert "Leg de reden uit" in response.text
    response = decide(client, signal, "decline", reason_code="outside_area", reason="")
    assert response.status_code == 302
    signal.refresh_from_db()
    assert signal.status == "declined"


def test_second_decision_gets_409_naming_the_first(client, world, signal, jansen, second_coordinator_a):
    client.force_login(world.coordinator_a)
    decide(client, signal, "accept", household=jansen.pk, worker=world.worker_a.pk)
    client.force_login(second_coordinator_a)
    response = decide(client, signal, "decline", reason_code="outside_area")
    assert response.status_code == 409
    assert escape(str(world.coordinator_a)) in response.text
    signal.refresh_from_db()
    assert signal.status == "assigned"


# --- Forged posts (docs/security.md AC-5) --------------------------------------------------------


def test_forged_assignment_to_a_worker_of_another_team(client, world, signal, jansen):
    services.referral_accept(referral=signal, by=world.coordinator_a, household=jansen)
    client.force_login(world.coordinator_a)
    response = decide(client, signal, "assign", worker=world.worker_b.pk)
    assert response.status_code == 400, "not among the team's workers"
    signal.refresh_from_db()
    assert (signal.status, signal.assigned_to) == ("accepted", None)


def test_forged_link_to_a_household_of_another_team(client, world, signal):
    other = HouseholdFactory(team=world.team_b)
    client.force_login(world.coordinator_a)
    response = decide(client, signal, "accept", household=other.pk, worker=world.worker_a.pk)
    assert response.status_code == 400
    signal.refresh_from_db()
    assert signal.status == "received" and signal.household is None


def test_coordinator_of_another_team_cannot_touch_the_signal(client, world, signal, jansen, coordinator_b):
    client.force_login(coordinator_b)
    assert client.get(signal.get_absolute_url()).status_code == 404
    for action, data in (
        ("accept", {"household": jansen.pk}),
        ("decline", {"reason_code": "outside_area"}),
        ("forward", {"organisation": world.partner.organisation.pk, "reason": "x"}),
    ):
        assert decide(client, signal, action, **data).status_code == 404
    signal.refresh_from_db()
    assert signal.status == "received" and not ReferralDecision.objects.exists()


def test_workers_and_managers_cannot_decide(client, world, signal, jansen):
    services.referral_accept(referral=signal, by=world.coordinator_a, household=jansen, worker=world.worker_a)
    for user in (world.worker_a, world.manager_ab):
        client.force_login(user)
        assert client.get(signal.get_absolute_url()).status_code == 200
        assert (
            decide(
                client, signal, "reassign", worker=world.colleague_a.pk, current=world.worker_a.pk, reason="x"
            ).status_code
            == 403
        )
    signal.refresh_from_db()
    assert signal.assigned_to == world.worker_a


def test_decisions_only_by_post(client, world, signal):
    client.force_login(world.coordinator_a)
    assert client.get(reverse("cases:referral_decline", args=[signal.pk])).status_code == 405


# --- Who sees what on the signal page -------------------------------------------------------


def test_untriaged_signals_stay_with_the_coordinator(client, world, signal):
    client.force_login(world.worker_a)
    assert client.get(signal.get_absolute_url()).status_code == 404


def test_prior_information_is_need_to_know(client, world, signal, jansen):
    services.referral_accept(referral=signal, by=world.coordinator_a, household=jansen, worker=world.worker_a)
    client.force_login(world.worker_a)
    assert signal.prior_information in client.get(signal.get_absolute_url()).text
    client.force_login(world.colleague_a)
    page = client.get(signal.get_absolute_url())
    assert page.status_code == 200, "the household is the team's"
    assert signal.prior_information not in page.text
    assert "vertrouwelijke voorinformatie" in page.text


def test_match_is_shown_with_the_other_signallers_contact_details(client, world, signal, jansen):
    earlier = ReferralFactory(
        team=world.team_a,
        sender_organisation=OrganisationFactory(name="Huisartsenpraktijk Zuid", sector="gp"),
        sender_name="Dokter Bos",
        sender_phone="038-2222222",
        received_at=timezone.now() - datetime.timedelta(days=20),
    )
    services.referral_accept(
        referral=earlier, by=world.coordinator_a, household=jansen, worker=world.worker_a
    )
    services.referral_accept(referral=signal, by=world.coordinator_a, household=jansen)
    client.force_login(world.worker_a)
    page = client.get(signal.get_absolute_url()).text
    assert "Huisartsenpraktijk Zuid" in page and "Dokter Bos" in page and "038-2222222" in page
    household_page = client.get(jansen.get_absolute_url()).text
    assert "Match: meerdere organisaties" in household_page and "Dokter Bos" in household_page
    task = Task.objects.get()
    assert reverse("cases:task_complete", args=[task.pk]) in household_page
    response = client.post(reverse("cases:task_complete", args=[task.pk]), {"note": "Beiden gebeld"})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == "done" and task.done_note == "Beiden gebeld"


def test_task_of_another_team_is_not_found(client, world, jansen):
    task = Task(household=jansen, kind=Task.Kind.MATCH_CHECK)
    task.save()
    client.force_login(world.worker_b)
    assert client.post(reverse("cases:task_complete", args=[task.pk]), {"note": "x"}).status_code == 404
    task.refresh_from_db()
    assert task.status == "open"


@pytest.mark.parametrize("signals", [5, 500])
def test_signal_page_query_count_is_flat(client, django_assert_num_queries, world, signals):
    """The signal page of a new signal costs the same with 5 or 500 signals and households around it."""
    organisation = OrganisationFactory(sector="gp")
    for index in range(signals):
        household = HouseholdFactory(
            team=world.team_a, street="Dorpsstraat", house_number=12, postcode="8021AB"
        )
        PersonFactory(household=household, last_name="Jansen", birth_date=datetime.date(1980, 3, 14))
        ReferralFactory(
            team=world.team_a,
            household=household if index % 2 else None,
            sender_organisation=organisation,
            postcode="8021AB",
            house_number=12,
            received_at=timezone.now() - datetime.timedelta(days=1),
        )
    signal = ReferralFactory(
        team=world.team_a,
        subject_last_name="Jansen",
        subject_birth_date=datetime.date(1980, 3, 14),
        postcode="8021AB",
        house_number=12,
    )
    client.force_login(world.coordinator_a)
    with django_assert_num_queries(18):
        # 1 session, 2 user, 3 signal with its relations, 4 positions (roles), 5 access log,
        # 6 similar persons with their households, 7 households at the address,
        # 8 earlier signals to merge into, 9 other teams that know the household,
        # 10-11 the sender's mandate (in force, else the latest), 12 decisions,
        # 13 workers with caseload and expertise (assign), 14 the same, listed with their
        # expertise (issue 24), 15 organisations (forward),
        # 16-18 savepoint, session expiry refresh, release
        response = client.get(signal.get_absolute_url())
    assert response.status_code == 200
    assert Household.objects.count() == signals


def test_household_search_for_linking_stays_in_the_team(client, world, signal, jansen):
    other = HouseholdFactory(team=world.team_b, name="Familie Jansen-Zuid")
    url = reverse("cases:referral_household_search", args=[signal.pk])
    client.force_login(world.coordinator_a)
    response = client.get(url, {"q": "Jansen"}, headers={"HX-Request": "true"})
    assert f'value="{jansen.pk}"' in response.text
    assert str(other.pk) not in response.text and "Jansen-Zuid" not in response.text
    assert "<html" not in response.text
    client.force_login(world.worker_a)
    assert client.get(url, {"q": "Jansen"}).status_code == 404


HOSTILE = [
    "<script>alert(1)</script>",
    "'; DROP TABLE cases_referral; --",
    "x" * 20000,
    "\u202eevil\u202c",
    "nul\x00byte",
    "🙂👨‍👩‍👧",
    "-1",
    "99999999999999999999",
    "31-02-2026",
]


@pytest.mark.parametrize("value", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_input_into_the_partner_form(client, routed, value):
    """Every field gets the same nasty value: no 5xx, nothing reflected unescaped, no half signal."""
    client.force_login(routed.partner)
    data = {field: value for field in partner_post() if field != "submission_id"}
    data["submission_id"] = str(uuid.uuid4())
    response = client.post(SEND, data)
    assert response.status_code in (200, 302)
    assert "<script>alert(1)</script>" not in response.text
    if response.status_code == 200:
        assert not Referral.objects.exists()
        assert "is-invalid" in response.text, "the message is at the field"
