"""The social map (sociale kaart): who in the neighbourhood offers what, for whom, where, and how
to refer. Shaped after Open Referral's HSDS 3.0 (directory/hsds.py maps it both ways): every
record has a UUID, the identifier HSDS asks for, so an export imported elsewhere keeps its ids.

Organisations are the existing `teams.Organisation`; what the directory adds to one (KvK and AGB
numbers, website, description) is its `OrganisationProfile`. The directory is not case data: it
names no resident, and every team member reads it (teams/policy.py "directory.read").
"""

import datetime
import re
import uuid

from django.conf import settings
from django.contrib.postgres.indexes import OpClass
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cases.search import Fold, TrigramIndex
from teams.models import ExpertiseFields, validate_postcode_areas
from wijkteam.history import AuditedQuerySet

# The Dutch profile of HSDS: KvK and AGB as organisation identifiers, CBS codes as service areas.
PROFILE_URI = "https://wijkteam.example/hsds/profile/nl/1.0"

AREA_CODE = re.compile(r"^(GM\d{4}|WK\d{6}|BU\d{8})$")


def validate_kvk(value: str) -> None:
    """A KvK number: 8 digits (python-stdnum has no Dutch KvK module; the number has no check digit)."""
    if not re.fullmatch(r"\d{8}", value or ""):
        raise ValidationError(_("Enter a KvK number of 8 digits, e.g. 12345678."))


def validate_agb(value: str) -> None:
    """An AGB code (Vektis): 8 digits, the first two the kind of care."""
    if not re.fullmatch(r"\d{8}", value or ""):
        raise ValidationError(_("Enter an AGB code of 8 digits, e.g. 01234567."))


def validate_area_codes(value) -> None:
    if not isinstance(value, list) or not all(isinstance(c, str) and AREA_CODE.match(c) for c in value):
        raise ValidationError(
            _("Enter CBS codes: GM + 4 digits, WK + 6 (wijk) or BU + 8 (buurt), e.g. WK019301.")
        )


class Taxonomy(models.TextChoices):
    LIFE_DOMAIN = "life_domain", _("Life domain (ZRM)")
    TARGET_GROUP = "target_group", _("Target group")


class TaxonomyTerm(models.Model):
    """A term of one of the directory's two Dutch taxonomies: the 13 life domains of the ZRM, and
    target groups. Loaded by the data migration (directory/taxonomy.py)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    taxonomy = models.CharField(_("taxonomy"), max_length=20, choices=Taxonomy.choices)
    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=100)
    description = models.CharField(_("description"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = AuditedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("taxonomy term")
        verbose_name_plural = _("taxonomy terms")
        ordering = ["taxonomy", "position", "name"]

    def __str__(self):
        return self.name


class OrganisationProfile(models.Model):
    """What the social map knows of an organisation beyond its name and sector."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.OneToOneField(
        "teams.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="directory_profile",
    )
    description = models.TextField(_("description"), blank=True)
    website = models.URLField(_("website"), blank=True)
    kvk = models.CharField(_("KvK number"), max_length=8, blank=True, validators=[validate_kvk])
    agb = models.CharField(_("AGB code"), max_length=8, blank=True, validators=[validate_agb])
    update_email = models.EmailField(
        _("e-mail for update requests"),
        blank=True,
        help_text=_("Where the yearly request to check the organisation's entries goes."),
    )

    objects = AuditedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("organisation profile")
        verbose_name_plural = _("organisation profiles")

    def __str__(self):
        return str(self.organisation)


class ServiceQuerySet(AuditedQuerySet):
    def stale(self, on: datetime.date | None = None):
        """Services whose verification is due: never checked, or checked longer ago than their
        cycle (`verify_by`, kept by directory.services.service_save, is in the past)."""
        on = on or timezone.localdate()
        return self.filter(Q(verify_by__isnull=True) | Q(verify_by__lt=on))


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later (the last day of a shorter month)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for candidate in (31, 30, 29, 28):
        try:
            return datetime.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")


class Service(models.Model):
    """What an organisation offers: for whom, how to get it, what it costs, and whether the
    entry is still true (last verified, verification cycle)."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        INACTIVE = "inactive", _("Inactive")
        TEMPORARILY_CLOSED = "temporarily closed", _("Temporarily closed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        "teams.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="services",
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("what it offers"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    life_domains = models.ManyToManyField(
        TaxonomyTerm,
        verbose_name=_("life domains"),
        blank=True,
        related_name="services_by_domain",
        limit_choices_to={"taxonomy": Taxonomy.LIFE_DOMAIN},
    )
    target_groups = models.ManyToManyField(
        TaxonomyTerm,
        verbose_name=_("target groups"),
        blank=True,
        related_name="services_by_group",
        limit_choices_to={"taxonomy": Taxonomy.TARGET_GROUP},
    )
    minimum_age = models.PositiveSmallIntegerField(
        _("from age"), null=True, blank=True, validators=[MaxValueValidator(120)]
    )
    maximum_age = models.PositiveSmallIntegerField(
        _("up to and including age"), null=True, blank=True, validators=[MaxValueValidator(120)]
    )
    eligibility = models.TextField(_("who it is for"), blank=True)
    how_to_refer = models.TextField(
        _("how to refer or apply"), help_text=_("What a worker or resident does to get this help.")
    )
    costs = models.CharField(
        _("costs"), max_length=300, blank=True, help_text=_("E.g. free, or own contribution.")
    )
    languages = models.CharField(
        _("languages"), max_length=200, blank=True, help_text=_("E.g. Nederlands, Engels, Arabisch.")
    )
    accessibility = models.CharField(_("accessibility"), max_length=300, blank=True)
    url = models.URLField(_("web page"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    area_codes = models.JSONField(
        _("service area"),
        default=list,
        blank=True,
        validators=[validate_area_codes],
        help_text=_("CBS codes of the municipality, wijken or buurten served; empty for everywhere."),
    )
    postcode_areas = models.JSONField(
        _("postcode areas"),
        default=list,
        blank=True,
        validators=[validate_postcode_areas],
        help_text=_('Four-digit postcode areas served, e.g. ["8021", "8022"]; empty for everywhere.'),
    )
    last_verified = models.DateField(_("last verified"), null=True, blank=True)
    verification_months = models.PositiveSmallIntegerField(
        _("verify every (months)"), default=12, validators=[MinValueValidator(1), MaxValueValidator(36)]
    )
    verify_by = models.DateField(_("verify by"), null=True, blank=True, editable=False)
    modified_at = models.DateTimeField(_("last changed"), default=timezone.now)

    objects = ServiceQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[life_domains, target_groups])

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["name"]
        indexes = [
            # The search (directory/search.py): folded words, served by trigram indexes.
            TrigramIndex(OpClass(Fold("name"), name="gin_trgm_ops"), name="service_name_fold_trgm"),
            TrigramIndex(
                OpClass(Fold("description"), name="gin_trgm_ops"), name="service_description_fold_trgm"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(minimum_age__isnull=True)
                | Q(maximum_age__isnull=True)
                | Q(maximum_age__gte=models.F("minimum_age")),
                name="service_age_range_in_order",
                violation_error_message=_("The upper age cannot be below the lower age."),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("directory:service", args=[self.pk])

    def next_verification(self) -> datetime.date | None:
        return add_months(self.last_verified, self.verification_months) if self.last_verified else None

    def is_stale(self, on: datetime.date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.verify_by is None or self.verify_by < on


class Location(models.Model):
    """Where an organisation receives people. A confidential location (a shelter) shows its
    address to team members only and never leaves through the API."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        "teams.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="locations",
    )
    name = models.CharField(_("name"), max_length=200)
    street = models.CharField(_("street and number"), max_length=200)
    postcode = models.CharField(
        _("postcode"),
        max_length=7,
        validators=[RegexValidator(r"^\d{4} ?[A-Z]{2}$", _("Enter a postcode like 8021 AB."))],
    )
    city = models.CharField(_("place"), max_length=100)
    municipality_code = models.CharField(
        _("CBS municipality code"),
        max_length=6,
        blank=True,
        validators=[RegexValidator(r"^GM\d{4}$", _("Enter GM followed by 4 digits, e.g. GM0193."))],
    )
    confidential = models.BooleanField(
        _("confidential address"), default=False, help_text=_("Shown to team members only; never in the API.")
    )
    # The area this location serves (HSDS service_area per location, openreferral#497); empty
    # lists: the service's own area.
    area_codes = models.JSONField(
        _("service area"),
        default=list,
        blank=True,
        validators=[validate_area_codes],
        help_text=_("CBS codes served from here (GM, WK, BU); empty: as the service."),
    )
    postcode_areas = models.JSONField(
        _("postcode areas"),
        default=list,
        blank=True,
        validators=[validate_postcode_areas],
        help_text=_("Four-digit postcode areas served from here; empty: as the service."),
    )
    services = models.ManyToManyField(
        Service,
        verbose_name=_("services here"),
        blank=True,
        related_name="locations",
        through="ServiceAtLocation",
    )

    objects = AuditedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        ordering = ["name"]

    def __str__(self):
        return self.name


class ServiceAtLocation(models.Model):
    """A service offered at a location (HSDS service_at_location)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="at_locations")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="with_services")

    objects = AuditedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("service at a location")
        verbose_name_plural = _("services at locations")
        constraints = [
            models.UniqueConstraint(fields=["service", "location"], name="service_once_per_location")
        ]

    def __str__(self):
        return f"{self.service_id} @ {self.location_id}"


class OpeningHours(models.Model):
    """When a location is open (an HSDS schedule: weekly, one weekday, opens and closes)."""

    class Weekday(models.IntegerChoices):
        MONDAY = 1, _("Monday")
        TUESDAY = 2, _("Tuesday")
        WEDNESDAY = 3, _("Wednesday")
        THURSDAY = 4, _("Thursday")
        FRIDAY = 5, _("Friday")
        SATURDAY = 6, _("Saturday")
        SUNDAY = 7, _("Sunday")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    location = models.ForeignKey(
        Location, verbose_name=_("location"), on_delete=models.CASCADE, related_name="opening_hours"
    )
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday.choices)
    opens_at = models.TimeField(_("opens"))
    closes_at = models.TimeField(_("closes"))

    objects = AuditedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        ordering = ["weekday", "opens_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")),
                name="opening_hours_close_after_opening",
                violation_error_message=_("A location cannot close before it opens."),
            ),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens_at:%H:%M}–{self.closes_at:%H:%M}"


class Contact(ExpertiseFields):
    """A person to call at an organisation (or for one service). Professionals only: shown to
    team members, and through the API only to clients with the "directory:contacts" scope.

    With their expertise (teams.models.ExpertiseFields), found by "Wie weet iets van…"."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        "teams.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="directory_contacts",
    )
    service = models.ForeignKey(
        Service,
        verbose_name=_("service"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="contacts",
    )
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)

    objects = AuditedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("contact person")
        verbose_name_plural = _("contact persons")
        ordering = ["name"]

    def __str__(self):
        return self.name


class UpdateRequest(models.Model):
    """A request to an organisation to check its entries: sent by e-mail with a signed link that
    works once and expires (directory/updates.py). What the organisation answers is a proposal the
    coordinator applies; a confirmation marks its services verified."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        "teams.Organisation", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    sent_to = models.EmailField(_("sent to"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("sent by"), on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    used_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    confirmed = models.BooleanField(_("entries confirmed"), default=False)
    proposal = models.TextField(_("corrections proposed"), blank=True)

    objects = AuditedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("update request")
        verbose_name_plural = _("update requests")
        ordering = ["-sent_at"]

    def __str__(self):
        return f"{self.organisation} ({self.sent_at:%d-%m-%Y})"


class ApiAccess(models.Model):
    """Retired: the grants of the HSDS API before "directory:read" and "directory:contacts"
    became scopes of the partner API (api.models.SCOPES, on the client and in its tokens). The
    data migration api 0004 copied every grant into its client's scopes; nothing reads these rows
    any more. Kept (with their history) until a later migration drops the table."""

    READ = "directory:read"
    CONTACTS = "directory:contacts"
    SCOPES = {READ: _("Read the social map (HSDS)"), CONTACTS: _("Also its contact persons")}

    client = models.OneToOneField(
        "api.ApiClient",
        verbose_name=_("API client"),
        on_delete=models.PROTECT,
        related_name="directory_access",
    )
    scopes = models.JSONField(_("scopes"), default=list, help_text=_("directory:read, directory:contacts"))

    objects = AuditedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("access to the social map")
        verbose_name_plural = _("access to the social map")

    def __str__(self):
        return f"{self.client} ({', '.join(self.scopes)})"

    def clean(self):
        if not isinstance(self.scopes, list) or not set(self.scopes) <= set(self.SCOPES):
            raise ValidationError({"scopes": _("Choose from directory:read and directory:contacts.")})
