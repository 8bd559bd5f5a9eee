"""The agenda: planned visits, calls and meetings with a household, and the personal calendar feed.

An appointment is planned, done (a logged contact fulfilled it) or cancelled (with a reason).
"Missed" is not stored: a planned appointment whose end has passed without a contact is missed,
computed where it is read (`AppointmentQuerySet.with_state`, `Appointment.state`), so no
scheduled job has to mark it.
"""

import datetime
import secrets
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cases.querysets import HouseholdChildQuerySet


class AppointmentQuerySet(HouseholdChildQuerySet):
    def planned(self) -> "AppointmentQuerySet":
        return self.filter(status=Appointment.Status.PLANNED)

    def of_worker(self, user) -> "AppointmentQuerySet":
        """The appointments the user goes to (one of its workers)."""
        return self.filter(pk__in=Appointment.workers.through.objects.filter(user=user).values("appointment"))

    def upcoming(self, now=None) -> "AppointmentQuerySet":
        """Planned and not over yet (today's later ones and every later day's)."""
        now = timezone.localtime(now or timezone.now())
        return self.planned().filter(
            Q(date__gt=now.date()) | Q(date=now.date(), ends_at__gte=now.time().replace(microsecond=0))
        )

    def with_state(self, now=None) -> "AppointmentQuerySet":
        """Annotate `agenda_state`: the stored status, or "missed" for a planned one that is over
        (`Appointment.state` reads it when it is there)."""
        now = timezone.localtime(now or timezone.now())
        over = Q(date__lt=now.date()) | Q(date=now.date(), ends_at__lt=now.time().replace(microsecond=0))
        return self.annotate(
            agenda_state=Case(
                When(Q(status=Appointment.Status.PLANNED) & over, then=Value(Appointment.MISSED)),
                default=F("status"),
                output_field=models.CharField(),
            )
        )


class Appointment(models.Model):
    """A planned visit, call or meeting with a household: when, where, who goes, with whom, why."""

    class Kind(models.TextChoices):
        VISIT = "visit", _("Home visit")
        CALL = "call", _("Phone call")
        MEETING = "meeting", _("Meeting elsewhere")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    # Not stored: derived from a planned appointment whose end has passed (with_state, state).
    MISSED = "missed"
    MISSED_LABEL = _("Missed")

    household = models.ForeignKey(
        "cases.Household", verbose_name=_("household"), on_delete=models.PROTECT, related_name="appointments"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.VISIT)
    date = models.DateField(_("date"))
    starts_at = models.TimeField(_("from"))
    ends_at = models.TimeField(_("until"))
    place = models.CharField(
        _("place"),
        max_length=200,
        blank=True,
        help_text=_("Empty: at the household's address."),
    )
    workers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("who goes"), related_name="appointments"
    )
    persons = models.ManyToManyField(
        "cases.Person", verbose_name=_("with whom"), blank=True, related_name="appointments"
    )
    purpose = models.TextField(_("purpose"), max_length=1000, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    cancel_reason = models.TextField(_("why cancelled"), max_length=1000, blank=True)
    contact = models.OneToOneField(
        "cases.Contact",
        verbose_name=_("fulfilled by contact"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appointment",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("planned by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("planned at"), default=timezone.now)

    objects = AppointmentQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[workers, persons])

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ["date", "starts_at", "id"]
        indexes = [
            models.Index(fields=["household", "status", "date"], name="appointment_household_date"),
            models.Index(fields=["date", "starts_at"], name="appointment_date_start"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="appointment_ends_after_start",
                violation_error_message=_("The end must be after the start."),
            ),
            models.CheckConstraint(
                condition=Q(status="cancelled", cancel_reason__gt="")
                | (~Q(status="cancelled") & Q(cancel_reason="")),
                name="appointment_cancel_needs_reason",
                violation_error_message=_("Say why the appointment is cancelled."),
            ),
            models.CheckConstraint(
                condition=Q(status="done", contact__isnull=False)
                | (~Q(status="done") & Q(contact__isnull=True)),
                name="appointment_done_iff_contact",
                violation_error_message=_("An appointment is done when a contact fulfils it."),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.date:%d-%m-%Y} {self.starts_at:%H:%M}"

    def get_absolute_url(self):
        return reverse("cases:appointment_edit", args=[self.household_id, self.pk])

    @property
    def reference(self) -> str:
        """What the calendar feed names it by: no name, no address (the feed leaves the app)."""
        return f"WT-{self.pk:06d}"

    @property
    def where(self) -> str:
        """The place, or the household's address."""
        return self.place or self.household.address

    @property
    def maps_url(self) -> str:
        """A link that opens the place on a map (the phone's browser or map app; no script)."""
        return "https://www.openstreetmap.org/search?" + urlencode({"query": self.where})

    @property
    def starts(self) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(self.date, self.starts_at))

    @property
    def ends(self) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(self.date, self.ends_at))

    @property
    def state(self) -> str:
        """The status, or "missed" when it was planned and its end has passed without a contact."""
        if "agenda_state" in self.__dict__:
            return self.agenda_state
        if self.status == self.Status.PLANNED and self.ends < timezone.now():
            return self.MISSED
        return self.status

    def get_state_display(self) -> str:
        return str(self.MISSED_LABEL) if self.state == self.MISSED else self.get_status_display()

    def clean(self):
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("The end must be after the start.")})
        if self.status == self.Status.CANCELLED and not self.cancel_reason.strip():
            raise ValidationError({"cancel_reason": _("Say why the appointment is cancelled.")})


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A user's secret calendar address. Renewing it replaces the token: the old address stops."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="calendar_feed",
    )
    token = models.CharField(_("token"), max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self):
        return str(self.user)
