"""The demo data: idempotent, and every account sees what its role and team allow."""

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.urls import reverse

from cases.models import (
    AccessEvent,
    Action,
    CaseReview,
    ConsentDecision,
    Contact,
    Household,
    Person,
    Plan,
    Referral,
    ReferralDecision,
    SafetyWarning,
    Share,
    Task,
)
from mandates.models import Mandate, MandateReview
from teams.models import Organisation, Position, Team, User

pytestmark = pytest.mark.django_db


def _counts():
    return (
        User.objects.count(),
        Organisation.objects.count(),
        Household.objects.count(),
        Person.objects.count(),
        Household.history.count(),
        User.history.count(),
        Referral.objects.count(),
        ReferralDecision.objects.count(),
        Task.objects.count(),
        Plan.objects.count(),
        Action.history.count(),
        Contact.objects.count(),
    )


def test_seed_demo_builds_the_documented_world_once(demo):
    """Households, signals in every state with an overdue one and a match, plans with ZRM;
    a second run changes nothing."""
    before = _counts()
    call_command("seed_demo", allow_without_debug=True, stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert _counts() == before
    _signals_in_every_state()
    _plans_in_every_state()
    _contacts()
    _mandates_and_profiles()
    _consent()
    assert Household.objects.filter(team__name="Noord").count() == 40
    assert Household.objects.filter(team__name="Zuid").count() == 40
    assert Organisation.objects.filter(is_partner=True).values("sector").distinct().count() >= 10
    assert Household.objects.filter(lead_worker__username="worker.noord").exists()
    assert Household.objects.filter(status="closed").exists()


def _signals_in_every_state():
    for team in ("Noord", "Zuid"):
        signals = Referral.objects.filter(team__name=team)
        assert set(signals.values_list("status", flat=True)) >= {
            "received",
            "accepted",
            "assigned",
            "declined",
            "forwarded",
            "merged",
            "closed",
        }
        assert any(signal.is_overdue for signal in signals)
        assert Task.objects.filter(household__team__name=team, kind="match_check", status="open").count() == 1
    assert Referral.objects.filter(sender_organisation__name="OBS De Regenboog").exists(), (
        "partner.school has signals"
    )


def _mandates_and_profiles():
    """Mandates in every status, one review overdue, one ending within a month; team profiles."""
    for team in ("Noord", "Zuid"):
        mandates = Mandate.objects.filter(team__name=team)
        assert set(mandates.values_list("status", flat=True)) == {"draft", "active", "suspended", "ended"}
        attention = list(mandates.needing_attention())
        assert any(m.review_due for m in attention) and any(m.ending_soon for m in attention)
        assert MandateReview.objects.filter(mandate__team__name=team).exists()
        profile = Team.objects.get(name=team)
        assert profile.funders and profile.participating_organisations.exists() and profile.support_group
    kinds = set(Position.objects.values_list("membership", "accountable_to"))
    assert {("institution", "institution"), ("team", "team")} <= kinds


def _consent():
    """Consent in every state, feedback to the school on it, one emergency access."""
    assert set(ConsentDecision.objects.values_list("decision", flat=True)) == {
        "given",
        "refused",
        "withdrawn",
    }
    assert Share.objects.filter(recipient__name="OBS De Regenboog", ground="consent").exists()
    assert AccessEvent.objects.filter(action="emergency").exclude(reason="").exists()


def _contacts():
    """Contact histories: most reached, some drifting out of contact, one warning per team."""
    for team in ("Noord", "Zuid"):
        households = Household.objects.filter(team__name=team)
        assert households.drifting().exists()
        assert households.filter(contacts__reached=True).exists()
        assert SafetyWarning.objects.filter(household__team__name=team).active().count() == 1
    worker = User.objects.get(username="worker.noord")
    assert Household.objects.visible_to(worker).filter(lead_worker=worker).drifting().exists()


def _plans_in_every_state():
    """Every open household has its plan; the closed ones were closed before there was one (and
    nothing of a closed household changes until it is reopened)."""
    assert not Household.objects.filter(status="open").exclude(plans__status="current").exists()
    assert Household.objects.filter(status="closed").exists()
    assert Plan.objects.filter(status="evaluated").exists()
    assert Plan.objects.evaluation_due().filter(household__lead_worker__username="worker.noord").exists()
    assert Plan.objects.filter(approval="requested", household__team__name="Zuid").exists()
    assert Action.objects.filter(who="network").exists() and Action.objects.filter(who="partner").exists()
    persons = Person.objects.filter(assessments__isnull=False).annotate(n=Count("assessments"))
    assert persons.filter(n__gte=2).exists()
    assert CaseReview.objects.exists()


def test_seed_demo_refuses_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")


DEMO_ACCOUNTS = {
    "worker.noord": {"Noord"},
    "worker.zuid": {"Zuid"},
    "coordinator.noord": {"Noord"},
    "coordinator.zuid": {"Zuid"},
    "manager": {"Noord", "Zuid"},
    "partner.school": set(),
    "admin": set(),
}


def test_every_demo_account_logs_in_and_sees_its_teams_only(client, demo):
    """One seed for all accounts (seeding is the slow part of these tests)."""
    for username, teams in DEMO_ACCOUNTS.items():
        client.logout()
        response = client.post(reverse("account_login"), {"login": username, "password": "wijkteam-demo"})
        assert response.status_code == 302, username
        visible = Household.objects.visible_to(User.objects.get(username=username))
        assert set(visible.values_list("team__name", flat=True)) == teams
        page = client.get(reverse("cases:household_list"), {"status": ""})
        if not teams:
            assert page.status_code == 403, f"{username}: no position, no household list"
            continue
        assert page.context["page"].paginator.count == visible.count(), username


# --- Privacy in every output, in the demo (issue: need-to-know, consent per person, grades) -----


def test_demo_export_by_a_worker_who_does_not_lead_the_household(client, demo):
    """worker.noord exports a member of a household led by a colleague, with confidential prior
    information: none of it, no reporter, no other member's data."""
    from tests.test_export import login_for_real

    signal = (
        Referral.objects.filter(
            team__name="Noord", household__status="open", prior_information_confidentiality="confidential"
        )
        .exclude(prior_information="")
        .exclude(household__lead_worker__username="worker.noord")
        .select_related("household")
        .first()
    )
    assert signal is not None, "the demo has such a household"
    household = signal.household
    members = list(household.members.order_by("birth_date"))
    person, others = members[0], members[1:]
    assert others, "the household has other members to withhold"
    login_for_real(client, User.objects.get(username="worker.noord"))
    url = reverse("cases:person_export", args=[household.pk, person.pk])
    for response in (client.get(url), client.get(url, {"format": "json"})):
        assert response.status_code == 200
        text = response.content.decode()
        assert signal.prior_information not in text
        for value in (signal.sender_name, signal.sender_phone, signal.sender_email):
            assert value and value not in text
        for other in others:
            assert other.last_name not in text or other.last_name == person.last_name
            if other.birth_date:
                assert other.birth_date.isoformat() not in text
                assert other.birth_date.strftime("%d-%m-%Y") not in text


def test_demo_share_with_partial_consent_offers_only_what_is_covered(client, demo):
    mee = Organisation.objects.get(name="MEE Oost")
    consent = ConsentDecision.objects.get(
        recipient=mee, purpose="coordination", decision="given", person__household__team__name="Noord"
    )
    household = consent.person.household
    assert household.members.count() > 1, "others in the household have not agreed"
    client.force_login(User.objects.get(username="worker.noord"))
    url = reverse("cases:share_add", args=[household.pk]) + f"?recipient={mee.pk}&purpose=coordination"
    form = client.get(url).context["form"]
    assert list(form.fields["persons"].queryset) == [consent.person]
    assert [value for value, _label in form.fields["categories"].choices] == ["contact", "situation"]


def test_demo_school_sees_exactly_the_feedback_its_grade_allows(client, demo):
    school = Organisation.objects.get(name="OBS De Regenboog")
    mandate = Mandate.objects.in_force().get(organisation=school, team__name="Noord")
    assert mandate.feedback_level == "summary"
    shared = Share.objects.get(recipient=school, household__team__name="Noord")
    assert shared.ground == "consent" and len(shared.content) <= 400
    client.force_login(User.objects.get(username="partner.school"))
    page = client.get(reverse("cases:partner_referral_status", args=[shared.referral.reference])).text
    assert page.count("feedback-item") == 1 and shared.content in page
    for other in Referral.objects.filter(sender_organisation=school, shares__isnull=True):
        other_page = client.get(reverse("cases:partner_referral_status", args=[other.reference])).text
        assert "feedback-item" not in other_page, "status only where nothing was shared"
