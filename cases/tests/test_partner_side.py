"""The partner's side of a signal (issue 22): whom to contact, why not and what next, adding
information to a declined signal, their own label, the parent or guardian, and a 403 page that
tells a partner whom to ask."""

import json

import pytest
from django.urls import reverse

from api.tests.conftest import Partner, signal_payload
from cases import services, workflow
from cases.models import Referral, ReferralDecision
from cases.tests.factories import HouseholdFactory, ReferralFactory
from cases.tests.test_referral_views import SEND, partner_post
from mandates.models import Mandate
from mandates.tests.factories import MandateFactory
from teams.models import Notification
from teams.tests.factories import OrganisationFactory, UserFactory

LIST = reverse("cases:partner_referral_list")


def status_url(referral):
    return reverse("cases:partner_referral_status", args=[referral.reference])


def supplement_url(referral):
    return reverse("cases:partner_referral_supplement", args=[referral.reference])


@pytest.fixture
def routed(world):
    """Team A covers postcode area 8021 and has a phone number for partners."""
    world.team_a.postcode_areas = ["8021"]
    world.team_a.phone = "+31387001100"
    world.team_a.save()
    return world


def grade(world, level):
    """The partner's mandate with team A, at this grade of feedback."""
    return MandateFactory(
        team=world.team_a,
        organisation=world.partner.organisation,
        feedback_level=level,
        contact_person="Meester Jansen (intern begeleider)",
        contact_details="038-1112222",
    )


def own_signal(world, **fields):
    return ReferralFactory(
        team=world.team_a,
        sender_organisation=world.partner.organisation,
        submitted_by=world.partner,
        **fields,
    )


def assigned(world):
    household = HouseholdFactory(team=world.team_a, lead_worker=world.worker_a)
    return own_signal(world, status="assigned", household=household, assigned_to=world.worker_a)


def declined(world, reason_code="too_little_information", reason="Het adres ontbreekt."):
    signal = own_signal(world)
    return services.referral_decline(
        referral=signal, by=world.coordinator_a, reason_code=reason_code, reason=reason
    )


# --- The form: parent or guardian, does the family know, the partner's own label ---------------


def test_partner_form_asks_whether_the_family_knows_and_keeps_what_was_typed(client, routed):
    client.force_login(routed.partner)
    data = partner_post(guardian_name="Karin de Vries", guardian_relation="parent", partner_label="Groep 5")
    del data["family_aware"]
    response = client.post(SEND, data)
    assert response.status_code == 200
    assert Referral.objects.count() == 0
    assert "Geef aan of het gezin van dit signaal weet" in response.text
    assert 'value="Karin de Vries"' in response.text and 'value="Groep 5"' in response.text


def test_partner_sends_guardian_family_aware_and_label_and_the_coordinator_sees_them(client, routed):
    client.force_login(routed.partner)
    data = partner_post(
        guardian_name="Karin de Vries",
        guardian_relation="parent",
        family_aware="no",
        partner_label="Groep 5, broertje van T.",
    )
    assert client.post(SEND, data).status_code == 302
    signal = Referral.objects.get()
    assert (signal.guardian_name, signal.guardian_relation, signal.family_aware) == (
        "Karin de Vries",
        "parent",
        "no",
    )
    assert signal.history.get().partner_label == "Groep 5, broertje van T.", "kept in history"
    client.force_login(routed.coordinator_a)
    page = client.get(signal.get_absolute_url()).text
    assert "Karin de Vries (ouder)" in page
    assert "Nee, nog niet" in page
    assert "Groep 5, broertje van T." in page


def test_the_label_is_in_the_partners_list_and_status_and_nowhere_for_another_partner(client, routed):
    signal = own_signal(routed, partner_label="Groep 5, broertje van T.")
    client.force_login(routed.partner)
    assert "Groep 5, broertje van T." in client.get(LIST).text
    assert "Groep 5, broertje van T." in client.get(status_url(signal)).text
    stranger = UserFactory(organisation=OrganisationFactory(sector="gp"))
    client.force_login(stranger)
    assert "Groep 5" not in client.get(LIST).text
    assert client.get(status_url(signal)).status_code == 404


# --- The status page: whom to contact, why not, what next ------------------------------------


def test_status_page_gives_the_team_phone_and_the_contact_person_but_no_worker_on_status_grade(
    client, routed
):
    grade(routed, Mandate.FeedbackLevel.STATUS)
    signal = assigned(routed)
    client.force_login(routed.partner)
    page = client.get(status_url(signal)).text
    assert "038-7001100" in page and 'href="tel:+31387001100"' in page
    assert "Meester Jansen (intern begeleider)" in page
    assert routed.worker_a.get_full_name() not in page
    assert "Regisseur" not in page


def test_status_page_names_the_regisseur_on_full_feedback(client, routed):
    grade(routed, Mandate.FeedbackLevel.FULL)
    signal = assigned(routed)
    client.force_login(routed.partner)
    page = client.get(status_url(signal)).text
    assert "Regisseur" in page and routed.worker_a.get_full_name() in page


def test_status_page_without_a_team_phone_says_whom_to_ask(client, routed):
    routed.team_a.phone = ""
    routed.team_a.save()
    client.force_login(routed.partner)
    page = client.get(status_url(own_signal(routed))).text
    assert "Het team heeft nog geen telefoonnummer opgegeven" in page


@pytest.mark.parametrize(
    ("level", "reason_shown", "explanation_shown"),
    [
        (Mandate.FeedbackLevel.STATUS, False, False),
        (Mandate.FeedbackLevel.SUMMARY, True, False),
        (Mandate.FeedbackLevel.FULL, True, True),
    ],
)
def test_why_a_signal_was_declined_as_far_as_the_grade_allows(
    client, routed, level, reason_shown, explanation_shown
):
    grade(routed, level)
    signal = declined(routed)
    client.force_login(routed.partner)
    page = client.get(status_url(signal)).text
    assert "Niet opgepakt" in page
    assert ("Te weinig informatie om te handelen" in page) is reason_shown
    assert ("Het adres ontbreekt." in page) is explanation_shown
    # Whatever the grade: what the partner can do next, and the form to do it.
    assert "Weet u meer, of is er iets veranderd?" in page
    assert f'action="{supplement_url(signal)}"' in page


def test_no_supplement_form_on_a_signal_that_is_not_declined(client, routed):
    client.force_login(routed.partner)
    page = client.get(status_url(own_signal(routed))).text
    assert "supplement" not in page and "Weet u meer" not in page


# --- Adding information to a declined signal ---------------------------------------------------


def test_partner_adds_information_and_the_signal_is_new_again(client, routed):
    signal = declined(routed)
    client.force_login(routed.partner)
    response = client.post(supplement_url(signal), {"message": "Het adres is Dorpsstraat 12, 8021 AB."})
    assert response.status_code == 302
    signal.refresh_from_db()
    assert signal.status == workflow.Status.RECEIVED
    row = signal.decisions.get(kind=workflow.Decision.SUPPLEMENT)
    assert (row.decided_by, row.reason) == (routed.partner, "Het adres is Dorpsstraat 12, 8021 AB.")
    latest = signal.history.latest()
    assert latest.history_user == routed.partner
    assert latest.history_change_reason.startswith("Aangevuld door de melder: Het adres is")
    # The coordinator hears, finds it in the queue and reads it on the signal.
    notice = Notification.objects.get(user=routed.coordinator_a, kind=Notification.Kind.SUPPLEMENTED)
    assert notice.reference == signal.reference and "Dorpsstraat" not in notice.url
    client.force_login(routed.coordinator_a)
    assert signal.reference in client.get(reverse("cases:referral_queue")).text
    page = client.get(signal.get_absolute_url()).text
    assert "Aangevuld door de melder" in page and "Het adres is Dorpsstraat 12, 8021 AB." in page
    # The partner sees what their organisation added; the form is gone.
    client.force_login(routed.partner)
    page = client.get(status_url(signal)).text
    assert "Het adres is Dorpsstraat 12, 8021 AB." in page and "Signaal aanvullen" not in page


def test_a_second_supplement_on_a_signal_that_is_new_again_changes_nothing(client, routed):
    signal = declined(routed)
    client.force_login(routed.partner)
    client.post(supplement_url(signal), {"message": "Eerste aanvulling."})
    response = client.post(supplement_url(signal), {"message": "Tweede aanvulling."}, follow=True)
    assert "Dit signaal staat niet meer op" in response.text
    assert signal.decisions.filter(kind=workflow.Decision.SUPPLEMENT).count() == 1


def test_an_empty_supplement_is_refused_at_the_field(client, routed):
    signal = declined(routed)
    client.force_login(routed.partner)
    response = client.post(supplement_url(signal), {"message": "   "})
    assert response.status_code == 400
    assert "Schrijf de informatie die u wilt toevoegen." in response.text
    signal.refresh_from_db()
    assert signal.status == workflow.Status.DECLINED


def test_only_the_sending_organisation_adds_information(client, routed):
    signal = declined(routed)
    stranger = UserFactory(organisation=OrganisationFactory(sector="gp"))
    client.force_login(stranger)
    assert client.post(supplement_url(signal), {"message": "Ik weet meer."}).status_code == 404
    client.force_login(routed.coordinator_a)
    assert client.post(supplement_url(signal), {"message": "Ik weet meer."}).status_code == 403
    signal.refresh_from_db()
    assert signal.status == workflow.Status.DECLINED


def test_adding_information_is_one_transaction(routed, monkeypatch):
    """A failure after the state change (the notification) leaves the signal declined, no row."""
    signal = declined(routed)

    def broken(**kwargs):
        raise RuntimeError("notification store down")

    monkeypatch.setattr("cases.notifications.signal_supplemented", broken)
    with pytest.raises(RuntimeError):
        services.referral_supplement(referral=signal, by=routed.partner, message="Meer informatie.")
    signal.refresh_from_db()
    assert signal.status == workflow.Status.DECLINED
    assert not ReferralDecision.objects.filter(referral=signal, kind=workflow.Decision.SUPPLEMENT).exists()


# --- The 403 page ------------------------------------------------------------------------------


def test_the_403_page_tells_a_partner_whom_to_ask_not_a_coordinator(client, routed):
    grade(routed, Mandate.FeedbackLevel.STATUS)
    client.force_login(routed.partner)
    response = client.get(reverse("cases:referral_queue"))
    assert response.status_code == 403
    assert "coördinator" not in response.text
    assert "Team Noord" in response.text and "038-7001100" in response.text
    assert "Meester Jansen (intern begeleider)" in response.text


def test_the_403_page_still_sends_a_team_member_to_the_coordinator(client, routed):
    client.force_login(routed.worker_a)
    response = client.get(SEND)
    assert response.status_code == 403
    assert "Wie u kunt vragen" not in response.text


# --- The team's phone, and the API -----------------------------------------------------------


def test_the_manager_sets_the_teams_phone_and_a_wrong_one_is_refused_at_the_field(client, routed):
    from teams.forms import TeamProfileForm
    from tests.test_permission_matrix import as_posted

    client.force_login(routed.manager_ab)
    url = reverse("teams:team_edit", args=[routed.team_a.pk])
    data = as_posted(TeamProfileForm(instance=routed.team_a), phone="12ab")
    response = client.post(url, data)
    assert response.status_code == 200 and 'value="12ab"' in response.text
    assert "telefoonnummer" in response.text
    assert client.post(url, {**data, "phone": "038 700 1999"}).status_code == 302
    routed.team_a.refresh_from_db()
    assert routed.team_a.phone == "+31387001999"


def test_the_api_takes_the_label_and_whether_the_family_knows(client, routed):
    partner = Partner(client, routed.partner.organisation)
    body = signal_payload(partner_label="Groep 5", family_aware="yes", guardian_name="K. de Vries")
    response = client.post(
        reverse("api:signals"), json.dumps(body), content_type="application/json", **partner.headers()
    )
    assert response.status_code == 201, response.content
    assert response.json()["partner_label"] == "Groep 5"
    signal = Referral.objects.get()
    assert (signal.partner_label, signal.family_aware, signal.guardian_name) == (
        "Groep 5",
        "yes",
        "K. de Vries",
    )
    response = client.post(
        reverse("api:signals"),
        json.dumps(signal_payload()),
        content_type="application/json",
        **partner.headers(),
    )
    assert response.status_code == 201
    assert Referral.objects.get(pk=response.json()["id"]).family_aware == "unknown", "optional in the API"


def test_the_service_refuses_another_organisations_reporter(routed):
    from django.core.exceptions import PermissionDenied

    signal = declined(routed)
    stranger = UserFactory(organisation=OrganisationFactory(sector="gp"))
    with pytest.raises(PermissionDenied):
        services.referral_supplement(referral=signal, by=stranger, message="Ik weet meer.")
    signal.refresh_from_db()
    assert signal.status == workflow.Status.DECLINED
