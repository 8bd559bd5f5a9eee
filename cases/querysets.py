"""Who may see which case data: the one scoping rule, and search on top of it."""

import datetime

from django.db import models
from django.db.models import Case, Count, Exists, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.db.models.lookups import Contains

from cases.validators import compact_postcode
from teams import policy
from wijkteam.history import AuditedQuerySet

# "Before any contact": the lower bound of comparisons with a last contact that never happened.
EPOCH = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)


class HouseholdQuerySet(AuditedQuerySet):
    def visible_to(self, user, *, only_open: bool = False) -> "HouseholdQuerySet":
        """Households of the teams in which the user holds a position that is active today.

        Open households: the teams where the user holds "household.read" (teams/policy.py).
        Closed households: only where they hold "household.read_closed", and the household's
        own lead worker, because after closure the rest of the team no longer needs to know.
        Partner reporters, administrators without a position, inactive and anonymous users see
        none. Ended positions give no access.
        """
        if not user.is_authenticated or not user.is_active:
            return self.none()
        # The team ids as values, not as a subquery: then PostgreSQL walks the (team, status,
        # name) index of just these teams, and a page costs the same with 5,000 households in
        # the installation as with 500,000 (bench/run). The roles are read once per request.
        teams = policy.teams_for(user, "household.read")
        if not teams:
            return self.none()
        Status = self.model.Status
        open_ones = Q(status=Status.OPEN, team_id__in=teams)
        if only_open:
            # One plain condition when only open households are asked for (the list's default).
            # The rule below, filtered once more by status, makes PostgreSQL count the status
            # twice: it expected a tenth of the team's open households and read every one of
            # them, one heap page each, instead of asking the search's index (issue 16).
            return self.filter(open_ones)
        visible = open_ones | Q(status=Status.CLOSED, team_id__in=teams, lead_worker=user)
        if overseeing := policy.teams_for(user, "household.read_closed"):
            visible |= Q(status=Status.CLOSED, team_id__in=overseeing)
        return self.filter(visible)

    def with_contact_state(self) -> "HouseholdQuerySet":
        """Annotate the last contact, the last successful one, their follow-up date and the
        number of failed attempts since the last success (one query, subqueries per row)."""
        from cases.models import Contact

        contacts = Contact.objects.filter(household=OuterRef("pk")).order_by("-at", "-id")
        failed = (
            Contact.objects.filter(household=OuterRef("pk"), reached=False)
            .filter(at__gt=Coalesce(OuterRef("last_reached_at"), Value(EPOCH)))
            .order_by()
            .values("household")
            .annotate(n=Count("pk"))
            .values("n")
        )
        # The follow-up planned since the last success: a failed attempt after it (logged with
        # a quick button, no date) keeps it instead of wiping it; a new success starts afresh.
        follow_up = contacts.filter(
            follow_up_on__isnull=False, at__gte=Coalesce(OuterRef("last_reached_at"), Value(EPOCH))
        )
        return self.annotate(
            last_contact_at=Subquery(contacts.values("at")[:1]),
            last_reached_at=Subquery(contacts.filter(reached=True).values("at")[:1]),
        ).annotate(
            next_follow_up=Subquery(follow_up.values("follow_up_on")[:1]),
            failed_in_a_row=Coalesce(Subquery(failed), 0),
        )

    def with_next_appointment(self, now=None) -> "HouseholdQuerySet":
        """Annotate the next planned appointment (date and start) that is not over, and
        `next_contact_on`: the earlier of it and the follow-up date (what the caseload sorts on).
        Call after with_contact_state()."""
        from django.db.models import DateField

        from cases.models import Appointment

        upcoming = Appointment.objects.upcoming(now).filter(household=OuterRef("pk"))
        upcoming = upcoming.order_by("date", "starts_at", "id")
        return self.annotate(
            next_appointment_on=Subquery(upcoming.values("date")[:1]),
            next_appointment_at=Subquery(upcoming.values("starts_at")[:1]),
        ).annotate(
            next_contact_on=Case(
                When(next_appointment_on__isnull=True, then=models.F("next_follow_up")),
                When(next_follow_up__isnull=True, then=models.F("next_appointment_on")),
                When(
                    next_appointment_on__lt=models.F("next_follow_up"), then=models.F("next_appointment_on")
                ),
                default=models.F("next_follow_up"),
                output_field=DateField(),
            )
        )

    def drifting(self, *, now=None) -> "HouseholdQuerySet":
        """Open households drifting out of contact ("afhakers"), docs/domain.md.

        No successful contact for WIJKTEAM_DRIFT_DAYS (counted from registration when there was
        never one), or WIJKTEAM_DRIFT_FAILED_ATTEMPTS failed attempts in a row. A household
        leaves the list only by a successful contact or a follow-up decision made after the
        last success, until that decision's revisit date.
        """
        from django.conf import settings
        from django.utils import timezone

        from cases.models import FollowUpDecision

        now = now or timezone.now()
        limit = now - datetime.timedelta(days=settings.WIJKTEAM_DRIFT_DAYS)
        decided = FollowUpDecision.objects.filter(
            household=OuterRef("pk"),
            revisit_on__gt=timezone.localdate(now),
            decided_at__gt=Coalesce(OuterRef("last_reached_at"), Value(EPOCH)),
        )
        return (
            self.filter(status=self.model.Status.OPEN)
            .with_contact_state()
            .annotate(out_of_contact_since=Coalesce("last_reached_at", "created_at"))
            .filter(
                Q(out_of_contact_since__lt=limit)
                | Q(failed_in_a_row__gte=settings.WIJKTEAM_DRIFT_FAILED_ATTEMPTS)
            )
            .exclude(Exists(decided))
        )

    def search(self, text: str) -> "HouseholdQuerySet":
        """Every word must match the household name, a member's name, the street or postcode.

        Accents and case do not count ("joelle" finds "Joëlle"). A word that matches nowhere may
        also resemble a word of the household name, the street or a member's name ("hendrikze"
        finds "Hendrikse"; cases/search.py). Best first: every word in the household name, then
        every word somewhere, then the resembling ones; within each, the closest name first.

        Names and street are read from the household's `search_text`, which the database keeps
        with its members' names: one column and one trigram index, whatever the team's size.
        """
        from cases.search import Fold, SimilarWord, WordSimilarity

        # PostgreSQL refuses a NUL in a string literal; it cannot be part of a name anyway.
        text = (text or "").replace("\x00", "").strip()
        if not text:
            return self
        postcode = compact_postcode(text)
        if len(postcode) == 6 and postcode[:4].isdigit() and postcode[4:].isalpha():
            return self.filter(postcode=postcode)
        in_name, somewhere, alike = Q(), Q(), Q()
        for word in text.split()[:6]:
            folded = Fold(Value(word))
            named = Q(Contains(F("search_text"), folded))
            if word[:1].isdigit():
                # A postcode's start ("8021", "8021A"); a name never starts with a digit. Asked only
                # then, so that a name's condition is one the trigram index answers on its own.
                named |= Q(postcode__startswith=word.upper())
            in_name &= Q(Contains(Fold("name"), folded))
            somewhere &= named
            alike &= named | Q(SimilarWord(F("search_text"), folded))
        rank = Case(When(in_name, then=Value(0)), When(somewhere, then=Value(1)), default=Value(2))
        # The words are asked in a subquery of ids under the same scope: for open households
        # PostgreSQL answers it from the team's part of one index (household_team_search), the
        # search text beside each id, and reads the rows of the matches alone. The trigram index
        # would read every household of the installation that shares a trigram with the words.
        return (
            self.filter(pk__in=self.filter(alike).values("pk"))
            .annotate(search_rank=rank, search_similarity=WordSimilarity(Fold(Value(text)), Fold("name")))
            .order_by("search_rank", "-search_similarity", "name", "id")
        )


class PersonQuerySet(AuditedQuerySet):
    def visible_to(self, user) -> "PersonQuerySet":
        """Members of the households the user may see (HouseholdQuerySet.visible_to)."""
        from cases.models import Household

        return self.filter(household__in=Household.objects.visible_to(user).values("pk"))


class ReferralQuerySet(AuditedQuerySet):
    def visible_to(self, user) -> "ReferralQuerySet":
        """Signals a team member may open.

        Where the user holds "referral.read_all" (coordinators and managers): every signal of
        the team (they triage and review them). Elsewhere in their teams: the signals assigned
        to them and those linked to a household they may see (HouseholdQuerySet.visible_to), so
        an untriaged or declined signal stays with the coordinator. Partner reporters use
        `sent_by_organisation_of` instead; everyone else sees none.
        """
        from cases.models import Household

        if not user.is_authenticated or not user.is_active:
            return self.none()
        teams = policy.teams_for(user, "household.read")
        if not teams:
            return self.none()
        visible = Q(assigned_to=user) | Q(household__in=Household.objects.visible_to(user).values("pk"))
        if overseeing := policy.teams_for(user, "referral.read_all"):
            visible |= Q(team_id__in=overseeing)
        return self.filter(visible, team_id__in=teams)

    def sent_by_organisation_of(self, user) -> "ReferralQuerySet":
        """A partner reporter's view: the signals of their own organisation, nothing else."""
        if not user.is_authenticated or not user.is_active or user.organisation_id is None:
            return self.none()
        return self.filter(sender_organisation_id=user.organisation_id)

    def with_partner_status(self, partner_status: str) -> "ReferralQuerySet":
        """The signals whose `partner_status` is this one, in the query: a merged signal counts
        with the status of the one it joined (followed as far as the property follows it)."""
        from cases import workflow
        from cases.models.referral import MERGE_HOPS

        statuses = [status for status, shown in workflow.PARTNER_STATUS.items() if shown == partner_status]
        earlier_merged = Q()  # every signal before this hop of the chain was merged
        match = None
        hop = ""
        for _hop in range(MERGE_HOPS):
            here = earlier_merged & Q(**{f"{hop}status__in": statuses})
            match = here if match is None else match | here
            earlier_merged &= Q(**{f"{hop}status": workflow.Status.MERGED})
            hop += "merged_into__"
        if partner_status == workflow.PartnerStatus.RECEIVED:  # a chain longer than that
            match |= earlier_merged
        return self.filter(match)

    def counts_per_status(self, today) -> dict[str, int]:
        """How many signals per status, and "overdue": undecided past the first-contact deadline."""
        from django.db.models import Count

        from cases import workflow

        rows = self.values("status").annotate(
            n=Count("*"),
            overdue=Count("status", filter=Q(status__in=workflow.UNDECIDED, first_contact_due__lt=today)),
        )
        per_status = {row["status"]: row for row in rows.order_by()}
        counts = {status: per_status.get(status, {}).get("n", 0) for status in workflow.Status.values}
        counts["overdue"] = sum(row["overdue"] for row in per_status.values())
        return counts

    def triage_order(self) -> "ReferralQuerySet":
        """Crisis first, then urgent, then normal; within each, who waited longest first."""
        rank = Case(
            When(urgency="crisis", then=Value(0)),
            When(urgency="urgent", then=Value(1)),
            default=Value(2),
        )
        return self.annotate(urgency_rank=rank).order_by("urgency_rank", "received_at", "id")

    def awaiting_first_contact(self, today: datetime.date) -> "ReferralQuerySet":
        """Signals taken on (accepted or assigned) whose first contact is still to be made: no
        contact with the household since the signal came in reached anyone (a card at the door
        is an attempt, not the first contact). Annotated `first_contact_overdue` once the
        deadline has passed; ordered overdue first, then the triage order."""
        from django.db.models import BooleanField, ExpressionWrapper

        from cases import workflow
        from cases.models import Contact

        reached = Contact.objects.filter(
            household=OuterRef("household"), reached=True, at__gte=OuterRef("received_at")
        )
        overdue = ExpressionWrapper(Q(first_contact_due__lt=today), output_field=BooleanField())
        return (
            self.filter(status__in=[workflow.Status.ACCEPTED, workflow.Status.ASSIGNED])
            .exclude(Exists(reached))
            .annotate(first_contact_overdue=overdue)
            .triage_order()
            .order_by("-first_contact_overdue", "urgency_rank", "received_at", "id")
        )


class HouseholdChildQuerySet(AuditedQuerySet):
    """Rows that belong to one household (tasks, network, case reviews, plans)."""

    def visible_to(self, user, *, only_open: bool = False) -> "HouseholdChildQuerySet":
        """The rows of the households the user may see (HouseholdQuerySet.visible_to); with
        `only_open`, of their open households only."""
        from cases.models import Household

        households = Household.objects.visible_to(user, only_open=only_open)
        return self.filter(household__in=households.values("pk"))


class PlanQuerySet(HouseholdChildQuerySet):
    def current(self) -> "PlanQuerySet":
        return self.filter(status="current")

    def evaluation_due(self, on=None) -> "PlanQuerySet":
        """Current plans of open households whose evaluation date has passed (the one definition of
        "due"): a closed household keeps its last plan as it was, but nothing of it is late."""
        return self.filter(due_for_evaluation(on))


def due_for_evaluation(on=None) -> Q:
    """The condition of PlanQuerySet.evaluation_due, to combine with others in one filter."""
    from django.utils import timezone

    return Q(status="current", evaluation_date__lt=on or timezone.localdate(), household__status="open")


class SafetyWarningQuerySet(HouseholdChildQuerySet):
    def active(self, on=None) -> "SafetyWarningQuerySet":
        """Warnings in force on a date (today by default)."""
        from django.utils import timezone

        on = on or timezone.localdate()
        return self.filter(Q(active_until__isnull=True) | Q(active_until__gt=on), active_from__lte=on)


HouseholdManager = models.Manager.from_queryset(HouseholdQuerySet)
PersonManager = models.Manager.from_queryset(PersonQuerySet)
ReferralManager = models.Manager.from_queryset(ReferralQuerySet)
HouseholdChildManager = models.Manager.from_queryset(HouseholdChildQuerySet)
PlanManager = models.Manager.from_queryset(PlanQuerySet)
SafetyWarningManager = models.Manager.from_queryset(SafetyWarningQuerySet)
