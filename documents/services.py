"""Adding, scanning and deleting documents: every change of one goes through here."""

import logging
import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import storages
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Household
from documents import intake, scanner
from documents.models import Document, DocumentDeletion
from teams import policy
from teams.models import User

logger = logging.getLogger("wijkteam.documents")
security = logging.getLogger("wijkteam.security")


def storage():
    """The private storage of document files (settings.STORAGES["documents"])."""
    return storages["documents"]


def new_key() -> str:
    """A random storage key: the user's file name never reaches the storage."""
    key = uuid.uuid4().hex
    return f"documents/{key[:2]}/{key}"


def _log_infected(*, by: User, household: Household, signature: str, size: int, document=None) -> None:
    security.warning(
        "Virus found in an uploaded document (%s, %d bytes): refused",
        signature,
        size,
        extra={
            "security_event": "document_infected",
            "by_user_id": by.pk if by else None,
            "by_username": by.username if by else "",
            "household_id": str(household.pk),
            "document_id": str(document.pk) if document else "",
            "signature": signature,
            "size": size,
        },
    )


def _infected_message() -> str:
    return _("This file contains a virus (%(name)s) and was refused. Do not open it; report it to IT.")


def add(
    *,
    household: Household,
    upload,
    title: str,
    kind: str,
    date,
    confidentiality: str,
    by: User,
    persons=(),
    contact=None,
    consent=None,
    plan=None,
    referral=None,
    replaces: Document | None = None,
) -> Document:
    """Check, scan and store an uploaded file as a document of the household.

    ValidationError (for the `file` field) when the file is too large, not of an allowed type,
    or infected (logged as a security event). When clamd cannot be reached the document is
    stored in quarantine (pending, not downloadable) and scanned later (documents.tasks).
    """
    policy.require(by, "household.edit", household)
    inspected = intake.inspect(upload)
    verdict = scanner.scan(upload, inspected.size)
    if verdict.result == scanner.INFECTED:
        _log_infected(by=by, household=household, signature=verdict.signature, size=inspected.size)
        raise ValidationError({"file": _infected_message() % {"name": verdict.signature}})
    if verdict.result == scanner.TOO_LARGE:
        raise ValidationError(
            {"file": _("This file is larger than the virus scanner reads, and so it is not accepted.")}
        )
    for linked in (contact, consent, plan, referral, replaces):
        if linked is not None and _household_id(linked) != household.pk:
            raise ValidationError(_("That record belongs to another household."))
    if any(person.household_id != household.pk for person in persons):
        raise ValidationError(_("That record belongs to another household."))
    key = storage().save(new_key(), upload)
    try:
        document = _create(
            household=household,
            inspected=inspected,
            key=key,
            status=Document.ScanStatus.CLEAN
            if verdict.result == scanner.CLEAN
            else Document.ScanStatus.PENDING,
            title=title,
            kind=kind,
            date=date,
            confidentiality=confidentiality,
            by=by,
            persons=persons,
            links={"contact": contact, "consent": consent, "plan": plan, "referral": referral},
            replaces=replaces,
        )
    except Exception:
        storage().delete(key)
        raise
    if document.scan_status == Document.ScanStatus.PENDING:
        from documents.tasks import scan_pending

        transaction.on_commit(lambda: scan_pending.enqueue())
    return document


def _household_id(obj):
    if hasattr(obj, "household_id"):
        return obj.household_id
    return obj.person.household_id  # a consent decision


@transaction.atomic
def _create(
    *, household, inspected, key, status, title, kind, date, confidentiality, by, persons, links, replaces
):
    household = Household.objects.select_for_update().select_related("team").get(pk=household.pk)
    policy.require(by, "household.edit", household)
    if replaces is not None:
        replaces = Document.objects.select_for_update().get(pk=replaces.pk)
        if Document.objects.filter(replaces=replaces).exists():
            raise ValidationError({"replaces": _("That document has been replaced already.")})
    document = Document(
        household=household,
        title=title.strip(),
        kind=kind,
        date=date,
        confidentiality=confidentiality,
        added_by=by,
        added_at=timezone.now(),
        file_name=inspected.file_name,
        content_type=inspected.content_type,
        size=inspected.size,
        storage_key=key,
        scan_status=status,
        scanned_at=timezone.now() if status == Document.ScanStatus.CLEAN else None,
        replaces=replaces,
        **links,
    )
    document._change_reason = _("Document added") if replaces is None else _("New version added")
    document._history_user = by
    document.full_clean()
    document.save()
    if persons:
        document.persons.set(persons)
    return document


@transaction.atomic
def change(*, document: Document, by: User, fields: dict, persons, reason: str) -> Document:
    """Change what is recorded about a document (title, kind, date, who may see it, about whom),
    never its file; the history keeps who, when and why."""
    document = Document.objects.select_for_update().select_related("household").get(pk=document.pk)
    household = document.household
    policy.require(by, "household.edit", household)
    if document.confidentiality != Document.Confidentiality.TEAM and not policy.can(
        by, "document.read_restricted", household
    ):
        raise PermissionDenied
    if any(person.household_id != household.pk for person in persons):
        raise ValidationError(_("That record belongs to another household."))
    for name in CHANGEABLE:
        setattr(document, name, fields[name])
    document._change_reason = reason.strip()
    document._history_user = by
    document.full_clean()
    document.save()
    document.persons.set(persons)
    return document


# What may change about a document after it was added (the file, its type and size never do).
CHANGEABLE = ("title", "kind", "date", "confidentiality")


def rescan(document: Document) -> str:
    """Scan a document in quarantine again; returns the scanner's result."""
    with storage().open(document.storage_key, "rb") as stream:
        verdict = scanner.scan(stream, document.size)
    if verdict.result in (scanner.UNAVAILABLE,):
        return verdict.result
    with transaction.atomic():
        document = Document.objects.select_for_update().select_related("household").get(pk=document.pk)
        if document.scan_status != Document.ScanStatus.PENDING:
            return document.scan_status
        document.scanned_at = timezone.now()
        if verdict.result == scanner.CLEAN:
            document.scan_status = Document.ScanStatus.CLEAN
            document._change_reason = _("Virus scan: no virus found")
        else:
            # Infected, or larger than clamd reads: refused either way, and the file goes.
            document.scan_status = Document.ScanStatus.INFECTED
            document._change_reason = _("Virus scan: refused")
            _log_infected(
                by=document.added_by,
                household=document.household,
                signature=verdict.signature or verdict.result,
                size=document.size,
                document=document,
            )
            key = document.storage_key
            transaction.on_commit(lambda: storage().delete(key))
        document.save()
    return verdict.result


def files_due(household_ids) -> list[Document]:
    """Retention: the documents of these households whose file is still stored."""
    return list(
        Document._base_manager.filter(household_id__in=household_ids, file_deleted_on__isnull=True).only(
            "pk", "kind", "size", "storage_key"
        )
    )


def delete_files(documents: list[Document], *, run) -> int:
    """Retention: delete these documents' stored files and register each deletion (kind, size,
    when, which run; no content, no name). Runs inside the retention run's transaction, on the
    path past the audit guard that retention alone takes (cases/retention.py)."""
    for document in documents:
        DocumentDeletion(run=run, document_id=document.pk, kind=document.kind, size=document.size).save()
    Document._base_manager.filter(pk__in=[d.pk for d in documents]).update(file_deleted_on=run.ran_on)
    # The rows first, in the run's transaction; then the files. Should the transaction fail after
    # this, the next run deletes them again (deleting a missing file is no error).
    for document in documents:
        storage().delete(document.storage_key)
    return len(documents)
