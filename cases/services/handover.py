"""When a worker leaves or is away: what they hold, who holds things without a position, and a
handover of all of it in one transaction (issue 23).

What a worker *holds* in a team: the open households they lead (with the household go its tasks,
which are the lead worker's), the signals assigned to them that wait for their first contact,
the open plan actions they carry, and the planned appointments they go to from today on.

An *orphan* is something held by a user without an active position in the team that may lead
households there: from the day the position ends, the coordinator's start page says so.

`handover` moves each item to a colleague of the team (one who may lead there, also on the
appointment's day), with one reason, through the services that own each item: their history,
checks and notifications stay as they are. One transaction: one refusal moves nothing.
"""

import dataclasses

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Value
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from cases import workflow
from cases.models import Action, Appointment, Household, Plan, Referral
from cases.services.agenda import appointment_update
from cases.services.households import household_update, lead_worker_choices
from cases.services.plans import action_save
from cases.services.referrals import referral_reassign
from teams import policy
from teams.models import Cover, Notification, Position, User
from teams.notifications import Event, notify
from wijkteam.history import REASON_LENGTH

HOUSEHOLD, SIGNAL, ACTION, APPOINTMENT = "household", "signal", "action", "appointment"
KINDS = (HOUSEHOLD, SIGNAL, ACTION, APPOINTMENT)


@dataclasses.dataclass
class Holdings:
    """What one user holds in one team, by kind (each a list, in a stable order)."""

    households: list
    signals: list
    actions: list
    appointments: list

    def items(self):
        """(kind, object) for every item, in the order of the page."""
        for kind, objects in zip(
            KINDS, (self.households, self.signals, self.actions, self.appointments), strict=True
        ):
            for obj in objects:
                yield kind, obj

    def __len__(self):
        return len(self.households) + len(self.signals) + len(self.actions) + len(self.appointments)


# Per kind: the field that says who holds it, and the path to its team.
HOLDER = {HOUSEHOLD: "lead_worker", SIGNAL: "assigned_to", ACTION: "worker", APPOINTMENT: "workers"}
TEAM = {
    HOUSEHOLD: "team_id",
    SIGNAL: "team_id",
    ACTION: "plan__household__team_id",
    APPOINTMENT: "household__team_id",
}


def _open(kind: str, team_ids):
    """The kind's items that someone still holds, in any of these teams."""
    today = timezone.localdate()
    items = {
        HOUSEHOLD: lambda: Household.objects.filter(status=Household.Status.OPEN),
        SIGNAL: lambda: Referral.objects.filter(status=workflow.Status.ASSIGNED),
        ACTION: lambda: Action.objects.filter(
            plan__household__status=Household.Status.OPEN,
            plan__status=Plan.Status.CURRENT,
            status=Action.Status.OPEN,
        ),
        APPOINTMENT: lambda: Appointment.objects.filter(status=Appointment.Status.PLANNED, date__gte=today),
    }[kind]()
    return items.filter(**{f"{TEAM[kind]}__in": list(team_ids)})


def holdings(team_id: int, user) -> Holdings:
    """Everything `user` holds in the team: four queries, whatever the number of items."""
    return Holdings(
        households=list(_open(HOUSEHOLD, [team_id]).filter(lead_worker=user).order_by("name")),
        signals=list(
            _open(SIGNAL, [team_id])
            .filter(assigned_to=user)
            .select_related("household")
            .order_by("first_contact_due")
        ),
        actions=list(
            _open(ACTION, [team_id])
            .filter(worker=user)
            .select_related("plan__household")
            .order_by("due_date", "pk")
        ),
        appointments=list(
            _open(APPOINTMENT, [team_id])
            .filter(workers=user)
            .select_related("household")
            .order_by("date", "starts_at")
        ),
    )


def orphans(team_ids) -> list[dict]:
    """Per team and user without an active position there that may lead: how many of each kind
    they still hold. One query (a UNION of the four kinds), and one for the users when there are
    any, for any number of teams and items."""
    parts = []
    for index, kind in enumerate(KINDS):
        field, team_path = HOLDER[kind], TEAM[kind]
        parts.append(
            _open(kind, team_ids)
            .exclude(**{f"{field}__isnull": True})
            .annotate(
                present=Exists(
                    Position.objects.active().filter(
                        team_id=OuterRef(team_path),
                        user_id=OuterRef(field),
                        access_role__in=policy.holders("household.lead"),
                    )
                )
            )
            .filter(present=False)
            .order_by()
            .values_list(team_path, field)
            .annotate(kind=Value(index), n=Count("pk", distinct=True))
        )
    held: dict[tuple[int, int], dict[str, int]] = {}
    for team_id, user_id, index, count in parts[0].union(*parts[1:], all=True).order_by():
        held.setdefault((team_id, user_id), dict.fromkeys(KINDS, 0))[KINDS[index]] = count
    users = User.objects.in_bulk({user_id for _team, user_id in held}) if held else {}
    return [
        {"team_id": team_id, "user": users[user_id], "counts": counts, "total": sum(counts.values())}
        for (team_id, user_id), counts in sorted(held.items(), key=lambda item: str(users[item[0][1]]))
    ]


def handover_reason(from_user, to_user, reason: str) -> str:
    """What the history and the household's timeline say of each move (cut at the history's 100
    characters, wijkteam/history.py; the signal's decision keeps it whole)."""
    return Truncator(handed_over(from_user, to_user, reason)).chars(REASON_LENGTH)


def handed_over(from_user, to_user, reason: str) -> str:
    return _("Handed over from %(from)s to %(to)s: %(reason)s") % {
        "from": from_user,
        "to": to_user,
        "reason": reason,
    }


@transaction.atomic
def handover(*, team, from_user, moves: list[tuple[str, object, User]], reason: str, by: User) -> int:
    """Move each (kind, item, to) of `from_user`'s holdings in `team` to `to`; all or nothing.

    `moves` holds items of `holdings(team.pk, from_user)` only (the view builds it from there);
    an item that is no longer theirs (moved by someone else meanwhile) refuses the whole handover.
    Returns the number of items moved.
    """
    policy.require(by, "household.handover", team)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the work is handed over.")})
    present = set(lead_worker_choices([team.pk]).values_list("pk", flat=True))
    receivers: dict[int, int] = {}
    for kind, item, to_user in moves:
        if to_user.pk == from_user.pk:
            raise ValidationError(_("Choose a colleague other than %(name)s.") % {"name": from_user})
        if to_user.pk not in present:
            raise ValidationError(
                _("%(name)s has no position in the team that may take over work.") % {"name": to_user}
            )
        _move(kind, item, from_user, to_user, reason, by)
        receivers[to_user.pk] = receivers.get(to_user.pk, 0) + 1
    for user_id in receivers:
        if user_id != by.pk:
            notify(
                Event(
                    user_id=user_id,
                    kind=Notification.Kind.ASSIGNED,
                    url=reverse("cases:caseload"),
                    key=f"handover:{team.pk}:{from_user.pk}:{timezone.now():%Y%m%d%H%M%S}",
                )
            )
    return sum(receivers.values())


def _move(kind: str, item, from_user, to_user, reason: str, by) -> None:
    """One item, through the service that owns it (its checks, history and notifications)."""
    why = handover_reason(from_user, to_user, reason)
    if kind == HOUSEHOLD:
        household = Household.objects.select_for_update().get(pk=item.pk)
        if household.lead_worker_id != from_user.pk:
            raise _moved_meanwhile(household)
        household.lead_worker = to_user
        household_update(household=household, by=by, reason=why)
    elif kind == SIGNAL:
        whole = handed_over(from_user, to_user, reason)
        referral_reassign(referral=item, worker=to_user, expected_worker_id=from_user.pk, by=by, reason=whole)
    elif kind == ACTION:
        action = Action.objects.select_for_update().select_related("plan").get(pk=item.pk)
        if action.worker_id != from_user.pk:
            raise _moved_meanwhile(action)
        action.worker = to_user
        action_save(action=action, plan=action.plan, by=by, reason=why)
    elif kind == APPOINTMENT:
        appointment = Appointment.objects.select_for_update().get(pk=item.pk)
        workers = list(appointment.workers.all())
        if from_user not in workers:
            raise _moved_meanwhile(appointment)
        others = [worker for worker in workers if worker.pk != from_user.pk]
        new = others + ([to_user] if to_user not in others else [])
        appointment_update(
            appointment=appointment, by=by, workers=new, persons=list(appointment.persons.all()), reason=why
        )
    else:
        raise PermissionDenied


def _moved_meanwhile(obj) -> ValidationError:
    return ValidationError(
        _("%(item)s was changed by someone else meanwhile. Open the handover again.") % {"item": obj}
    )


# --- Temporary cover ---------------------------------------------------------------------------------


@transaction.atomic
def cover_arrange(*, cover: Cover, by: User) -> Cover:
    """A colleague stands in for an absent worker from `starts_on` to `ends_on` (both in).

    The colleague holds a position in the team that may lead households on both days; the absent
    worker has no other cover in that period; the period starts today or later. The cover hears
    of it (a notification with a link to the absent worker's caseload).
    """
    policy.require(by, "household.handover", cover.team)
    errors = {}
    if cover.starts_on and cover.starts_on < timezone.localdate():
        errors["starts_on"] = _("A cover starts today or later.")
    for day in {cover.starts_on, cover.ends_on} - {None}:
        if not lead_worker_choices([cover.team_id], on=day).filter(pk=cover.cover_id).exists():
            errors["cover"] = _("%(name)s does not work in the team on %(date)s.") % {
                "name": cover.cover,
                "date": day.strftime("%d-%m-%Y"),
            }
    overlapping = Cover.objects.filter(
        team=cover.team, absent=cover.absent, starts_on__lte=cover.ends_on, ends_on__gte=cover.starts_on
    )
    if cover.starts_on and cover.ends_on and overlapping.exists():
        errors["starts_on"] = _("%(name)s already has a cover in this period.") % {"name": cover.absent}
    if errors:
        raise ValidationError(errors)
    cover.created_by = by
    cover._history_user = by
    cover._change_reason = Truncator(cover.reason).chars(REASON_LENGTH)
    cover.full_clean()
    cover.save()
    notify(
        Event(
            user_id=cover.cover_id,
            kind=Notification.Kind.ASSIGNED,
            url=reverse("cases:caseload") + f"?worker={cover.absent_id}",
            key=f"cover:{cover.pk}",
        )
    )
    return cover


def covers_of(team_id: int, absent) -> list[Cover]:
    """The absent worker's covers in the team that have not ended yet."""
    return list(
        Cover.objects.filter(team_id=team_id, absent=absent, ends_on__gte=timezone.localdate())
        .select_related("cover")
        .order_by("starts_on")
    )
