"""The manager's overview per partner organisation: what each partner sent and what came of it.

A fixed number of queries whatever the number of partners or signals: counts are aggregated in
the database; the times to first contact come back counted per partner and local day (received,
first attempt, first success) and are turned into working days here, once per pair of days,
because the Dutch holidays are not in the database.
"""

import datetime
import functools
import statistics
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, F, Max, OuterRef, Q, Subquery
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone

from cases import workflow
from cases.models import Contact, Purpose, Referral, ReferralDecision, Share
from mandates.models import Mandate
from teams.models import Organisation
from wijkteam.periods import as_datetimes
from wijkteam.workdays import working_days_between

ACCEPTED = [workflow.Status.ACCEPTED, workflow.Status.ASSIGNED, workflow.Status.CLOSED]


@dataclass
class PartnerRow:
    organisation: Organisation
    received: int = 0
    accepted: int = 0
    declined: int = 0
    forwarded: int = 0
    merged: int = 0
    open: int = 0
    feedback: int = 0
    days_to_attempt: float | None = None
    days_to_success: float | None = None
    end_results: dict = field(default_factory=dict)
    mandates: list = field(default_factory=list)

    @property
    def mandate_status(self) -> str:
        statuses = {m.status for m in self.mandates}
        for status in (
            Mandate.Status.ACTIVE,
            Mandate.Status.SUSPENDED,
            Mandate.Status.DRAFT,
            Mandate.Status.ENDED,
        ):
            if status in statuses:
                return Mandate.Status(status).label
        return ""

    @property
    def last_review(self):
        dates = [m.last_review for m in self.mandates if m.last_review]
        return max(dates) if dates else None


def _median(values: list[int]) -> float | None:
    return round(statistics.median(values), 1) if values else None


def partner_overview(*, team_ids: list[int], start: datetime.date, end: datetime.date, organisation_id=None):
    """One row per partner organisation with signals or a mandate for these teams."""
    period = as_datetimes(start, end)
    signals = Referral.objects.filter(
        team_id__in=team_ids, received_at__range=period, sender_organisation__isnull=False
    )
    mandates = Mandate.objects.filter(team_id__in=team_ids)
    if organisation_id is not None:
        signals = signals.filter(sender_organisation_id=organisation_id)
        mandates = mandates.filter(organisation_id=organisation_id)

    counts = signals.values("sender_organisation").annotate(
        received=Count("pk"),
        accepted=Count("pk", filter=Q(status__in=ACCEPTED)),
        declined=Count("pk", filter=Q(status=workflow.Status.DECLINED)),
        forwarded=Count("pk", filter=Q(status=workflow.Status.FORWARDED)),
        merged=Count("pk", filter=Q(status=workflow.Status.MERGED)),
        open=Count("pk", filter=Q(status=workflow.Status.RECEIVED)),
    )
    # From the signals to their closing decisions (an index of those alone), not the other way
    # round: that read each signal a second time for its partner.
    results = (
        signals.filter(decisions__kind=ReferralDecision.Kind.CLOSE)
        .values("sender_organisation", "decisions__reason_code")
        .annotate(n=Count("decisions__referral"))
    )
    feedback = (
        Share.objects.filter(referral__in=signals, purpose=Purpose.FEEDBACK)
        .filter(recipient=F("referral__sender_organisation"))
        .values("recipient")
        .annotate(n=Count("pk"))
    )
    later = Contact.objects.filter(household=OuterRef("household"), at__gte=OuterRef("received_at")).order_by(
        "at"
    )
    # Per partner and local day: a team's year of signals is some thousands of rows, a few
    # hundred days (the time in Python was the partner overview's largest cost).
    local = timezone.get_current_timezone()
    times = (
        signals.filter(household__isnull=False)
        .annotate(
            received_day=TruncDate("received_at", tzinfo=local),
            attempt_day=TruncDate(Subquery(later.values("at")[:1]), tzinfo=local),
            success_day=TruncDate(Subquery(later.filter(reached=True).values("at")[:1]), tzinfo=local),
        )
        .order_by()
        .values_list("sender_organisation", "received_day", "attempt_day", "success_day")
        .annotate(n=Count("pk"))
    )
    mandate_list = list(
        mandates.annotate(last_review=Max("reviews__reviewed_on"))
        .select_related("team")
        .order_by("organisation_id")
    )

    rows: dict[int, PartnerRow] = {}
    organisation_ids = {row["sender_organisation"] for row in counts} | {
        m.organisation_id for m in mandate_list
    }
    for organisation in Organisation.objects.filter(pk__in=organisation_ids).order_by("name"):
        rows[organisation.pk] = PartnerRow(organisation=organisation)
    for row in counts:
        partner = rows[row.pop("sender_organisation")]
        for key, value in row.items():
            setattr(partner, key, value)
    labels = dict(Referral.EndResult.choices)
    for row in feedback:
        rows[row["recipient"]].feedback = row["n"]
    for row in results:
        code = row["decisions__reason_code"]
        rows[row["sender_organisation"]].end_results[labels.get(code, code)] = row["n"]
    to_attempt, to_success = defaultdict(list), defaultdict(list)
    days_between = functools.cache(working_days_between)
    for organisation_id_, received, attempt, success, n in times:
        if attempt:
            to_attempt[organisation_id_] += [days_between(received, attempt)] * n
        if success:
            to_success[organisation_id_] += [days_between(received, success)] * n
    for pk, row in rows.items():
        row.days_to_attempt = _median(to_attempt[pk])
        row.days_to_success = _median(to_success[pk])
    for mandate in mandate_list:
        rows[mandate.organisation_id].mandates.append(mandate)
    return list(rows.values())


def signals_per_month(
    *, team_ids: list[int], organisation_id: int, months: int = 12
) -> list[tuple[datetime.date, int]]:
    """(first day of month, signals) for the last `months` months, oldest first, zeros included."""
    today = timezone.localdate()
    first = today.replace(day=1)
    for _ in range(months - 1):
        first = (first - datetime.timedelta(days=1)).replace(day=1)
    counted = dict(
        Referral.objects.filter(
            team_id__in=team_ids,
            sender_organisation_id=organisation_id,
            received_at__date__gte=first,
        )
        .annotate(month=TruncMonth("received_at"))
        .values("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
    )
    counted = {
        (month.date() if isinstance(month, datetime.datetime) else month): n for month, n in counted.items()
    }
    result, month = [], first
    while month <= today:
        result.append((month, counted.get(month, 0)))
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return result
