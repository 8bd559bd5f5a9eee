"""Documents in the case file: letters, signed consent forms, decisions, photos.

A document hangs from one household, may be about some of its members and may be linked to one
contact, consent decision, plan or signal of that household. Its metadata has a history; the
stored file never changes: a new version is a new document that replaces the old one in the list
(the old one is kept, and still downloadable).

The file is kept in the "documents" storage (settings.STORAGES) under a random key: never the
name the user gave it, never under a public URL. It is downloadable only once ClamAV found it
clean (`scan_status`); until then it waits in quarantine.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cases.querysets import HouseholdChildQuerySet
from teams import policy
from wijkteam.history import AuditedQuerySet


class DocumentQuerySet(HouseholdChildQuerySet):
    def listed(self) -> "DocumentQuerySet":
        """What a household's list shows: the latest version of each document, not refused."""
        return self.filter(replaced_by__isnull=True).exclude(scan_status=Document.ScanStatus.INFECTED)

    def readable_by(self, user, household) -> "DocumentQuerySet":
        """The documents of `household` the user may open: those for the lead worker and the
        coordinator only when the user is one of them ("document.read_restricted")."""
        if policy.can(user, "document.read_restricted", household):
            return self
        return self.filter(confidentiality=Document.Confidentiality.TEAM)


class Document(models.Model):
    class Kind(models.TextChoices):
        LETTER_IN = "letter_in", _("Letter received")
        LETTER_OUT = "letter_out", _("Letter sent")
        CONSENT_FORM = "consent_form", _("Signed consent form")
        DECISION = "decision", _("Decision (beschikking)")
        REPORT = "report", _("Report")
        PHOTO = "photo", _("Photo")
        OTHER = "other", _("Other")

    class Confidentiality(models.TextChoices):
        TEAM = "team", _("The team")
        RESTRICTED = "restricted", _("Lead worker and coordinator only")

    class ScanStatus(models.TextChoices):
        PENDING = "pending", _("Waiting for the virus scan")
        CLEAN = "clean", _("Scanned, no virus found")
        INFECTED = "infected", _("Refused: a virus was found")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    household = models.ForeignKey(
        "cases.Household", verbose_name=_("household"), on_delete=models.PROTECT, related_name="documents"
    )
    persons = models.ManyToManyField(
        "cases.Person", verbose_name=_("about"), blank=True, related_name="documents"
    )
    contact = models.ForeignKey(
        "cases.Contact",
        verbose_name=_("contact"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
    )
    consent = models.ForeignKey(
        "cases.ConsentDecision",
        verbose_name=_("consent decision"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
    )
    plan = models.ForeignKey(
        "cases.Plan",
        verbose_name=_("plan"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
    )
    referral = models.ForeignKey(
        "cases.Referral",
        verbose_name=_("signal"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
    )
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    date = models.DateField(_("date of the document"), default=timezone.localdate)
    confidentiality = models.CharField(
        _("who may see it"), max_length=10, choices=Confidentiality.choices, default=Confidentiality.TEAM
    )
    replaces = models.OneToOneField(
        "self",
        verbose_name=_("new version of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("added by"), on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(_("added at"), default=timezone.now)
    # What the file is: read from its content at intake, never from the name or the browser.
    file_name = models.CharField(_("file name"), max_length=120)
    content_type = models.CharField(_("file type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    storage_key = models.CharField(max_length=200, unique=True, editable=False)
    scan_status = models.CharField(
        _("virus scan"), max_length=10, choices=ScanStatus.choices, default=ScanStatus.PENDING
    )
    scanned_at = models.DateTimeField(_("scanned at"), null=True, blank=True)
    # Retention deleted the file (DocumentDeletion says when, by which run).
    file_deleted_on = models.DateField(_("file deleted on"), null=True, blank=True)

    objects = models.Manager.from_queryset(DocumentQuerySet)()
    history = HistoricalRecords(excluded_fields=["storage_key"], m2m_fields=["persons"])

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-date", "-added_at"]
        indexes = [models.Index(fields=["household", "-date", "-added_at"], name="document_household_date")]
        constraints = [
            models.CheckConstraint(
                condition=Q(scan_status__in=["pending", "clean", "infected"]), name="document_scan_status"
            ),
            models.CheckConstraint(
                condition=Q(confidentiality__in=["team", "restricted"]), name="document_confidentiality"
            ),
            models.CheckConstraint(
                condition=~Q(replaces=models.F("id")), name="document_not_its_own_version"
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def downloadable(self) -> bool:
        return self.scan_status == self.ScanStatus.CLEAN and self.file_deleted_on is None


class DocumentDeletion(models.Model):
    """The deletion register: one file deleted from the storage by a retention run.

    What kind of document it was, how large, when and by which run: no content, no title, no
    name, no household. Append-only (a trigger in PostgreSQL).
    """

    run = models.ForeignKey(
        "cases.RetentionRun", verbose_name=_("retention run"), on_delete=models.PROTECT, related_name="+"
    )
    document_id = models.UUIDField(_("document"))
    kind = models.CharField(_("kind"), max_length=20, choices=Document.Kind.choices)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    deleted_at = models.DateTimeField(_("deleted at"), default=timezone.now)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = _("deleted document file")
        verbose_name_plural = _("deleted document files")
        ordering = ["-deleted_at"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.deleted_at:%d-%m-%Y}"
