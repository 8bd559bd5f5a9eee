"""Managers hear of mandates that need a review or end within a month (Mandate.needing_attention),
without logging in to look: a notification in the app, counted in their e-mail digest."""

from django.tasks import task
from django.urls import reverse

from mandates.models import Mandate
from teams.models import Notification
from teams.notifications import Event, holders_by_team, notify_once


def review_events(today=None) -> list[Event]:
    """Each mandate needing attention, to who may edit the team's mandates ("mandate.edit"),
    once per review date and end date."""
    mandates = list(
        Mandate.objects.needing_attention(today).values_list("pk", "team_id", "next_review_on", "valid_until")
    )
    holders = holders_by_team("mandate.edit", {team_id for _pk, team_id, _review, _until in mandates})
    return [
        Event(
            user_id=user_id,
            kind=Notification.Kind.MANDATE_REVIEW,
            url=reverse("mandates:detail", args=[pk]),
            key=f"mandate:{pk}:review:{review}:{until}",
        )
        for pk, team_id, review, until in mandates
        for user_id in holders.get(team_id, ())
    ]


@task()
def remind_reviews() -> int:
    """Scheduled: notify managers of mandates needing attention, once per mandate and date."""
    return len(notify_once(review_events()))
