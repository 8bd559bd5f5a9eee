"""Documents of a household: the list on the household page, adding one, downloading one.

A file leaves the app only through `document_download`: the household through the read gateway
(404 outside the user's scope, logged), the document among that household's documents the user
may open (404, logged, for a document for the lead worker and coordinator only), never while it
waits for the virus scan, always as an attachment with the type read from its content at intake.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cases import access_log, gateway, once
from cases.gateway import changes, reads
from cases.models import AccessEvent, Household
from documents import services
from documents.forms import DocumentChangeForm, DocumentForm
from documents.models import Document
from teams import policy


def listed_documents(request, household: Household):
    """What the household's Documents section lists: the user may read each (no file is read)."""
    return (
        Document.objects.filter(household=household)
        .readable_by(request.user, household)
        .listed()
        .select_related("added_by", "replaces")
        .order_by("-date", "-added_at")
    )


def documents_context(request, household: Household, members=None, documents=None) -> dict:
    """The household page's Documents section: one query for the list (none with `documents`
    read already, from `listed_documents`), and for who may add, the short form."""
    documents = list(listed_documents(request, household)) if documents is None else documents
    form = None
    if policy.can(request.user, "household.edit", household):
        form = DocumentForm(household=household, compact=True, initial={"date": timezone.localdate()})
    return {"documents": documents, "document_form": form, "document_submission_id": once.token(request)}


def _form_page(request, household, form):
    return render(
        request,
        "documents/document_form.html",
        {"household": household, "form": form, "submission_id": once.token(request)},
    )


@require_http_methods(["GET", "POST"])
@changes("document")
@once.creates_once
def document_add(request, pk):
    """Add a document (a file, or a photo taken with the phone); the file is checked and scanned
    before it is kept."""
    household = gateway.household(request, pk)
    readable = Document.objects.filter(household=household).readable_by(request.user, household)
    form = DocumentForm(
        request.POST or None,
        request.FILES or None,
        household=household,
        readable=readable,
        initial={"date": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            document = once.create(
                request,
                lambda: services.add(
                    household=household,
                    upload=data["upload"],
                    title=data["title"],
                    kind=data["kind"],
                    date=data["date"],
                    confidentiality=data["confidentiality"],
                    by=request.user,
                    persons=list(data["persons"]),
                    contact=data["contact"],
                    consent=data["consent"],
                    plan=data["plan"],
                    referral=data["referral"],
                    replaces=data["replaces"],
                ),
                lambda _document: f"{household.get_absolute_url()}#documents",
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error("file", error)
        else:
            if document.scan_status == Document.ScanStatus.PENDING:
                messages.warning(
                    request,
                    _(
                        "Document kept in quarantine: the virus scanner cannot be reached. It can be "
                        "opened once it has been scanned."
                    ),
                )
            else:
                messages.success(request, _("Document added."))
            return redirect(f"{household.get_absolute_url()}#documents")
    status = 400 if form.is_bound else 200
    response = _form_page(request, household, form)
    response.status_code = status
    return response


def _readable(request, household, document_pk, action: str, *prefetch) -> Document:
    """The household's document if the user may open it; else 404, logged as refused (a
    restricted document is not even said to exist)."""
    document = (
        Document.objects.filter(household=household, pk=document_pk)
        .readable_by(request.user, household)
        .select_related("added_by")
        .prefetch_related(*prefetch)
        .first()
    )
    if document is None:
        access_log.log(
            request,
            action=action,
            household=household,
            object_type="document",
            result=AccessEvent.Result.DENIED,
        )
        raise Http404
    return document


@require_GET
@reads("document")
def document_download(request, pk, document_pk):
    """The file, as an attachment, for who may see the document; the download is logged."""
    household = gateway.household(request, pk)
    document = _readable(request, household, document_pk, AccessEvent.Action.EXPORT, "persons")
    if not document.downloadable:
        messages.warning(request, _("This document cannot be opened: it has not been found free of viruses."))
        return redirect(f"{household.get_absolute_url()}#documents")
    gateway.record(
        request,
        obj=document,
        object_type="document",
        action=AccessEvent.Action.EXPORT,
        persons=document.persons.all(),
    )
    response = FileResponse(
        services.storage().open(document.storage_key, "rb"),
        as_attachment=True,
        filename=document.file_name,
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    # The site's policy, and a sandbox: should a browser render the file after all, no script runs.
    response._csp_config = {**settings.SECURE_CSP, "sandbox": True}
    return response


@require_http_methods(["GET", "POST"])
@changes("document")
def document_edit(request, pk, document_pk):
    """Change what is recorded about a document (never its file), with a reason for the history."""
    household = gateway.household(request, pk)
    document = _readable(request, household, document_pk, AccessEvent.Action.VIEW)
    gateway.record(request, obj=document, object_type="document")
    document.household = household
    form = DocumentChangeForm(request.POST or None, document=document)
    if request.method == "POST" and form.is_valid():
        try:
            services.change(
                document=document,
                by=request.user,
                fields={name: form.cleaned_data[name] for name in services.CHANGEABLE},
                persons=list(form.cleaned_data["persons"]),
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Document changed."))
            return redirect(f"{household.get_absolute_url()}#documents")
    response = render(
        request, "documents/document_edit.html", {"household": household, "document": document, "form": form}
    )
    response.status_code = 400 if form.is_bound else 200
    return response
