"""Demo consent: given (with a short summary back to the school that signalled, the most its
mandate allows), the team's own basis, partial consent (one adult, two kinds of data), refused,
given and then withdrawn, and one emergency access in the log. Used by `seed_demo`."""

from cases import services
from cases.management.demo_people import demo_user
from cases.models import AccessEvent, ConsentDecision, Household, Referral
from teams.models import Team


def _decision(recipient, purpose, decision="given", categories=("contact", "situation")):
    return ConsentDecision(
        recipient=recipient,
        purpose=purpose,
        categories=list(categories),
        decision=decision,
        legal_basis="consent",
        obtained="verbal",
        information_given="Uitgelegd wat er gedeeld wordt, met wie en waarom; intrekken kan altijd.",
    )


def seed_consent(team: Team, organisations: dict) -> None:
    if ConsentDecision.objects.filter(person__household__team=team).exists():
        return
    worker = demo_user(team, "worker")
    coordinator = demo_user(team, "coordinator")
    school = organisations["OBS De Regenboog"]
    # The school's assigned signal: the family agreed that the school hears how it goes.
    signal = Referral.objects.filter(team=team, sender_organisation=school, status="assigned").first()
    if signal is not None:
        household = signal.household
        adult = household.members.order_by("birth_date").first()
        # The family works with the team: from now on the team sees the normal prior information.
        services.consent_record(decision=_decision(None, "team"), person=adult, by=worker)
        services.consent_record(
            decision=_decision(school, "feedback", categories=["situation"]), person=adult, by=worker
        )
        services.share(
            household=household,
            recipient=school,
            purpose="feedback",
            persons=[adult],
            categories=["situation"],
            content="Wij zijn met het gezin in gesprek en er is een plan. "
            "Neem gerust contact op met de regisseur.",
            by=worker,
            referral=signal,
        )
    # Partial consent: one adult agrees that MEE hears contact details and the situation; nobody
    # else in the household has agreed to anything, so a share offers only that.
    partial = (
        Household.objects.filter(team=team, status="open", lead_worker=worker)
        .exclude(pk=signal.household_id if signal else None)
        .order_by("name")
        .first()
    )
    if partial is not None:
        services.consent_record(
            decision=_decision(organisations["MEE Oost"], "coordination"),
            person=partial.members.order_by("birth_date").first(),
            by=worker,
        )
    others = list(Household.objects.filter(team=team, status="open").order_by("name")[5:7])
    refused_by = others[0].members.order_by("birth_date").first()
    services.consent_record(
        decision=_decision(organisations["GGZ Noord-Oost"], "coordination", "refused"),
        person=refused_by,
        by=worker,
    )
    withdrawer = others[1].members.order_by("birth_date").first()
    given = services.consent_record(
        decision=_decision(organisations["Woonstichting Thuis aan de IJssel"], "coordination"),
        person=withdrawer,
        by=worker,
    )
    services.consent_withdraw(given=given, by=worker, withdrawn_by=withdrawer)
    # One emergency access, as the log would hold it after a colleague opened prior information.
    with_prior = (
        Referral.objects.filter(team=team).exclude(prior_information="").exclude(household=None).first()
    )
    if with_prior is not None:
        AccessEvent(
            user=coordinator,
            role="coordinator",
            team=team,
            household=with_prior.household,
            action=AccessEvent.Action.EMERGENCY,
            object_type="referral",
            object_id=str(with_prior.pk),
            basis="team_position",
            reason="Avondbezoek met de wijkagent; eerst weten of er eerder geweld was.",
        ).save()
