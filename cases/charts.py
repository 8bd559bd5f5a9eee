"""Self-sufficiency (ZRM) over time, as numbers a template turns into inline SVG and a table.

No JavaScript chart library: each domain is a small line chart (x: the assessments in date
order, y: score 1 to 5), with the same figures in a table for screen readers.
"""

from dataclasses import dataclass, field

from django.db.models import OuterRef, Subquery

from cases.models import Assessment, Household, Score

WIDTH, HEIGHT, MARGIN, STEP = 200, 72, 10, 13  # y of score s: MARGIN + (5 - s) * STEP
LOW = 2  # scores of 1 and 2 (acute, not self-sufficient) are highlighted on the plan


@dataclass
class DomainSeries:
    domain: object
    scores: list = field(default_factory=list)  # one per assessment, None when missing
    dots: list = field(default_factory=list)  # (x, y, score)

    @property
    def points(self) -> str:
        return " ".join(f"{x},{y}" for x, y, _score in self.dots)

    @property
    def latest(self):
        return next((s for s in reversed(self.scores) if s is not None), None)

    @property
    def low(self) -> bool:
        return self.latest is not None and self.latest <= LOW


@dataclass
class PersonChart:
    dates: list
    series: list

    @property
    def empty(self) -> bool:
        return not self.dates


def _x(index: int, count: int) -> float:
    if count == 1:
        return WIDTH / 2
    return round(MARGIN + index * (WIDTH - 2 * MARGIN) / (count - 1), 1)


def y_of(score: int) -> int:
    return MARGIN + (5 - score) * STEP


def person_chart(assessments, domains) -> PersonChart:
    """`assessments` in date order with their scores prefetched."""
    assessments = list(assessments)
    by_assessment = [{score.domain_id: score.score for score in a.scores.all()} for a in assessments]
    series = []
    for domain in domains:
        line = DomainSeries(domain=domain, scores=[scores.get(domain.pk) for scores in by_assessment])
        line.dots = [
            (_x(i, len(assessments)), y_of(score), score)
            for i, score in enumerate(line.scores)
            if score is not None
        ]
        series.append(line)
    return PersonChart(dates=[a.assessed_on for a in assessments], series=series)


def low_scores(household: Household):
    """The scores of 1 or 2 in each member's latest assessment (a queryset: `low_domains`)."""
    latest = Assessment.objects.filter(person=OuterRef("assessment__person")).order_by("-assessed_on", "-id")
    return (
        Score.objects.filter(assessment__person__household=household, score__lte=LOW)
        .filter(assessment=Subquery(latest.values("pk")[:1]))
        .select_related("domain", "assessment__person")
        .order_by("domain__position", "assessment__person__first_name")
    )


def low_domains(household: Household, scores=None) -> list[tuple]:
    """(domain, score, person) where a member's latest assessment scored 1 or 2: one query (none
    with the `low_scores` already read)."""
    return [
        (s.domain, s.score, s.assessment.person)
        for s in (low_scores(household) if scores is None else scores)
    ]
