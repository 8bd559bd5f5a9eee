"""The sharing gate per person and per category, feedback by the mandate's grade, and prior
information that is need-to-know until the team has a basis (issue: privacy in every output)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import services
from cases.models import ConsentDecision, Share
from cases.tests.conftest import born
from cases.tests.factories import PersonFactory, ReferralFactory
from cases.tests.test_consent import consent_to
from mandates.tests.factories import MandateFactory
from teams.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def share_url(household, **query):
    url = reverse("cases:share_add", args=[household.pk])
    return url + "?" + "&".join(f"{key}={value}" for key, value in query.items()) if query else url


def give(world, person, by=None, **overrides):
    """Record a consent of an adult (or a young person of 16+) who decides alone."""
    return services.consent_record(
        decision=consent_to(world, **overrides), person=person, by=by or world.worker_a
    )


def signal_from(world, household, organisation=None):
    """A signal from the partner's organisation, accepted into this household."""
    signal = ReferralFactory(
        team=world.team_a, sender_organisation=organisation or world.partner.organisation
    )
    services.referral_accept(
        referral=signal, by=world.coordinator_a, household=household, worker=world.worker_a
    )
    signal.refresh_from_db()
    return signal


def share_of(world, household, persons, categories, **overrides):
    fields = {
        "household": household,
        "recipient": world.partner.organisation,
        "purpose": "coordination",
        "persons": persons,
        "categories": categories,
        "content": "Het gezin krijgt hulp.",
        "by": world.worker_a,
    }
    return services.share(**{**fields, **overrides})


# --- Per person and per category -------------------------------------------------------------


def test_one_members_consent_covers_that_member_only(world, family):
    household, people = family
    give(world, people["mother"], purpose="coordination", categories=["contact", "situation"])
    with pytest.raises(services.SharingRefused, match="Sem"):
        share_of(world, household, [people["mother"], people["teen"]], ["situation"])
    share = share_of(world, household, [people["mother"]], ["situation"])
    assert set(share.persons.all()) == {people["mother"]}
    assert (share.categories, share.ground) == (["situation"], "consent")
    assert "Ilse" in share.ground_reference


def test_the_consents_categories_bound_what_is_shared(world, family):
    household, people = family
    give(world, people["mother"], purpose="coordination", categories=["contact", "situation"])
    with pytest.raises(services.SharingRefused):
        share_of(world, household, [people["mother"]], ["situation", "debt"])
    assert not Share.objects.exists()


def test_a_parents_consent_stops_counting_when_the_child_decides_alone(world, family):
    household, people = family
    # Given by the mother when Lotte was eleven; Lotte is seventeen now and decides herself.
    ConsentDecision.objects.create(
        person=people["young"],
        recipient=world.partner.organisation,
        purpose="coordination",
        categories=["contact"],
        decision="given",
        legal_basis="consent",
        obtained="written",
        decided_by=[str(people["mother"].pk)],
        recorded_by=world.worker_a,
    )
    cover = services.coverage(
        household=household, recipient=world.partner.organisation, purpose="coordination"
    )
    lotte = cover.cover_of(people["young"].pk)
    assert lotte.categories == [] and "Lotte" in lotte.why_not
    with pytest.raises(services.SharingRefused):
        share_of(world, household, [people["young"]], ["contact"])


def test_a_legal_basis_recorded_for_a_person_covers_its_categories(world, family):
    household, people = family
    give(
        world,
        people["father"],
        purpose="coordination",
        categories=["health"],
        legal_basis="vital_interest",
        obtained="",
    )
    share = share_of(world, household, [people["father"]], ["health"])
    assert share.ground == "basis"


def test_a_mandates_basis_covers_only_its_categories_for_everyone(world, family):
    household, people = family
    MandateFactory(team=world.team_a, organisation=world.partner.organisation, categories=["contact"])
    share = share_of(world, household, [people["mother"], people["child"]], ["contact"])
    assert share.ground == "mandate"
    with pytest.raises(services.SharingRefused):
        share_of(world, household, [people["mother"]], ["contact", "health"])
    MandateFactory(
        team=world.team_a,
        organisation=world.partner.organisation,
        domain="ggz",
        sharing_basis="consent_only",
        categories=[],
    )
    with pytest.raises(services.SharingRefused):
        share_of(world, household, [people["mother"]], ["health"])


def test_the_form_offers_only_what_is_covered_and_says_why_per_person(client, world, family):
    household, people = family
    give(world, people["mother"], purpose="coordination", categories=["contact", "situation"])
    client.force_login(world.worker_a)
    page = client.get(share_url(household, recipient=world.partner.organisation.pk, purpose="coordination"))
    form = page.context["form"]
    assert list(form.fields["persons"].queryset) == [people["mother"]]
    assert [value for value, _label in form.fields["categories"].choices] == ["contact", "situation"]
    assert "override_reason" not in form.fields
    covers = {cover.person.first_name: cover for cover in page.context["coverage"].covers}
    assert covers["Sem"].why_not and covers["Sem"].why_not in page.text, "per person why not"
    # A tampered POST for someone or something not offered is refused at the field, text kept.
    response = client.post(
        share_url(household, recipient=world.partner.organisation.pk, purpose="coordination"),
        {"persons": [people["mother"].pk], "categories": ["debt"], "content": "Schulden: 12.000 euro"},
    )
    assert response.status_code == 200 and response.context["form"].errors["categories"]
    assert "Schulden: 12.000 euro" in response.text
    assert not Share.objects.exists()
    response = client.post(
        share_url(household, recipient=world.partner.organisation.pk, purpose="coordination"),
        {"persons": [people["mother"].pk], "categories": ["situation"], "content": "Het gaat beter."},
    )
    assert response.status_code == 302
    assert Share.objects.get().persons.get() == people["mother"]


def test_a_coordinator_may_override_with_a_reason_which_is_kept_and_shown(client, world, family):
    household, people = family
    url = share_url(household, recipient=world.partner.organisation.pk, purpose="coordination")
    data = {
        "persons": [people["child"].pk],
        "categories": ["health"],
        "content": "Zorgen om Noor",
        "override_reason": "Acute zorg om de kinderen",
    }
    client.force_login(world.worker_a)
    client.post(url, data)
    assert not Share.objects.exists(), "a worker cannot override"
    client.force_login(world.coordinator_a)
    form = client.get(url).context["form"]
    assert people["child"] in form.fields["persons"].queryset, "the coordinator sees every person"
    without_reason = client.post(url, {**data, "override_reason": ""})
    assert without_reason.context["form"].errors["categories"], "not without a reason: said at the field"
    assert client.post(url, data).status_code == 302
    share = Share.objects.get()
    assert (share.ground, share.override_reason) == ("override", "Acute zorg om de kinderen")
    assert "Acute zorg om de kinderen" not in share.content
    assert "zonder toestemming" in client.get(household.get_absolute_url()).text


def test_the_share_page_costs_the_same_for_a_large_household(client, world, family):
    household, people = family
    give(world, people["mother"], purpose="coordination", categories=["contact"])
    client.force_login(world.worker_a)
    url = share_url(household, recipient=world.partner.organisation.pk, purpose="coordination")
    client.get(url)  # the session and the translations are warm for both counts
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for number in range(6):
        child = PersonFactory(household=household, relation="child", birth_date=born(20 + number))
        give(world, child, purpose="coordination", categories=["contact"])
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(large) == len(small)


# --- Feedback by the mandate's grade ---------------------------------------------------------


def feedback(world, household, persons, categories, content="Wij zijn in contact met het gezin.", **kw):
    return share_of(world, household, persons, categories, purpose="feedback", content=content, **kw)


def test_feedback_goes_only_to_an_organisation_that_sent_a_signal(client, world, family):
    household, people = family
    MandateFactory(team=world.team_a, organisation=world.partner.organisation, feedback_level="full")
    give(world, people["mother"], categories=["situation"])
    with pytest.raises(services.SharingRefused):
        feedback(world, household, [people["mother"]], ["situation"])
    with pytest.raises(services.SharingRefused):  # not even by a coordinator's override
        feedback(
            world, household, [people["mother"]], ["situation"], by=world.coordinator_a, override_reason="x"
        )
    client.force_login(world.worker_a)
    page = client.get(share_url(household, recipient=world.partner.organisation.pk, purpose="feedback"))
    assert page.context["target"].errors["recipient"], "said at the field, in step one"
    signal = signal_from(world, household)
    share = feedback(world, household, [people["mother"]], ["situation"])
    assert share.referral == signal, "attached to the partner's signal"


def test_status_only_means_no_feedback_is_shared(client, world, family):
    household, people = family
    signal = signal_from(world, household)
    MandateFactory(team=world.team_a, organisation=world.partner.organisation, feedback_level="status")
    give(world, people["mother"], categories=["situation", "debt", "health"])
    for by, reason in ((world.worker_a, ""), (world.coordinator_a, "Dringend")):
        with pytest.raises(services.SharingRefused):
            feedback(world, household, [people["mother"]], ["situation"], by=by, override_reason=reason)
    client.force_login(world.worker_a)
    page = client.get(share_url(household, referral=signal.pk))
    assert page.context["coverage"].refused and page.context["coverage"].refused in page.text
    assert not Share.objects.exists()


def test_without_a_mandate_a_partner_gets_the_status_only(world, family):
    household, people = family
    signal_from(world, household)
    give(world, people["mother"], categories=["situation"])
    with pytest.raises(services.SharingRefused):
        feedback(world, household, [people["mother"]], ["situation"])


def test_a_summary_grade_needs_consent_and_a_short_text(world, family):
    household, people = family
    signal_from(world, household)
    MandateFactory(
        team=world.team_a,
        organisation=world.partner.organisation,
        feedback_level="summary",
        categories=["situation", "debt", "health"],
    )
    with pytest.raises(services.SharingRefused):  # the mandate's basis does not count for a summary
        feedback(world, household, [people["mother"]], ["debt"])
    give(world, people["mother"], categories=["situation"])
    with pytest.raises(services.SharingRefused):  # consent for the situation, not for debts
        feedback(world, household, [people["mother"]], ["debt", "health"])
    with pytest.raises(Exception, match="400"):
        feedback(
            world, household, [people["mother"]], ["situation"], content="x" * (services.SUMMARY_LENGTH + 1)
        )
    share = feedback(world, household, [people["mother"]], ["situation"], content="Het gezin krijgt hulp.")
    assert share.ground == "consent"


def test_full_feedback_follows_the_mandate(world, family):
    household, people = family
    signal_from(world, household)
    MandateFactory(
        team=world.team_a,
        organisation=world.partner.organisation,
        feedback_level="full",
        categories=["situation"],
    )
    share = feedback(world, household, [people["mother"], people["child"]], ["situation"], content="x" * 1000)
    assert share.ground == "mandate"
    with pytest.raises(services.SharingRefused):
        feedback(world, household, [people["mother"]], ["debt"])


def test_the_partner_sees_exactly_what_was_shared_with_it(client, world, family):
    household, people = family
    signal = signal_from(world, household)
    other = OrganisationFactory(sector="housing", is_partner=True)
    MandateFactory(team=world.team_a, organisation=world.partner.organisation, feedback_level="summary")
    MandateFactory(team=world.team_a, organisation=other, categories=["debt"], domain="housing")
    status_url = reverse("cases:partner_referral_status", args=[signal.reference])
    client.force_login(world.partner)
    assert "feedback-item" not in client.get(status_url).text, "the status, nothing more"
    give(world, people["mother"], categories=["situation"])
    feedback(
        world, household, [people["mother"]], ["situation"], content="Wij zijn in contact met het gezin."
    )
    share_of(
        world, household, [people["mother"]], ["debt"], recipient=other, content="Huurachterstand 3 maanden"
    )
    page = client.get(status_url).text
    assert page.count("feedback-item") == 1
    assert "Wij zijn in contact met het gezin." in page
    assert "Huurachterstand" not in page


# --- Prior information: need-to-know until there is a basis ---------------------------------


@pytest.mark.parametrize("confidentiality", ["normal", "confidential"])
def test_prior_information_is_for_coordinator_and_lead_until_the_team_has_a_basis(
    client, world, family, confidentiality
):
    household, people = family
    signal = ReferralFactory(
        team=world.team_a,
        prior_information="Vader eerder in beeld bij de GGZ",
        prior_information_confidentiality=confidentiality,
    )
    services.referral_accept(
        referral=signal, by=world.coordinator_a, household=household, worker=world.worker_a
    )
    household.refresh_from_db()
    for user, sees in ((world.coordinator_a, True), (world.worker_a, True), (world.colleague_a, False)):
        client.force_login(user)
        assert ("Vader eerder in beeld" in client.get(signal.get_absolute_url()).text) is sees, user
    services.consent_record(
        decision=ConsentDecision(
            recipient=None,
            purpose="team",
            categories=["situation"],
            decision="given",
            legal_basis="consent",
            obtained="verbal",
        ),
        person=people["mother"],
        by=world.worker_a,
    )
    client.force_login(world.colleague_a)
    visible = "Vader eerder in beeld" in client.get(signal.get_absolute_url()).text
    assert visible is (confidentiality == "normal"), "the team sees the normal part, never the confidential"


def test_consent_for_the_team_itself_has_no_recipient(client, world, family):
    household, people = family
    client.force_login(world.worker_a)
    url = reverse("cases:consent_add", args=[household.pk, people["mother"].pk])
    data = {
        "purpose": "team",
        "categories": ["situation"],
        "decision": "given",
        "legal_basis": "legal_task",
        "basis_text": "Wmo 2015 art. 2.3.2",
    }
    response = client.post(url, {**data, "recipient": world.partner.organisation.pk})
    assert response.status_code == 200 and response.context["form"].errors["recipient"]
    response = client.post(url, {**data, "purpose": "feedback"})
    assert response.status_code == 200 and response.context["form"].errors["recipient"]
    assert client.post(url, data).status_code == 302
    assert services.team_has_basis(household)
    assert ConsentDecision.objects.get().recipient is None


def test_a_withdrawn_basis_for_the_team_closes_prior_information_again(world, family):
    household, people = family
    given = give(world, people["mother"], recipient=None, purpose="team")
    assert services.team_has_basis(household)
    services.consent_withdraw(given=given, by=world.worker_a, withdrawn_by=people["mother"])
    assert not services.team_has_basis(household)


def test_the_household_page_says_whether_the_team_has_a_basis(client, world, family):
    household, people = family
    client.force_login(world.worker_a)
    assert client.get(household.get_absolute_url()).context["team_basis"] is None
    given = give(world, people["mother"], recipient=None, purpose="team")
    assert client.get(household.get_absolute_url()).context["team_basis"] == given
    services.consent_withdraw(given=given, by=world.worker_a, withdrawn_by=people["mother"])
    assert client.get(household.get_absolute_url()).context["team_basis"] is None
