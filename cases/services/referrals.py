"""Signals: intake, triage decisions, assignment and the match task.

Every decision locks the signal row (`select_for_update`), checks the transition table in
cases/workflow.py, writes one ReferralDecision row and saves the signal with a change reason,
all in one transaction. Two coordinators deciding at the same moment are serialised by the
lock; the second one finds the signal already decided and gets `AlreadyDecided`, which names
who decided.
"""

import datetime
import uuid

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from api import webhooks
from cases import notifications, states, workflow
from cases.models import Household, Person, Referral, ReferralDecision, Task
from cases.models.household import ADULT_AGE, age_on
from cases.services.households import (
    check_may_edit,
    household_create,
    household_update,
    lead_worker_choices,
    person_save,
)
from cases.services.sharing import team_has_basis
from teams import policy
from teams.models import Organisation, Position, Team, User
from wijkteam.statemachine import TransitionError
from wijkteam.workdays import add_working_days


class AlreadyDecided(Exception):
    """Someone else decided on the signal first; the message names them."""


def first_contact_due(received_at: datetime.datetime, urgency: str) -> datetime.date:
    """The first-contact deadline: working days after receipt, per urgency (a setting)."""
    days = settings.WIJKTEAM_FIRST_CONTACT_DAYS[urgency]
    return add_working_days(timezone.localdate(received_at), days)


def _check_may_triage(user, referral: Referral) -> None:
    policy.require(user, "referral.triage", referral)


def may_read_prior_information(user, referral: Referral, team_basis: bool | None = None) -> bool:
    """Need to know until there is a basis: prior information is for the coordinator, the assigned
    and the lead worker ("referral.prior_information"). Once consent or a legal basis for the team
    itself is recorded for the household, the team (whoever reads the signal) sees the normal part;
    the confidential part stays theirs alone. `team_basis`: that answer for the signal's
    household, when the caller knows it."""
    if policy.can(user, "referral.prior_information", referral):
        return True
    if referral.prior_information_confidentiality == Referral.Confidentiality.CONFIDENTIAL:
        return False
    if team_basis is not None:  # known already, e.g. for the many signals of one export
        return team_basis
    return team_has_basis(referral.household if referral.household_id else None)


def team_for_postcode(postcode: str) -> Team | None:
    """The team whose postcode areas (PC4) contain this postcode, if exactly one does."""
    if not postcode:
        return None
    teams = [
        team for team in Team.objects.only("id", "postcode_areas") if postcode[:4] in team.postcode_areas
    ]
    return teams[0] if len(teams) == 1 else None


def assignable_workers(team_id: int):
    """The team's workers and coordinators, with their role and current caseload (open households)."""
    role = Position.objects.active().filter(
        user=OuterRef("pk"), team_id=team_id, access_role__in=policy.holders("household.lead")
    )
    return lead_worker_choices([team_id]).annotate(
        professional_role=Subquery(role.values("professional_role")[:1]),
        caseload=Count("lead_households", filter=Q(lead_households__status=Household.Status.OPEN)),
    )


# --- Intake ---------------------------------------------------------------------------------


class TooManySignals(ValidationError):
    """The partner's hourly limit: a form error on the web form, 429 with Retry-After in the API."""

    def __init__(self, message: str, *, retry_after: int):
        super().__init__(message, code="too_many_signals")
        self.retry_after = retry_after


def _check_rate_limit(by: User) -> None:
    limit = settings.WIJKTEAM_PARTNER_SIGNALS_PER_HOUR
    now = timezone.now()
    since = now - datetime.timedelta(hours=1)
    recent = Referral.objects.filter(submitted_by=by, received_at__gte=since)
    if recent.count() >= limit:
        oldest = recent.order_by("received_at").values_list("received_at", flat=True).first() or now
        raise TooManySignals(
            _("You have sent %(limit)s signals in the past hour. Please call the team for more.")
            % {"limit": limit},
            retry_after=max(1, int((oldest - since).total_seconds()) + 1),
        )


@transaction.atomic
def referral_submit(*, referral: Referral, submission_id: uuid.UUID, by: User) -> tuple[Referral, bool]:
    """Register a signal once per form submission; returns (signal, created).

    A partner reporter sends for their own organisation through the portal; a coordinator
    enters a signal for one of their teams (received by phone, e-mail, …). The same
    `submission_id` posted again, one after the other or at the same moment, returns the
    first signal instead of a second one.
    """
    existing = Referral.objects.filter(submission_id=submission_id).first()
    if existing is not None:
        return _same_submitter(existing, by), False
    if policy.is_partner_reporter(by):
        referral.sender_organisation_id = by.organisation_id
        referral.channel = Referral.Channel.PORTAL
        referral.received_at = timezone.now()
        _check_rate_limit(by)
    elif referral.team_id not in policy.teams_for(by, "referral.register"):
        raise PermissionDenied(_("Only a coordinator of the team can register a signal for it."))
    referral.submission_id = submission_id
    referral.submitted_by = by
    referral.status = workflow.Status.RECEIVED
    # The submission id's uniqueness is the database's to judge (below): a check here would race
    # with the same submission committing in another request, and show a form error instead.
    referral.full_clean(exclude=["first_contact_due", "submission_id"])
    referral.first_contact_due = first_contact_due(referral.received_at, referral.urgency)
    referral._change_reason = _("Signal received")
    referral._history_user = by
    try:
        with transaction.atomic():
            referral.save(force_insert=True)
    except IntegrityError:
        # The same submission committed a moment ago in another request.
        return _same_submitter(Referral.objects.get(submission_id=submission_id), by), False
    return referral, True


def _same_submitter(referral: Referral, by: User) -> Referral:
    if referral.submitted_by_id != by.pk:
        raise ValidationError(_("This form has expired. Please fill it in again."))
    return referral


# --- Triage decisions -----------------------------------------------------------------------


def _locked(referral: Referral) -> Referral:
    return (
        Referral.objects.select_for_update(of=("self",))
        .select_related("team", "household")
        .get(pk=referral.pk)
    )


def _decide(referral: Referral, decision: str, by: User, *, reason_code="", reason="", **targets) -> Referral:
    """Check the transition, record the decision row, save the signal with the reason."""
    status_event = webhooks.watch_status(referral)
    try:
        referral.status = workflow.check(referral.status, decision)
    except workflow.TransitionError:
        if not referral.decisions.exists():
            raise
        raise AlreadyDecided(_already_decided_message(referral)) from None
    for field, value in targets.items():
        setattr(referral, field, value)
    ReferralDecision(
        referral=referral,
        kind=decision,
        decided_by=by,
        reason_code=reason_code,
        reason=reason,
        **targets,
    ).save()
    label = workflow.Decision(decision).label
    referral._change_reason = f"{label}: {reason}" if reason else str(label)
    referral._history_user = by
    referral.full_clean()
    referral.save()
    status_event()
    return referral


def _already_decided_message(referral: Referral) -> str:
    last = (
        referral.decisions.select_related("decided_by", "assigned_to").order_by("-decided_at", "-id").first()
    )
    if last is None:
        return _("This signal has changed in the meantime. Look at its current state.")
    when = date_format(timezone.localtime(last.decided_at), "SHORT_DATETIME_FORMAT")
    if last.kind in (workflow.Decision.ASSIGN, workflow.Decision.REASSIGN):
        return _("%(by)s already assigned this signal to %(worker)s (%(when)s).") % {
            "by": last.decided_by,
            "worker": last.assigned_to,
            "when": when,
        }
    return _("%(by)s already decided on this signal: %(decision)s (%(when)s).") % {
        "by": last.decided_by,
        "decision": last.get_kind_display().lower(),
        "when": when,
    }


def _subject_is_minor(referral: Referral) -> bool:
    """Under 18 on the day the signal is accepted."""
    born = referral.subject_birth_date
    return born is not None and age_on(born, timezone.localdate()) < ADULT_AGE


def _guardian_as_head(referral: Referral) -> Person | None:
    """The parent or guardian the sender named, as the head of a child's household: one free-text
    name, so the first word is taken as the first name (the worker corrects it on the household
    page). Without a name the head stays unset, never the child."""
    name = " ".join(referral.guardian_name.split())
    if not name:
        return None
    first, _space, last = name.partition(" ")
    return Person(
        first_name=first[:80],
        last_name=(last or referral.subject_last_name)[:120],
        relation=Person.Relation.MAIN_RESIDENT,
    )


def _household_from_referral(referral: Referral, by: User) -> Household:
    missing = [
        str(Referral._meta.get_field(name).verbose_name)
        for name in ("subject_last_name", "street", "house_number", "postcode", "city")
        if not getattr(referral, name)
    ]
    if missing:
        raise ValidationError(
            _("A new household needs at least: %(fields)s. Register it yourself, then link it.")
            % {"fields": ", ".join(missing)}
        )
    family = " ".join(p for p in (referral.subject_last_name_prefix, referral.subject_last_name) if p)
    household = Household(
        team=referral.team,
        name=_("Family %(name)s") % {"name": family[:100]},
        street=referral.street,
        house_number=referral.house_number,
        house_number_addition=referral.house_number_addition,
        postcode=referral.postcode,
        city=referral.city,
    )
    member = None
    if referral.subject_first_name:
        member = Person(
            first_name=referral.subject_first_name,
            last_name_prefix=referral.subject_last_name_prefix,
            last_name=referral.subject_last_name,
            birth_date=referral.subject_birth_date,
            bsn=referral.subject_bsn,
            # A minor is a child of the household, never its head (issue 22).
            relation=Person.Relation.CHILD if _subject_is_minor(referral) else Person.Relation.MAIN_RESIDENT,
        )
    reason = _("Household registered from signal %(reference)s") % {"reference": referral.reference}
    household = household_create(household=household, first_member=member, by=by, reason=reason)
    if _subject_is_minor(referral) and (head := _guardian_as_head(referral)) is not None:
        person_save(person=head, household=household, by=by, reason=reason)
    return household


@transaction.atomic
def referral_accept(
    *,
    referral: Referral,
    by: User,
    household: Household | None = None,
    create_household: bool = False,
    worker: User | None = None,
    reason: str = "",
) -> Referral:
    """Accept a new signal: link it to a household of the team (or create one from its details).

    With a worker it is assigned in the same transaction (the coordinator's one-step triage).
    """
    referral = _locked(referral)
    _check_may_triage(by, referral)
    if referral.status != workflow.Status.RECEIVED:
        raise AlreadyDecided(_already_decided_message(referral))
    if create_household:
        household = _household_from_referral(referral, by)
    elif household is None:
        raise ValidationError(_("Choose the household this signal is about, or create a new one."))
    else:
        household = (
            Household.objects.visible_to(by)
            .select_for_update()
            .filter(team_id=referral.team_id, status=Household.Status.OPEN, pk=household.pk)
            .first()
        )
        if household is None:
            raise PermissionDenied(_("The household must be an open household of the signal's team."))
    _decide(referral, workflow.Decision.ACCEPT, by, reason=reason, household=household)
    _register_match(referral, by)
    if worker is not None:
        _assign(referral, worker, by, workflow.Decision.ASSIGN, reason="")
    return referral


def _check_assignable(referral: Referral, worker: User) -> None:
    if not lead_worker_choices([referral.team_id]).filter(pk=worker.pk).exists():
        raise PermissionDenied(_("A signal can only be assigned to a worker of its own team."))


def _assign(referral: Referral, worker: User, by: User, decision: str, reason: str) -> Referral:
    _check_assignable(referral, worker)
    _decide(referral, decision, by, reason=reason, assigned_to=worker)
    notifications.signal_assigned(referral=referral, worker=worker, by=by)
    household = Household.objects.select_for_update().get(pk=referral.household_id)
    if household.lead_worker_id is None:
        household.lead_worker = worker
        household_update(
            household=household,
            by=by,
            reason=_("Lead worker from signal %(reference)s") % {"reference": referral.reference},
        )
    return referral


@transaction.atomic
def referral_assign(*, referral: Referral, worker: User, by: User) -> Referral:
    """Give an accepted signal to a worker of its team; exactly one of two racing coordinators wins."""
    referral = _locked(referral)
    _check_may_triage(by, referral)
    if referral.status != workflow.Status.ACCEPTED:
        raise AlreadyDecided(_already_decided_message(referral))
    return _assign(referral, worker, by, workflow.Decision.ASSIGN, reason="")


@transaction.atomic
def referral_reassign(
    *, referral: Referral, worker: User, expected_worker_id: int, by: User, reason: str
) -> Referral:
    """Move an assigned signal to another worker (illness, leave), if nobody moved it meanwhile."""
    referral = _locked(referral)
    _check_may_triage(by, referral)
    if referral.status != workflow.Status.ASSIGNED or referral.assigned_to_id != expected_worker_id:
        raise AlreadyDecided(_already_decided_message(referral))
    if worker.pk == referral.assigned_to_id:
        raise ValidationError({"worker": _("The signal is already assigned to this worker.")})
    return _assign(referral, worker, by, workflow.Decision.REASSIGN, reason=reason)


@transaction.atomic
def referral_decline(*, referral: Referral, by: User, reason_code: str, reason: str) -> Referral:
    referral = _locked(referral)
    _check_may_triage(by, referral)
    return _decide(referral, workflow.Decision.DECLINE, by, reason_code=reason_code, reason=reason)


@transaction.atomic
def referral_forward(*, referral: Referral, by: User, organisation: Organisation, reason: str) -> Referral:
    referral = _locked(referral)
    _check_may_triage(by, referral)
    return _decide(referral, workflow.Decision.FORWARD, by, reason=reason, forwarded_to=organisation)


@transaction.atomic
def referral_merge(*, referral: Referral, into_id: uuid.UUID, by: User, reason: str) -> Referral:
    """Merge a new signal into an earlier one of the same team about the same household."""
    referral = _locked(referral)
    _check_may_triage(by, referral)
    into = Referral.objects.filter(team_id=referral.team_id, pk=into_id).exclude(pk=referral.pk).first()
    if into is None or into.status == workflow.Status.MERGED or into.received_at > referral.received_at:
        raise ValidationError(
            {"into": _("Choose an earlier signal of the same team that was not merged itself.")}
        )
    _decide(referral, workflow.Decision.MERGE, by, reason=reason, merged_into=into, household=into.household)
    _register_match(referral, by)
    return referral


@transaction.atomic
def referral_close(*, referral: Referral, by: User, end_result: str, reason: str) -> Referral:
    referral = _locked(referral)
    policy.require(by, "referral.close", referral)
    return _decide(referral, workflow.Decision.CLOSE, by, reason_code=end_result, reason=reason)


@transaction.atomic
def referral_supplement(*, referral: Referral, by: User, message: str) -> Referral:
    """The sender answers a decline (e.g. "too little information to act on") with more
    information: kept as a decision row (who, when, what) and in the signal's history; the
    signal is new again, with a new first-contact deadline, and the team's coordinators hear."""
    referral = _locked(referral)
    policy.require(by, "referral.send", referral)  # the sending organisation's own reporters
    if not message.strip():
        raise ValidationError({"message": _("Write the information you want to add.")})
    referral.first_contact_due = first_contact_due(timezone.now(), referral.urgency)
    _decide(referral, workflow.Decision.SUPPLEMENT, by, reason=message)
    notifications.signal_supplemented(referral=referral)
    return referral


@transaction.atomic
def referral_update_interests(
    *, referral: Referral, by: User, household_view: str, professional_judgement: str
) -> Referral:
    """Record the household's own view and the professional judgement beside the partner's ask."""
    referral = _locked(referral)
    policy.require(by, "referral.interests", referral)
    referral.household_view = household_view
    referral.professional_judgement = professional_judgement
    referral._change_reason = _("Views recorded")
    referral._history_user = by
    referral.full_clean()
    referral.save()
    return referral


# --- Matches ------------------------------------------------------------------------------


def match_period() -> datetime.timedelta:
    return datetime.timedelta(days=settings.WIJKTEAM_MATCH_PERIOD_DAYS)


def other_signallers(referral: Referral):
    """Signals of *other* organisations about the same household within the match period."""
    if not referral.household_id or not referral.sender_organisation_id:
        return Referral.objects.none()
    period = match_period()
    return (
        Referral.objects.filter(
            household_id=referral.household_id,
            received_at__range=(referral.received_at - period, referral.received_at + period),
            sender_organisation__isnull=False,
        )
        .exclude(sender_organisation_id=referral.sender_organisation_id)
        .exclude(pk=referral.pk)
    )


def _register_match(referral: Referral, by: User) -> None:
    """Two organisations about one household: the lead worker checks that they met."""
    if not other_signallers(referral).exists():
        return
    open_task = Task.objects.filter(
        household_id=referral.household_id, kind=Task.Kind.MATCH_CHECK, status=Task.Status.OPEN
    )
    if open_task.exists():
        return
    task = Task(household_id=referral.household_id, referral=referral, kind=Task.Kind.MATCH_CHECK)
    task._change_reason = _("Match: several organisations signalled this household")
    task._history_user = by
    try:
        with transaction.atomic():
            task.save()
    except IntegrityError:
        pass  # another signal opened the same task a moment ago


@transaction.atomic
def task_complete(*, task: Task, by: User, note: str) -> Task:
    """Close a task with what was done; only someone who may edit the household can."""
    task = Task.objects.select_for_update(of=("self",)).select_related("household").get(pk=task.pk)
    check_may_edit(by, task.household)
    try:
        task.status = states.TASK.check(task.status, "complete")
    except TransitionError:
        raise AlreadyDecided(_("%(by)s already completed this task.") % {"by": task.done_by}) from None
    task.done_at = timezone.now()
    task.done_by = by
    task.done_note = note
    task._change_reason = _("Task done: %(note)s") % {"note": note}
    task._history_user = by
    task.full_clean()
    task.save()
    return task
