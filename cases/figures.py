"""The team's outreach in numbers, computed in the database (no loop over households).

Medians use PostgreSQL's percentile_cont; the SQLite demo has no such aggregate, so there the
one list of durations is fetched and its middle taken.
"""

import datetime
import statistics

from django.db import connection
from django.db.models import Aggregate, Count, DurationField, ExpressionWrapper, F, OuterRef, Q, Subquery
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay
from django.utils import timezone

from cases.models import Contact, Household, ReferralDecision


class Median(Aggregate):
    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = DurationField()


def open_caseload_count():
    return Count("lead_households", filter=Q(lead_households__status=Household.Status.OPEN))


def _median(queryset, field: str) -> datetime.timedelta | None:
    queryset = queryset.filter(**{f"{field}__isnull": False})
    if connection.vendor == "postgresql":
        return queryset.aggregate(m=Median(field))["m"]
    values = list(queryset.values_list(field, flat=True))
    return statistics.median(values) if values else None


def _days(value: datetime.timedelta | None) -> float | None:
    return None if value is None else round(value.total_seconds() / 86400, 1)


def outreach(*, team_ids: list[int], days: int) -> dict:
    """Figures of the last `days` days for these teams."""
    since = timezone.now() - datetime.timedelta(days=days)
    contacts = Contact.objects.filter(household__team_id__in=team_ids, at__gte=since)
    totals = contacts.annotate(hour=ExtractHour("at"), weekday=ExtractIsoWeekDay("at")).aggregate(
        attempts=Count("pk"),
        reached=Count("pk", filter=Q(reached=True)),
        evening=Count("pk", filter=Q(hour__gte=18)),
        weekend=Count("pk", filter=Q(weekday__gte=6)),
    )
    per_kind = list(
        contacts.values("kind")
        .annotate(attempts=Count("pk"), reached=Count("pk", filter=Q(reached=True)))
        .order_by("-attempts")
    )
    labels = dict(Contact.Kind.choices)
    for row in per_kind:
        row["label"] = labels.get(row["kind"], row["kind"])
        row["share_reached"] = round(100 * row["reached"] / row["attempts"]) if row["attempts"] else 0
    later = Contact.objects.filter(
        household=OuterRef("referral__household"), at__gte=OuterRef("decided_at")
    ).order_by("at")
    assignments = ReferralDecision.objects.filter(
        kind=ReferralDecision.Kind.ASSIGN, referral__team_id__in=team_ids, decided_at__gte=since
    ).annotate(
        first_attempt=Subquery(later.values("at")[:1]),
        first_success=Subquery(later.filter(reached=True).values("at")[:1]),
    )
    to_attempt = assignments.annotate(
        wait=ExpressionWrapper(F("first_attempt") - F("decided_at"), output_field=DurationField())
    )
    to_success = assignments.annotate(
        wait=ExpressionWrapper(F("first_success") - F("decided_at"), output_field=DurationField())
    )
    attempts = totals["attempts"]
    return {
        "attempts": attempts,
        "share_reached": round(100 * totals["reached"] / attempts) if attempts else None,
        "share_evening": round(100 * totals["evening"] / attempts) if attempts else None,
        "share_weekend": round(100 * totals["weekend"] / attempts) if attempts else None,
        "per_kind": per_kind,
        "assignments": assignments.count(),
        "median_days_to_attempt": _days(_median(to_attempt, "wait")),
        "median_days_to_success": _days(_median(to_success, "wait")),
    }
