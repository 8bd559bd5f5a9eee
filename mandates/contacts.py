"""Whom a partner asks: per team its organisation works with, the team's phone and the contact
person the mandate names for the partner (the status page of a signal, the 403 page)."""

import dataclasses

from django.db.models import Q

from mandates.models import Mandate
from teams.models import Team


@dataclasses.dataclass
class TeamContact:
    team: Team
    contact_person: str = ""
    contact_details: str = ""


def team_contacts(organisation_id: int, team_ids=None) -> list[TeamContact]:
    """The teams the organisation holds a mandate in force with or sent a signal to (or just
    `team_ids`), each with its phone and the mandate's contact person. Two queries."""
    if team_ids is None:
        from cases.models import Referral

        teams = Team.objects.filter(
            Q(pk__in=Mandate.objects.in_force().filter(organisation_id=organisation_id).values("team_id"))
            | Q(pk__in=Referral.objects.filter(sender_organisation_id=organisation_id).values("team_id"))
        )
    else:
        teams = Team.objects.filter(pk__in=team_ids)
    contacts = {team.pk: TeamContact(team) for team in teams.order_by("name")}
    mandates = (
        Mandate.objects.in_force()
        .filter(organisation_id=organisation_id, team_id__in=contacts)
        .exclude(contact_person="", contact_details="")
        .order_by("valid_from")
    )
    for mandate in mandates:
        contacts[mandate.team_id].contact_person = mandate.contact_person
        contacts[mandate.team_id].contact_details = mandate.contact_details
    return list(contacts.values())
