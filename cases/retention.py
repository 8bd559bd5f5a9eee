"""Retention: closed households past their term are pseudonymised, history rows included.

The term counts from closure and depends on the kind of record (WIJKTEAM_RETENTION_YEARS,
docs/domain.md). A household under legal hold is skipped. What remains: the structure (that there
was a household in this area, its dates, the decisions and end results), a pseudonym, birth dates
reduced to the first day of their quarter, the area codes; what goes: names, addresses, BSNs,
contact details and every free-text note, change reasons in the history included. The access
log stays (at least five years) and holds no content. Each run writes a RetentionRun with counts
only.

The same run purges create-once submission ids (cases/once.py) older than
WIJKTEAM_SUBMISSION_KEEP_DAYS. They only guard against a double submit of one form page, and no
form page lives that long: a session ends after 12 hours however active, and logging in again
rotates the CSRF token, so the old page's POST is refused. Should an old id come back anyway (the
same user, a valid session and CSRF token, the id older than the keep period), it counts as a
first submission: the object is created once more and the id guards it again from then on.

History tables are append-only; only this job may update them, in its own transaction, by
setting `wijkteam.retention` (see wijkteam/db.py). That is the one documented path, and it opens
only for a session of the tables' owner: `manage.py apply_retention` logs in with
DATABASE_OWNER_URL; the application's role may set the switch, and the trigger still refuses.
"""

import datetime
import hashlib

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from cases.models import (
    AccessRequest,
    Action,
    Appointment,
    CaseReview,
    ConsentDecision,
    ConsultAnswer,
    ConsultQuestion,
    Contact,
    FollowUpDecision,
    Goal,
    Household,
    NetworkMember,
    Note,
    Person,
    Plan,
    Referral,
    ReferralDecision,
    SafetyWarning,
    Score,
    Share,
    Submission,
    Task,
)
from documents import services as document_services
from documents.models import Document
from walkin import retention as walkin_retention
from walkin.models import Visit as WalkInVisit


def quarter_start(day: datetime.date | None) -> datetime.date | None:
    if day is None:
        return None
    return datetime.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def pseudonym(pk) -> str:
    """Stable, not reversible without the secret key: the same household always gets the same code."""
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{pk}".encode()).hexdigest()
    return f"P-{digest[:10].upper()}"


# model: (how to find the household's rows, the fields to blank). Dates are handled below.
TEXT = {
    NetworkMember: ("household", {"name": "–", "involvement": "", "phone": "", "email": ""}),
    Referral: (
        "household",
        {
            "sender_name": "",
            "sender_phone": "",
            "sender_email": "",
            "concern": "",
            "request": "",
            "prior_information": "",
            "household_view": "",
            "professional_judgement": "",
            "subject_first_name": "",
            "subject_last_name_prefix": "",
            "subject_last_name": "",
            "subject_bsn": "",
            "guardian_name": "",
            "partner_label": "",
            "street": "",
            "house_number": None,
            "house_number_addition": "",
            "postcode": "",
            "city": "",
        },
    ),
    ReferralDecision: ("referral__household", {"reason": ""}),
    Plan: (
        "household",
        {
            "family_view": "",
            "strengths": "",
            "worries": "",
            "earlier_help": "",
            "safety_plan": "",
            "approval_comment": "",
            "evaluation_note": "",
        },
    ),
    Goal: ("plan__household", {"family_words": ""}),
    Action: ("plan__household", {"what": "–"}),
    Score: ("assessment__person__household", {"note": ""}),
    CaseReview: ("household", {"question": "", "considerations": "", "decisions": "", "follow_up": ""}),
    Contact: ("household", {"note": "", "next_step": ""}),
    # The cancel reason stays: a cancelled appointment needs one (a constraint); it is short.
    Appointment: ("household", {"purpose": "", "place": ""}),
    SafetyWarning: ("household", {"description": "", "advice_note": "", "end_reason": ""}),
    FollowUpDecision: ("household", {"note": ""}),
    Task: ("household", {"done_note": ""}),
    ConsentDecision: ("person__household", {"information_given": "", "basis_text": ""}),
    Share: ("household", {"content": "", "override_reason": ""}),
    AccessRequest: ("person__household", {"note": ""}),
    Note: ("household", {"text": ""}),
    # Consult questions about the household and their answers (issue 24).
    ConsultQuestion: ("household", {"question": ""}),
    ConsultAnswer: ("question__household", {"text": ""}),
    # A walk-in visit that became the household (walkin/retention.py blanks the others).
    WalkInVisit: ("household", {"name": "", "phone": "", "note": ""}),
    # The document's file is deleted from the storage (documents.services.delete_files).
    Document: ("household", {"title": "–", "file_name": "–"}),
}


def due(today: datetime.date | None = None):
    """Closed households past their term, not on legal hold, not yet pseudonymised."""
    today = today or timezone.localdate()
    households = Household.objects.none()
    for record_class, years in settings.WIJKTEAM_RETENTION_YEARS.items():
        households |= Household.objects.filter(
            status=Household.Status.CLOSED,
            record_class=record_class,
            closed_on__lte=today - relativedelta(years=years),
        )
    return households.filter(legal_hold=False, pseudonymised_on__isnull=True).order_by("closed_on", "id")


def stale_submissions(today: datetime.date | None = None):
    """Submission ids recorded before the first day of the keep period (whole days, local time)."""
    today = today or timezone.localdate()
    first_kept_day = today - datetime.timedelta(days=settings.WIJKTEAM_SUBMISSION_KEEP_DAYS)
    cutoff = datetime.datetime.combine(
        first_kept_day, datetime.time.min, tzinfo=timezone.get_current_timezone()
    )
    return Submission.objects.filter(created_at__lt=cutoff)


def purge_submissions(today: datetime.date | None = None) -> int:
    """Delete the stale submission ids; returns how many. Not audited data: ids and a URL only."""
    deleted, _per_model = stale_submissions(today).delete()
    return deleted


class NotTheOwner(Exception):
    """Retention runs in a session of the application's role, which may not change history."""


def owns_history(cursor) -> bool:
    """Whether this session logs in as the owner of the history tables (or a superuser)."""
    table = Household.history.model._meta.db_table
    cursor.execute(
        "SELECT pg_has_role(session_user, relowner, 'USAGE') FROM pg_class WHERE oid = %s::regclass", [table]
    )
    return cursor.fetchone()[0]


def _history(model, ids):
    return model.history.filter(id__in=list(ids))


@transaction.atomic
def apply(*, today: datetime.date | None = None) -> dict:
    """Pseudonymise every household that is due and purge stale submission ids; returns counts."""
    from cases.models import RetentionRun

    if connection.vendor == "postgresql":
        # Checked on every run, also when nothing is due yet: a deployment that runs retention as
        # the application's role hears it the first night, not years later.
        with connection.cursor() as cursor:
            if not owns_history(cursor):
                raise NotTheOwner(
                    "Retention pseudonymises history rows, which only the owner of the tables may "
                    "do: run it with DATABASE_OWNER_URL set (manage.py apply_retention logs in as it)."
                )
    today = today or timezone.localdate()
    households = list(due(today))
    ids = [household.pk for household in households]
    counts = {"households": len(ids), "submissions": purge_submissions(today)}
    counts["walkin_named_visits"] = walkin_retention.blank_named(today)
    if not ids:
        RetentionRun(ran_on=today, counts=counts).save()
        return counts
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL wijkteam.retention = 'on'")
    # Bulk updates on purpose: this is the one path past the audit guard (see module docstring).
    for household in households:
        blank = {
            "name": pseudonym(household.pk),
            "street": "",
            "house_number": None,
            "house_number_addition": "",
            "postcode": "",
            "city": "",
        }
        Household.history.filter(id=household.pk).update(history_change_reason="", **blank)
        Household._base_manager.filter(pk=household.pk).update(pseudonymised_on=today, **blank)
    people = list(Person._base_manager.filter(household_id__in=ids))
    for index, person in enumerate(people, start=1):
        blank = {
            "first_name": f"Persoon {index}",
            "last_name_prefix": "",
            "last_name": "",
            "bsn": "",
            "birth_date": quarter_start(person.birth_date),
            "phone": "",
            "email": "",
            "reach_when": "",
            "do_not_call_note": "",
        }
        Person._base_manager.filter(pk=person.pk).update(**blank)
        Person.history.filter(id=person.pk).update(history_change_reason="", **blank)
    counts["persons"] = len(people)
    for model, (path, fields) in TEXT.items():
        rows = model._base_manager.filter(**{f"{path}__in": ids})
        row_ids = list(rows.values_list("pk", flat=True))
        rows.update(**fields)
        if hasattr(model, "history"):
            # Change reasons are free text too ("Closed: …", "Task done: …").
            _history(model, row_ids).update(history_change_reason="", **fields)
        counts[model._meta.model_name] = len(row_ids)
    referral_ids = Referral._base_manager.filter(household_id__in=ids).values_list("pk", flat=True)
    for referral in Referral._base_manager.filter(pk__in=list(referral_ids)).only("pk", "subject_birth_date"):
        quarter = {"subject_birth_date": quarter_start(referral.subject_birth_date)}
        Referral._base_manager.filter(pk=referral.pk).update(**quarter)
        Referral.history.filter(id=referral.pk).update(**quarter)
    files = document_services.files_due(ids)
    counts["document_files"] = len(files)
    run = RetentionRun(ran_on=today, counts=counts)
    run.save()
    # The files go from the storage, each in the deletion register of this run.
    document_services.delete_files(files, run=run)
    return counts
