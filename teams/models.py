"""Accounts and the organisation around the teams: who works where, in which role."""

import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cases.fields import PhoneField
from teams import expertise
from wijkteam.history import AuditedQuerySet

cbs_municipality_code = RegexValidator(
    r"^GM\d{4}$", _("Enter a CBS municipality code: GM followed by 4 digits, e.g. GM0363.")
)


def validate_postcode_areas(value):
    if not isinstance(value, list) or not all(
        isinstance(item, str) and len(item) == 4 and item.isdigit() and item[0] != "0" for item in value
    ):
        raise ValidationError(_('Enter a list of four-digit postcode areas, e.g. ["8021", "8022"].'))


class Sector(models.TextChoices):
    SCHOOL = "school", _("School")
    POLICE = "police", _("Police")
    GP = "gp", _("General practitioner")
    HOUSING = "housing", _("Housing corporation")
    GGZ = "ggz", _("Mental health care (GGZ)")
    YOUTH_CARE = "youth_care", _("Youth care")
    JGZ = "jgz", _("Youth health care (JGZ)")
    MEE = "mee", _("MEE")
    WMO_DESK = "wmo_desk", _("Wmo desk")
    DEBT_HELP = "debt_help", _("Debt help")
    VOLUNTEERS = "volunteers", _("Volunteer organisation")
    WELFARE = "welfare", _("Welfare")
    MUNICIPALITY = "municipality", _("Municipality")
    OTHER = "other", _("Other")


class AuditedUserManager(UserManager.from_queryset(AuditedQuerySet)):
    # Data migrations (allauth's among them) get a plain manager: the guard protects
    # application code, and a migration's bulk change is itself the recorded event.
    use_in_migrations = False


def languages():
    return settings.LANGUAGES


def default_language():
    return settings.LANGUAGE_CODE


class DigestFrequency(models.TextChoices):
    """How often a user gets the e-mail with what is new for them (teams/notifications.py)."""

    OFF = "off", _("Never")
    DAILY = "daily", _("Once a day")
    URGENT_AT_ONCE = "urgent", _("Urgent matters at once, the rest once a day")


class User(AbstractUser):
    """An account. Team members hold positions; a partner reporter has an organisation only."""

    organisation = models.ForeignKey(
        "teams.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        help_text=_("For partner reporters: the organisation on whose behalf they send signals."),
    )
    digest = models.CharField(
        _("e-mail about what is new"),
        max_length=10,
        choices=DigestFrequency.choices,
        default=DigestFrequency.DAILY,
        help_text=_("The e-mail holds numbers and links only, never a name, address or signal."),
    )
    mail_language = models.CharField(
        _("language of e-mails"), max_length=10, choices=languages, default=default_language
    )

    objects = AuditedUserManager()
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.get_full_name() or self.username


class Municipality(models.Model):
    """A municipality (gemeente) by its CBS code: the tenant boundary of all case data."""

    cbs_code = models.CharField(_("CBS code"), max_length=6, unique=True, validators=[cbs_municipality_code])
    name = models.CharField(_("name"), max_length=100)

    objects = AuditedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Organisation(models.Model):
    """An own institution (employer of team members) or a partner that sends signals."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    is_employer = models.BooleanField(
        _("employs team members"),
        default=False,
        help_text=_("An own institution whose staff hold positions in teams."),
    )
    is_partner = models.BooleanField(
        _("partner"), default=True, help_text=_("May send signals and receive feedback.")
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)

    objects = AuditedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self):
        return self.name


class SupportGroup(models.TextChoices):
    INTERVISION = "intervision", _("Intervision")
    CASE_CONSULTATION = "case_consultation", _("Case consultation")
    BOTH = "both", _("Intervision and case consultation")


class Team(models.Model):
    """A neighbourhood team and its profile: for whom, to what end, with whom, funded by whom."""

    class TargetGroup(models.TextChoices):
        OLDER_PEOPLE = "older_people", _("Older people")
        MIGRANTS = "migrants", _("Migrants")
        INFORMAL_CARERS = "informal_carers", _("Informal carers")
        YOUNG_PEOPLE = "young_people", _("Young people")
        NEIGHBOURHOOD = "neighbourhood", _("The whole neighbourhood")
        OTHER = "other", _("Other")

    class Aim(models.TextChoices):
        PSYCHOSOCIAL = "psychosocial", _("Psychosocial help")
        COHESION = "cohesion", _("Social cohesion")
        SAFETY = "safety", _("Safety")
        PARTICIPATION = "participation", _("Participation")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=100)
    municipality = models.ForeignKey(
        Municipality, verbose_name=_("municipality"), on_delete=models.PROTECT, related_name="teams"
    )
    area_codes = models.JSONField(
        _("area codes"),
        default=list,
        blank=True,
        help_text=_("CBS wijk (WK + 6 digits) and buurt (BU + 8 digits) codes of the area."),
    )
    area_codes_year = models.PositiveSmallIntegerField(_("year of the area codes"), null=True, blank=True)
    postcode_areas = models.JSONField(
        _("postcode areas"),
        default=list,
        blank=True,
        validators=[validate_postcode_areas],
        help_text=_(
            "The four-digit postcode areas (PC4) the team covers; partners' signals are routed by them."
        ),
    )
    phone = PhoneField(
        _("phone"),
        blank=True,
        help_text=_("The number partners call about their signals; shown on their status pages."),
    )
    plan_approval_required = models.BooleanField(
        _("plans need the coordinator's approval"),
        default=False,
        help_text=_("When on, a worker asks the coordinator to approve each plan version."),
    )
    target_groups = models.JSONField(_("target groups"), default=list, blank=True)
    target_groups_other = models.CharField(_("other target group"), max_length=200, blank=True)
    aims = models.JSONField(_("aims"), default=list, blank=True)
    aims_other = models.CharField(_("other aim"), max_length=200, blank=True)
    participating_organisations = models.ManyToManyField(
        Organisation, verbose_name=_("participating organisations"), blank=True, related_name="teams_joined"
    )
    funders = models.CharField(
        _("funded by"), max_length=300, blank=True, help_text=_("E.g. Gemeente Zwolle (Wmo).")
    )
    funded_from = models.DateField(_("funded from"), null=True, blank=True)
    funded_until = models.DateField(_("funded until"), null=True, blank=True)
    support_group = models.CharField(
        _("professional support group"), max_length=20, choices=SupportGroup.choices, blank=True
    )
    support_rhythm = models.CharField(
        _("rhythm of the support group"), max_length=100, blank=True, help_text=_("E.g. every other Tuesday.")
    )

    objects = AuditedQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[participating_organisations])

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["municipality__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="team_name_per_municipality")
        ]

    def __str__(self):
        return self.name

    @property
    def phone_display(self) -> str:
        from cases.validators import format_phone

        return format_phone(self.phone)

    @property
    def target_group_labels(self) -> list[str]:
        return [
            str(self.TargetGroup(code).label)
            for code in self.target_groups
            if code in self.TargetGroup.values
        ]

    @property
    def aim_labels(self) -> list[str]:
        return [str(self.Aim(code).label) for code in self.aims if code in self.Aim.values]


class PositionQuerySet(AuditedQuerySet):
    def active(self, on: datetime.date | None = None):
        """Positions in force on a date (today in Europe/Amsterdam by default)."""
        on = on or timezone.localdate()
        return self.filter(Q(active_until__isnull=True) | Q(active_until__gte=on), active_from__lte=on)


class Position(models.Model):
    """A user's place in a team: access role, professional role, employer, accountability."""

    class AccessRole(models.TextChoices):
        WORKER = "worker", _("Worker")
        COORDINATOR = "coordinator", _("Coordinator")
        MANAGER = "manager", _("Manager")

    class ProfessionalRole(models.TextChoices):
        FIRST_HELP = "first_help", _("First help / crisis")
        COACH = "coach", _("Coach")
        CASE_MANAGER = "case_manager", _("Regisseur / case manager / family coach")

    class AccountableTo(models.TextChoices):
        TEAM = "team", _("The team")
        INSTITUTION = "institution", _("The employing institution")

    class Membership(models.TextChoices):
        INSTITUTION = "institution", _("The institution")
        TEAM = "team", _("The team")

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.PROTECT, related_name="positions")
    team = models.ForeignKey(Team, verbose_name=_("team"), on_delete=models.PROTECT, related_name="positions")
    employer = models.ForeignKey(
        Organisation,
        verbose_name=_("employer"),
        on_delete=models.PROTECT,
        related_name="positions",
    )
    access_role = models.CharField(_("access role"), max_length=20, choices=AccessRole.choices)
    professional_role = models.CharField(
        _("professional role"), max_length=20, choices=ProfessionalRole.choices, blank=True
    )
    accountable_to = models.CharField(_("accountable to"), max_length=20, choices=AccountableTo.choices)
    membership = models.CharField(
        _("member of"),
        max_length=20,
        choices=Membership.choices,
        default="institution",
        help_text=_("Seconded by the institution, or a member of the team itself."),
    )
    hours_per_week = models.DecimalField(
        _("hours per week"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(60)],
    )
    support_group = models.CharField(_("support group"), max_length=100, blank=True)
    active_from = models.DateField(_("active from"), default=timezone.localdate)
    active_until = models.DateField(
        _("active until"), null=True, blank=True, help_text=_("Empty while the position lasts.")
    )

    objects = PositionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        ordering = ["team__name", "user__username"]
        constraints = [
            models.CheckConstraint(
                condition=Q(active_until__isnull=True) | Q(active_until__gte=models.F("active_from")),
                name="position_until_after_from",
                violation_error_message=_("A position cannot end before it starts."),
            ),
            models.UniqueConstraint(
                fields=["user", "team", "active_from"], name="one_position_per_user_team_start"
            ),
        ]

    def __str__(self):
        return f"{self.user} – {self.team} ({self.get_access_role_display()})"


class CoverQuerySet(AuditedQuerySet):
    def active(self, on: datetime.date | None = None):
        """Covers in force on a date (today by default): from the first day to the last, both in."""
        on = on or timezone.localdate()
        return self.filter(starts_on__lte=on, ends_on__gte=on)


class Cover(models.Model):
    """A colleague who stands in for an absent worker for a period (leave, illness): during it the
    cover sees the absent worker's caseload and acts on their households as their lead worker
    does (teams/policy.py `covering`). It ends by itself after its last day."""

    team = models.ForeignKey(Team, verbose_name=_("team"), on_delete=models.PROTECT, related_name="covers")
    absent = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("absent worker"), on_delete=models.PROTECT, related_name="+"
    )
    cover = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("covered by"), on_delete=models.PROTECT, related_name="+"
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until and including"))
    reason = models.CharField(_("why"), max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("arranged by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("arranged at"), default=timezone.now)

    objects = CoverQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("cover")
        verbose_name_plural = _("covers")
        ordering = ["starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="cover_ends_after_it_starts",
                violation_error_message=_("A cover cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=~Q(absent=models.F("cover")),
                name="cover_by_someone_else",
                violation_error_message=_("Someone cannot cover for themselves."),
            ),
        ]

    def __str__(self):
        return f"{self.cover} → {self.absent} ({self.starts_on:%d-%m-%Y} – {self.ends_on:%d-%m-%Y})"


class SecurityEvent(models.Model):
    """A login lock (issue 15): which rule refused, for which username tried, from which address,
    when and until when. Never the password.

    Append-only in PostgreSQL (a trigger, teams/migrations) and in the ORM (no bulk writes);
    administrators read it in the administration. The lines of the `wijkteam.security` log say the
    same for whoever watches the whole system; this table is what an administrator can look up.
    """

    class Kind(models.TextChoices):
        ACCOUNT_DELAYED = "account_delayed", _("Account delayed after failed logins")
        ACCOUNT_ADDRESS_LOCKED = "account_address_locked", _("Account locked from one address")
        ADDRESS_LOCKED = "address_locked", _("Address held back after failed logins")
        RATE_LIMITED = "rate_limited", _("Too many requests from one address")

    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    # As typed: it need not be an account, and an account's later rename does not change it.
    username = models.CharField(_("username tried"), max_length=150, blank=True)
    address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    until = models.DateTimeField(_("until"), null=True, blank=True)
    action = models.CharField(_("action"), max_length=100, blank=True)
    request_id = models.CharField(_("request id"), max_length=32, blank=True)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = _("security event")
        verbose_name_plural = _("security events")
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.at:%d-%m-%Y %H:%M:%S} {self.get_kind_display()} {self.username} {self.address or ''}"


class Notification(models.Model):
    """Something new for one user, in the app (the bell) and counted in their e-mail digest.

    Holds no personal data and no case content: a kind, a link, at most a signal's reference
    number. What it is about is behind the link, where the gateway decides who may read it.
    `key` names the event (e.g. "referral:<id>:overdue:<date>"), so a scheduled check that runs
    again does not notify twice, and changes to one household add up in one unread row (`count`).
    """

    class Kind(models.TextChoices):
        ASSIGNED = "assigned", _("A signal was assigned to you")
        OVERDUE = "overdue", _("A signal is past its first-contact deadline")
        EVALUATION_DUE = "evaluation_due", _("A plan's evaluation is due")
        HOUSEHOLD_CHANGED = "household_changed", _("A colleague changed a household you lead")
        MANDATE_REVIEW = "mandate_review", _("A mandate needs a review")
        CONSULT_ASKED = "consult_asked", _("A colleague asked you or your team a question")
        CONSULT_ANSWERED = "consult_answered", _("Your question was answered")
        SUPPLEMENTED = "supplemented", _("A partner added information to a declined signal")

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    url = models.CharField(_("link"), max_length=200)
    reference = models.CharField(_("reference"), max_length=20, blank=True)
    key = models.CharField(_("key"), max_length=120)
    count = models.PositiveIntegerField(_("number of times"), default=1)
    urgent = models.BooleanField(_("urgent"), default=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    mailed_at = models.DateTimeField(_("mailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The bell: a user's unread count, from the index alone.
            models.Index(fields=["user", "read_at"], name="notification_user_read"),
            models.Index(fields=["user", "key"], name="notification_user_key"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key"],
                condition=Q(read_at__isnull=True),
                name="one_unread_notification_per_key",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.reference}".strip()


class ExpertiseFields(models.Model):
    """What someone knows (teams/expertise.py): life domains, methods, client groups, languages
    and a short free text. For team members (Expertise) and, in the social map, a partner's
    contact person."""

    domains = models.JSONField(
        _("life domains"), default=list, blank=True, validators=[expertise.validate_domains]
    )
    methods = models.JSONField(
        _("methods"), default=list, blank=True, validators=[expertise.validate_methods]
    )
    client_groups = models.JSONField(
        _("client groups"), default=list, blank=True, validators=[expertise.validate_client_groups]
    )
    languages = models.JSONField(
        _("languages"), default=list, blank=True, validators=[expertise.validate_languages]
    )
    note = models.CharField(
        _("more about the expertise"),
        max_length=300,
        blank=True,
        help_text=_("Short, e.g. 'hoarding' or 'the rules of the Participatiewet'."),
    )

    class Meta:
        abstract = True

    def domain_names(self) -> list[str]:
        return expertise.names("domains", self.domains)

    def method_names(self) -> list[str]:
        return expertise.names("methods", self.methods)

    def group_names(self) -> list[str]:
        return expertise.names("client_groups", self.client_groups)

    def language_names(self) -> list[str]:
        return expertise.names("languages", self.languages)

    @property
    def is_empty(self) -> bool:
        return not (self.domains or self.methods or self.client_groups or self.languages or self.note)


class Expertise(ExpertiseFields):
    """A team member's expertise profile ("Mijn expertise"): one per user, edited by the user and
    by a coordinator of their team (teams.services.expertise_save)."""

    user = models.OneToOneField(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="expertise"
    )
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    objects = AuditedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("expertise")
        verbose_name_plural = _("expertise profiles")

    def __str__(self):
        return f"{_('Expertise')} {self.user}"
