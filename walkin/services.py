"""Changes at the walk-in hour: add or change an hour; record, change and undo a visit; turn a
visit into a household. One transaction each, validated, with who and why in the history."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Household, Note
from teams import policy
from teams.models import User
from walkin.models import Visit, WalkInHour


def _audit(obj, by: User, reason: str) -> None:
    obj._change_reason = reason[:100]
    obj._history_user = by


def staff_choices(team_ids):
    """Who may staff an hour of these teams: who may record visits there today."""
    return policy.users_with("walkin.record", team_ids).order_by("first_name", "last_name")


@transaction.atomic
def hour_save(*, hour: WalkInHour, staff, by: User, reason: str = "") -> WalkInHour:
    """Add or change an hour of a team the user manages hours of; staff from that team."""
    if hour.pk is not None:
        original = WalkInHour.objects.select_for_update().get(pk=hour.pk)
        policy.require(by, "walkin.manage", original)
        hour.team_id = original.team_id  # an hour does not move to another team
    policy.require(by, "walkin.manage", hour.team)
    staff = list(staff)
    allowed = set(staff_choices([hour.team_id]).values_list("pk", flat=True))
    if any(user.pk not in allowed for user in staff):
        raise PermissionDenied(_("Only workers of the team can staff its walk-in hour."))
    created = hour.pk is None
    _audit(hour, by, reason or (_("Walk-in hour added") if created else _("Walk-in hour changed")))
    hour.full_clean()
    hour.save()
    hour.staff.set(staff)
    return hour


@transaction.atomic
def visit_record(*, hour: WalkInHour, topic, kind: str, outcome: str, by: User, occurred_at=None) -> Visit:
    """One tap at the hour: an anonymous visit with its topic, kind and outcome (now, unless
    `occurred_at` says when)."""
    hour = WalkInHour.objects.select_for_update().get(pk=hour.pk)
    policy.require(by, "walkin.record", hour)
    visit = Visit(hour=hour, team_id=hour.team_id, topic=topic, kind=kind, outcome=outcome, recorded_by=by)
    if occurred_at is not None:
        visit.occurred_at = occurred_at
    _audit(visit, by, _("Visit recorded"))
    visit.full_clean()
    visit.save()
    return visit


def _locked(visit: Visit, by: User) -> Visit:
    visit = Visit.objects.select_for_update().select_related("hour").get(pk=visit.pk)
    policy.require(by, "walkin.record", visit)
    return visit


@transaction.atomic
def visit_update(*, visit: Visit, by: User) -> Visit:
    """Save what was changed on a visit: outcome, referred service, note, name and phone."""
    original = _locked(visit, by)
    # What stays as it was recorded: where, when, for which team, and the link to a household.
    for field in ("hour_id", "team_id", "occurred_at", "household_id", "undone", "recorded_by_id"):
        setattr(visit, field, getattr(original, field))
    if visit.outcome != Visit.Outcome.REFERRED:
        visit.referred_to = None
    _audit(visit, by, _("Visit changed"))
    visit.full_clean()
    visit.save()
    return visit


@transaction.atomic
def visit_undo(*, visit: Visit, by: User) -> Visit:
    """Take back a visit recorded by mistake: it stays in the history, out of every figure."""
    visit = _locked(visit, by)
    if visit.household_id is not None:
        raise ValidationError(_("This visit became a household and cannot be undone."))
    visit.undone = True
    _audit(visit, by, _("Visit undone"))
    visit.save()
    return visit


def origin_reason(visit: Visit) -> str:
    """The reason both histories give for a household made from a visit."""
    return _("From the walk-in hour %(place)s on %(date)s") % {
        "place": visit.hour.place,
        "date": f"{timezone.localtime(visit.occurred_at):%d-%m-%Y}",
    }


def visit_link(*, visit: Visit, household: Household, by: User) -> Visit:
    """Link a visit to the household just registered from it, in the caller's transaction (the
    registration's): the visit's topic and note become the household's first journal entry."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("visit_link runs inside the registration's transaction")
    visit = _locked(visit, by)
    if visit.household_id is not None:
        raise ValidationError(_("This visit is already linked to a household."))
    if visit.undone:
        raise ValidationError(_("This visit was undone."))
    if household.team_id != visit.team_id:
        raise PermissionDenied(_("The household must be registered in the team of the walk-in hour."))
    reason = origin_reason(visit)
    text = f"{reason}: {visit.topic}"
    if visit.note:
        text += f". {visit.note}"
    note = Note(household=household, text=text, written_by=by, written_at=timezone.now())
    _audit(note, by, reason)
    note.full_clean()
    note.save()
    visit.household = household
    _audit(visit, by, reason)
    visit.full_clean()
    visit.save()
    return visit
