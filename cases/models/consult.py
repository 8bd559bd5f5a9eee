"""Consult questions (consultvragen): a worker asks a colleague or the whole team, answers form a
thread, and a question can go on the agenda of the household's next case review (issue 24)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from teams import policy
from wijkteam.history import AuditedQuerySet


class ConsultQuestionQuerySet(AuditedQuerySet):
    def visible_to(self, user) -> "ConsultQuestionQuerySet":
        """Questions of the teams where the user holds "consult.read" (teams/policy.py).

        A question belongs to its team: another team's members, partners, managers and anonymous
        users see none. Whether its household is shown is decided per reader by the household's
        own scope (ConsultQuestion.household_for), never here.
        """
        if not user.is_authenticated or not user.is_active:
            return self.none()
        teams = policy.teams_for(user, "consult.read")
        if not teams:
            return self.none()
        return self.filter(team_id__in=teams)

    def unanswered(self) -> "ConsultQuestionQuerySet":
        """Not answered yet: what the page "Consultvragen" lists as open."""
        return self.filter(answer_count=0)


class ConsultQuestion(models.Model):
    """A question to one colleague or to the whole team.

    It carries no data beyond what the asker writes; the link to a household is a choice
    ("koppel het huishouden") and shows the household only to who may already see it.
    """

    team = models.ForeignKey(
        "teams.Team", verbose_name=_("team"), on_delete=models.PROTECT, related_name="consult_questions"
    )
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("asked by"), on_delete=models.PROTECT, related_name="+"
    )
    addressed_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("to"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        help_text=_("Empty: the whole team."),
    )
    household = models.ForeignKey(
        "cases.Household",
        verbose_name=_("household"),
        on_delete=models.PROTECT,
        related_name="consult_questions",
        null=True,
        blank=True,
    )
    question = models.TextField(_("question"), max_length=2000)
    asked_at = models.DateTimeField(_("asked at"), default=timezone.now)
    answer_count = models.PositiveIntegerField(_("answers"), default=0)
    on_agenda_at = models.DateTimeField(_("on the agenda since"), null=True, blank=True)
    discussed_in = models.ForeignKey(
        "cases.CaseReview",
        verbose_name=_("discussed in"),
        on_delete=models.PROTECT,
        related_name="consult_questions",
        null=True,
        blank=True,
    )

    objects = ConsultQuestionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("consult question")
        verbose_name_plural = _("consult questions")
        ordering = ["-asked_at", "-id"]
        indexes = [
            models.Index(fields=["team", "-asked_at"], name="consult_team_asked"),
            models.Index(fields=["household", "on_agenda_at"], name="consult_household_agenda"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(discussed_in__isnull=True) | Q(on_agenda_at__isnull=False),
                name="consult_discussed_only_from_agenda",
            ),
            models.CheckConstraint(
                condition=Q(on_agenda_at__isnull=True) | Q(household__isnull=False),
                name="consult_agenda_needs_household",
            ),
        ]

    def __str__(self):
        return f"{_('Consult question')} {timezone.localtime(self.asked_at):%d-%m-%Y %H:%M}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("cases:consult_detail", args=[self.pk])

    @property
    def pending_on_agenda(self) -> bool:
        return self.on_agenda_at is not None and self.discussed_in_id is None


class ConsultAnswer(models.Model):
    """An answer in a question's thread. Append-only: a correction is a new answer."""

    question = models.ForeignKey(
        ConsultQuestion, verbose_name=_("question"), on_delete=models.PROTECT, related_name="answers"
    )
    text = models.TextField(_("answer"), max_length=2000)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("written by"), on_delete=models.PROTECT, related_name="+"
    )
    written_at = models.DateTimeField(_("written at"), default=timezone.now)

    objects = AuditedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("answer to a consult question")
        verbose_name_plural = _("answers to consult questions")
        ordering = ["written_at", "id"]

    def __str__(self):
        return f"{_('Answer')} {timezone.localtime(self.written_at):%d-%m-%Y %H:%M}"
