"""The walk-in hour (inloopspreekuur): a recurring hour at a place where people drop in, and the
visits recorded there.

A visit is anonymous by default: a topic (a life domain of the ZRM), a kind and how it ended,
without name, phone or household. Such a visit holds no personal data, so reading it needs no
access-log row. A visit that names a person (the visitor wanted more help: a name or a phone
number, or it became a household) is personal data like any other: scoped to its team, every
response that shows it logged (walkin/views.py through cases/gateway.py), and in retention
(walkin/retention.py, called from cases/retention.py).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cases.fields import PhoneField
from wijkteam.history import AuditedQuerySet


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class WalkInHourQuerySet(AuditedQuerySet):
    def of_teams(self, team_ids) -> "WalkInHourQuerySet":
        """The hours of these teams (views pass policy.teams_for(user, perm)): another team's
        hour is not found (404)."""
        return self.filter(team_id__in=team_ids)


class WalkInHour(models.Model):
    """A recurring hour at a place (community centre, library, school), and who staffs it."""

    team = models.ForeignKey(
        "teams.Team", verbose_name=_("team"), on_delete=models.PROTECT, related_name="walkin_hours"
    )
    place = models.CharField(
        _("name of the place"), max_length=120, help_text=_("For example: Community centre De Kern.")
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    location = models.ForeignKey(
        "directory.Location",
        verbose_name=_("location on the social map"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    starts_at = models.TimeField(_("from"))
    ends_at = models.TimeField(_("until"))
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("staffed by"), blank=True, related_name="walkin_hours"
    )
    active = models.BooleanField(_("active"), default=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    objects = WalkInHourQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[staff])

    class Meta:
        verbose_name = _("walk-in hour")
        verbose_name_plural = _("walk-in hours")
        ordering = ["weekday", "starts_at", "place"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="walkin_hour_ends_after_start"
            ),
        ]

    def __str__(self):
        return f"{self.place} ({self.get_weekday_display()} {self.starts_at:%H:%M}-{self.ends_at:%H:%M})"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("walkin:hour", args=[self.pk])


class VisitQuerySet(AuditedQuerySet):
    def of_teams(self, team_ids) -> "VisitQuerySet":
        return self.filter(team_id__in=team_ids)

    def counted(self) -> "VisitQuerySet":
        """What the figures count: not undone."""
        return self.filter(undone=False)

    def named(self) -> "VisitQuerySet":
        """Visits that hold personal data: a name, a phone number or a household."""
        return self.filter(~Q(name="") | ~Q(phone="") | Q(household__isnull=False))


class Visit(models.Model):
    """One visit to a walk-in hour. Anonymous unless the visitor wants more help."""

    class Kind(models.TextChoices):
        QUESTION = "question", _("Question")
        LETTER = "letter", _("Letter")
        WORRY = "worry", _("Worry about someone else")
        CRISIS = "crisis", _("Crisis")

    class Outcome(models.TextChoices):
        ANSWERED = "answered", _("Answered")
        REFERRED = "referred", _("Referred")
        FOLLOW_UP = "follow_up", _("Follow-up")

    hour = models.ForeignKey(
        WalkInHour, verbose_name=_("walk-in hour"), on_delete=models.PROTECT, related_name="visits"
    )
    # The hour's team, kept on the visit: scope and figures filter on it without a join.
    team = models.ForeignKey("teams.Team", verbose_name=_("team"), on_delete=models.PROTECT, related_name="+")
    occurred_at = models.DateTimeField(_("time"), default=timezone.now)
    topic = models.ForeignKey(
        "cases.Domain", verbose_name=_("topic"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.QUESTION)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.ANSWERED)
    referred_to = models.ForeignKey(
        "directory.Service",
        verbose_name=_("referred to"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=300, blank=True, help_text=_("No names."))
    # Only when the visitor wants it (more help, a call back): then the visit is personal data.
    name = models.CharField(_("name"), max_length=120, blank=True)
    phone = PhoneField(_("phone"), blank=True, help_text=_("E.g. 06-12345678 or 020-1234567."))
    household = models.ForeignKey(
        "cases.Household",
        verbose_name=_("household"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="walkin_visits",
    )
    undone = models.BooleanField(_("undone"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )

    objects = VisitQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("walk-in visit")
        verbose_name_plural = _("walk-in visits")
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["team", "occurred_at"], name="walkin_visit_team_at")]
        constraints = [
            models.CheckConstraint(
                condition=Q(referred_to__isnull=True) | Q(outcome="referred"),
                name="walkin_visit_referred_to_needs_referred",
            ),
        ]

    def __str__(self):
        return f"{timezone.localtime(self.occurred_at):%d-%m-%Y %H:%M} {self.topic}"

    @property
    def is_named(self) -> bool:
        """Whether the visit holds personal data (and its reads are logged)."""
        return bool(self.name or self.phone or self.household_id)
