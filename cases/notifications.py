"""Who hears of what in the case record: signals assigned or past their deadline, evaluations
due, a colleague's change to a household one leads (teams/notifications.py stores and mails).

A notification carries a kind, a link and at most a signal's reference number: never a name,
an address or what a signal says. The services call `signal_assigned` and `household_changed`
inside their own transaction, so a change that is rolled back notifies nobody; the checks are
jobs of the schedule (wijkteam/schedule.py) and notify each user once per signal or plan.
"""

from django.db.models import Exists, OuterRef
from django.tasks import task
from django.urls import reverse
from django.utils import timezone

from cases import workflow
from cases.models import Contact, Household, Plan, Referral
from teams.models import Notification
from teams.notifications import Event, holders_by_team, notify, notify_once

URGENT = {Referral.Urgency.URGENT, Referral.Urgency.CRISIS}


def signal_assigned(*, referral: Referral, worker, by) -> None:
    """The worker hears that a signal is theirs (not when they took it themselves); an urgent or
    crisis signal is urgent for the mail too."""
    if worker.pk == by.pk:
        return
    notify(
        Event(
            user_id=worker.pk,
            kind=Notification.Kind.ASSIGNED,
            url=reverse("cases:referral_detail", args=[referral.pk]),
            key=f"referral:{referral.pk}:assigned",
            reference=referral.reference,
            urgent=referral.urgency in URGENT,
        )
    )


def signal_supplemented(*, referral: Referral) -> None:
    """Who triages the team's signals hears that a partner answered a decline: the signal is
    back in the queue. Urgent for the mail when the signal is."""
    for user_id in holders_by_team("referral.triage", [referral.team_id]).get(referral.team_id, ()):
        notify(
            Event(
                user_id=user_id,
                kind=Notification.Kind.SUPPLEMENTED,
                url=reverse("cases:referral_detail", args=[referral.pk]),
                key=f"referral:{referral.pk}:supplemented",
                reference=referral.reference,
                urgent=referral.urgency in URGENT,
            )
        )


def household_changed(*, household: Household, by, new_lead: bool = False) -> None:
    """The lead worker hears of a colleague's change to their household (of their own, nothing).

    Changes add up in one unread notification per household. A change that makes someone the
    lead is not a change to *their* household yet (an assignment tells them itself).
    """
    lead = household.lead_worker_id
    if lead is None or lead == by.pk or new_lead:
        return
    notify(
        Event(
            user_id=lead,
            kind=Notification.Kind.HOUSEHOLD_CHANGED,
            url=reverse("cases:household_detail", args=[household.pk]),
            key=f"household:{household.pk}:changed",
        )
    )


def overdue_events(today=None) -> list[Event]:
    """A signal past its first-contact deadline: undecided, to who triages it; assigned without a
    successful contact with its household since it came in, to the worker it is assigned to."""
    today = today or timezone.localdate()
    undecided = list(
        Referral.objects.filter(status__in=workflow.UNDECIDED, first_contact_due__lt=today).values_list(
            "pk", "team_id", "reference", "first_contact_due"
        )
    )
    reached = Contact.objects.filter(
        household=OuterRef("household"), reached=True, at__gte=OuterRef("received_at")
    )
    assigned = (
        Referral.objects.filter(status=workflow.Status.ASSIGNED, first_contact_due__lt=today)
        .exclude(Exists(reached))
        .values_list("pk", "assigned_to_id", "reference", "first_contact_due")
    )
    holders = holders_by_team("referral.triage", {team_id for _pk, team_id, _ref, _due in undecided})

    def event(user_id, pk, reference, due):
        return Event(
            user_id=user_id,
            kind=Notification.Kind.OVERDUE,
            url=reverse("cases:referral_detail", args=[pk]),
            key=f"referral:{pk}:overdue:{due.isoformat()}",
            reference=reference,
            urgent=True,
        )

    events = [
        event(user_id, pk, reference, due)
        for pk, team_id, reference, due in undecided
        for user_id in holders.get(team_id, ())
    ]
    events += [event(user_id, pk, reference, due) for pk, user_id, reference, due in assigned]
    return events


def evaluation_events(today=None) -> list[Event]:
    """A current plan past its evaluation date, to the lead worker of its open household."""
    plans = (
        Plan.objects.evaluation_due(today)
        .filter(household__status=Household.Status.OPEN, household__lead_worker__isnull=False)
        .values_list("pk", "household_id", "household__lead_worker_id", "evaluation_date")
    )
    return [
        Event(
            user_id=lead,
            kind=Notification.Kind.EVALUATION_DUE,
            url=reverse("cases:plan_detail", args=[household_id]),
            key=f"plan:{pk}:evaluation:{due.isoformat()}",
        )
        for pk, household_id, lead, due in plans
    ]


@task()
def check_deadlines() -> int:
    """Scheduled: notify of signals past their deadline, once per signal and deadline."""
    return len(notify_once(overdue_events()))


@task()
def check_evaluations() -> int:
    """Scheduled: notify of plans whose evaluation is due, once per plan and date."""
    return len(notify_once(evaluation_events()))
