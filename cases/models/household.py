"""Households and the people in them: the heart of the case record."""

import datetime
import uuid

from django.conf import settings
from django.contrib.postgres.indexes import OpClass
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cases.fields import BSNField, PhoneField, PostcodeField
from cases.querysets import HouseholdManager, PersonManager
from cases.search import Fold, TrigramIndex
from cases.validators import format_phone, format_postcode, validate_buurt_code, validate_wijk_code
from wijkteam.links import object_url


class EndResult(models.TextChoices):
    """The closed list of end results (docs/domain.md, after VNG's early-signalling standard)."""

    NO_CONTACT = "no_contact", _("No contact possible")
    NO_RESPONSE = "no_response", _("No response after earlier contact")
    OTHER_TRAJECTORY = "other_trajectory", _("Resident already has another ongoing trajectory")
    WITHOUT_CONTACT = "without_contact", _("Referral without contact (bemoeizorg)")
    QUICK_FIX = "quick_fix", _("Quick fix")
    CONTINUED_FINANCIAL = "continued_financial", _("Continued help (financial)")
    CONTINUED_OTHER = "continued_other", _("Continued help (non-financial)")
    HANDED_OVER = "handed_over", _("Handed over to another organisation")


class RecordClass(models.TextChoices):
    """Retention classes (docs/domain.md); the terms are the setting WIJKTEAM_RETENTION_YEARS."""

    WMO = "wmo", _("Wmo support without a provision")
    WMO_PROVISION = "wmo_provision", _("Wmo support with a provision")
    YOUTH_CARE = "youth_care", _("Youth care")


ADULT_AGE = 18


def age_on(born: datetime.date, day: datetime.date) -> int:
    """Age in whole years on a day."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class Household(models.Model):
    """A household (huishouden, gezin) with one address and at most one lead worker."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    team = models.ForeignKey(
        "teams.Team", verbose_name=_("team"), on_delete=models.PROTECT, related_name="households"
    )
    municipality = models.ForeignKey(
        "teams.Municipality",
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        related_name="households",
        editable=False,
    )
    name = models.CharField(
        _("name"),
        max_length=120,
        help_text=_("How the team refers to the household, e.g. Family Jansen."),
    )
    street = models.CharField(_("street"), max_length=120)
    house_number = models.PositiveIntegerField(
        _("house number"), null=True, validators=[MinValueValidator(1), MaxValueValidator(99999)]
    )
    house_number_addition = models.CharField(
        _("addition"), max_length=10, blank=True, help_text=_("E.g. A, 2 hoog, bis.")
    )
    postcode = PostcodeField(_("postcode"))
    city = models.CharField(_("place"), max_length=80)
    wijk_code = models.CharField(
        _("CBS wijk code"), max_length=8, blank=True, validators=[validate_wijk_code]
    )
    buurt_code = models.CharField(
        _("CBS buurt code"), max_length=10, blank=True, validators=[validate_buurt_code]
    )
    area_codes_year = models.PositiveSmallIntegerField(
        _("year of the area codes"),
        null=True,
        blank=True,
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
        help_text=_("CBS boundaries change yearly, so the year goes with the codes."),
    )
    lead_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lead worker"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lead_households",
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    end_result = models.CharField(_("end result"), max_length=20, choices=EndResult.choices, blank=True)
    record_class = models.CharField(
        _("kind of record"),
        max_length=20,
        choices=RecordClass.choices,
        default=RecordClass.WMO,
        help_text=_("Decides how long the record is kept after closure."),
    )
    legal_hold = models.BooleanField(
        _("legal hold"), default=False, help_text=_("Keep past the retention term (e.g. a court case).")
    )
    pseudonymised_on = models.DateField(_("pseudonymised on"), null=True, blank=True, editable=False)
    handed_over_to = models.ForeignKey(
        "teams.Organisation",
        verbose_name=_("handed over to"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    # Name, street and members' names, folded: what the search reads (cases/search.py). The
    # database's triggers keep it; nothing in Python writes it, and history leaves it out.
    search_text = models.TextField(editable=False, blank=True, default="")

    objects = HouseholdManager()
    history = HistoricalRecords(excluded_fields=["search_text"])

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["name", "id"]
        indexes = [
            models.Index(fields=["team", "status", "name"], name="household_team_status_name"),
            models.Index(fields=["postcode", "house_number"], name="household_address"),
            models.Index(fields=["lead_worker", "status"], name="household_lead_status"),
            # Search (cases/search.py): wijkteam_fold(column) LIKE '%word%' (accents and case
            # folded) and the fuzzy %> operator, both served by a trigram index on the folded column.
            TrigramIndex(OpClass(Fold("name"), name="gin_trgm_ops"), name="household_name_fold_trgm"),
            TrigramIndex(OpClass(Fold("street"), name="gin_trgm_ops"), name="household_street_fold_trgm"),
            TrigramIndex(
                fields=["search_text"], opclasses=["gin_trgm_ops"], name="household_search_text_trgm"
            ),
            # A team's open households with their search text, so that a search reads the team's
            # part of this index only and no heap page but those of its matches (issue 16):
            # cases/querysets.py search. The size of the installation does not count.
            models.Index(
                fields=["team", "status"], include=["id", "search_text"], name="household_team_search"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open", closed_on__isnull=True)
                | Q(status="closed", closed_on__isnull=False),
                name="household_closed_on_iff_closed",
                violation_error_message=_("A closed household needs a closing date; an open one none."),
            ),
            models.CheckConstraint(
                condition=Q(postcode__regex=r"^[1-9][0-9]{3}[A-Z]{2}$") | Q(pseudonymised_on__isnull=False),
                name="household_postcode_compact",
            ),
            models.CheckConstraint(
                condition=Q(house_number__gte=1) | Q(pseudonymised_on__isnull=False),
                name="household_house_number",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return object_url("cases:household_detail", self.pk)

    def consent_decisions(self):
        """Every consent decision of the household's members."""
        from cases.models import ConsentDecision

        return ConsentDecision.objects.filter(person__household=self)

    def access_requests(self):
        """The members' requests for access (art. 15)."""
        from cases.models import AccessRequest

        return AccessRequest.objects.filter(person__household=self)

    @property
    def address(self) -> str:
        if self.pseudonymised_on:
            return self.buurt_code or self.wijk_code or "–"
        number = (
            f"{self.house_number}{(' ' + self.house_number_addition) if self.house_number_addition else ''}"
        )
        return f"{self.street} {number}, {format_postcode(self.postcode)} {self.city}"

    def clean(self):
        # The tenant of a household is its team's municipality, never something else.
        if self.team_id is not None:
            self.municipality_id = self.team.municipality_id
        if self.closed_on and self.closed_on > timezone.localdate():
            raise ValidationError({"closed_on": _("The closing date cannot be in the future.")})


class Person(models.Model):
    """A member of a household (cliënt, gezinslid). The BSN is optional."""

    class Relation(models.TextChoices):
        MAIN_RESIDENT = "main_resident", _("Main resident")
        PARTNER = "partner", _("Partner")
        PARENT = "parent", _("Parent or carer")
        CHILD = "child", _("Child")
        FOSTER_CHILD = "foster_child", _("Foster child")
        GRANDPARENT = "grandparent", _("Grandparent")
        OTHER_FAMILY = "other_family", _("Other family member")
        HOUSEMATE = "housemate", _("Housemate")
        OTHER = "other", _("Other")

    class ReachBy(models.TextChoices):
        PHONE = "phone", _("Phone")
        MESSAGE = "message", _("Text message")
        EMAIL = "email", _("E-mail")
        VISIT = "visit", _("Visit")
        LETTER = "letter", _("Letter")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.CASCADE, related_name="members"
    )
    first_name = models.CharField(_("first name"), max_length=80)
    last_name_prefix = models.CharField(
        _("prefix"), max_length=20, blank=True, help_text=_("E.g. van, de, van der.")
    )
    last_name = models.CharField(_("last name"), max_length=120)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    bsn = BSNField(_("BSN"), blank=True, help_text=_("Optional. Nine digits, checked with the 11-proef."))
    relation = models.CharField(_("relation in the household"), max_length=20, choices=Relation.choices)

    # How to reach them (issue 16). "Do not call" is respected by the quick buttons and by
    # contact_log (cases/services/outreach.py, calling_allowed and check_calling).
    phone = PhoneField(_("phone"), blank=True, help_text=_("E.g. 06-12345678 or 020-1234567."))
    email = models.EmailField(_("e-mail"), blank=True)
    reach_by = models.CharField(
        _("preferred way to reach"), max_length=10, choices=ReachBy.choices, blank=True
    )
    reach_when = models.CharField(
        _("best time to reach"),
        max_length=100,
        blank=True,
        help_text=_("E.g. mornings, after 18:00, not on Wednesdays."),
    )
    do_not_call = models.BooleanField(
        _("do not call"),
        default=False,
        help_text=_("Nobody of the team phones this person; the phone buttons are not offered."),
    )
    do_not_call_note = models.CharField(
        _("why not call"),
        max_length=200,
        blank=True,
        help_text=_("Optional, e.g. 'the partner checks the phone'."),
    )

    objects = PersonManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        ordering = ["birth_date", "first_name", "id"]
        indexes = [
            models.Index(fields=["last_name", "first_name"], name="person_name"),
            # Matching a signal to a known person (cases/matching.py), also in other teams: a
            # similar last name (pg_trgm's % operator on the folded name, accents and case aside),
            # the same birth date, the same BSN.
            TrigramIndex(OpClass(Fold("last_name"), name="gin_trgm_ops"), name="person_last_name_fold_trgm"),
            models.Index(fields=["birth_date"], name="person_birth_date"),
            models.Index(fields=["bsn"], name="person_bsn", condition=~Q(bsn="")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(do_not_call=True) | Q(do_not_call_note=""),
                name="person_do_not_call_note_needs_mark",
                violation_error_message=_("A reason not to call goes with 'do not call'."),
            ),
        ]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name_prefix, self.last_name) if p)

    @property
    def age(self) -> int | None:
        if not self.birth_date:
            return None
        return age_on(self.birth_date, timezone.localdate())

    @property
    def phone_display(self) -> str:
        """The number the Dutch way (06-12345678); the stored form (E.164) is for tel: links."""
        return format_phone(self.phone)

    def clean(self):
        errors = {}
        if self.birth_date and self.birth_date > timezone.localdate():
            errors["birth_date"] = _("The date of birth cannot be in the future.")
        if self.do_not_call_note and not self.do_not_call:
            errors["do_not_call_note"] = _("Tick 'do not call' too, or leave the reason empty.")
        if self.do_not_call and self.reach_by == self.ReachBy.PHONE:
            errors["reach_by"] = _("Phoning is the preferred way, but 'do not call' is ticked.")
        address = {
            self.ReachBy.PHONE: ("phone", _("Fill in the phone number to reach them by phone.")),
            self.ReachBy.MESSAGE: ("phone", _("Fill in the phone number to send text messages.")),
            self.ReachBy.EMAIL: ("email", _("Fill in the e-mail address to reach them by e-mail.")),
        }.get(self.reach_by)
        if address and not getattr(self, address[0]) and "reach_by" not in errors:
            errors["reach_by"] = address[1]
        if errors:
            raise ValidationError(errors)
