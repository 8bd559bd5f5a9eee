"""Consent decisions, shares with organisations, and emergency access to prior information."""

import datetime

from allauth.account.decorators import reauthentication_required
from crispy_forms.layout import Hidden
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cases import export, gateway, once, services
from cases.forms import (
    AccessRequestForm,
    ConsentForm,
    EmergencyAccessForm,
    ShareForm,
    ShareTargetForm,
    WithdrawForm,
)
from cases.gateway import changes, reads
from cases.models import AccessEvent, Purpose
from cases.models.consent import SHARE_PURPOSES
from cases.views.common import EMERGENCY_MINUTES, EMERGENCY_SESSION_KEY
from documents.models import Document
from mandates.models import Mandate
from teams import policy


@require_http_methods(["GET", "POST"])
@changes("consent")
@once.creates_once
def consent_new(request, pk, person_pk):
    household = gateway.household(request, pk)
    person = get_object_or_404(household.members, pk=person_pk)
    person.household = household
    gateway.record(request, obj=person, persons=[person])
    form = ConsentForm(request.POST or None, person=person)
    once.carry(request, form)
    if request.method == "POST" and form.is_valid():
        try:
            once.create(
                request,
                lambda: services.consent_record(
                    decision=form.save(commit=False),
                    person=person,
                    by=request.user,
                    parents=list(form.cleaned_data.get("parents") or []),
                    child_agrees=form.cleaned_data.get("child_agrees", False),
                ),
                lambda _decision: household.get_absolute_url(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Consent decision recorded."))
            return redirect(household)
    title = _("Consent of %(name)s") % {"name": person.full_name}
    return render(request, "cases/plan_form.html", {"form": form, "household": household, "title": title})


@require_POST
@changes("consent")
def consent_withdraw(request, pk, decision_pk):
    household = gateway.household(request, pk)
    given = get_object_or_404(
        household.consent_decisions().select_related("person", "recipient"), pk=decision_pk
    )
    given.person.household = household
    form = WithdrawForm(request.POST, people=services.may_withdraw(given.person))
    if form.is_valid():
        try:
            services.consent_withdraw(
                given=given, by=request.user, withdrawn_by=form.cleaned_data["withdrawn_by"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Consent withdrawn. Nothing more is shared on it."))
    else:
        messages.error(request, _("Say who withdrew the consent."))
    return redirect(household)


@require_http_methods(["GET", "POST"])
@changes("share")
@once.creates_once
def share_new(request, pk):
    """Two steps: to whom and what for (a GET form), then about whom, which data and the text,
    offered as far as the gate covers it, per person with the reason for the rest."""
    household = gateway.household(request, pk)
    referral = None
    if wanted := request.GET.get("referral"):
        referral = get_object_or_404(household.referrals, pk=gateway.parse_uuid(wanted))
    members = list(household.members.order_by("birth_date", "first_name"))
    gateway.record(request, persons=members)
    target = ShareTargetForm(
        _target_data(request, referral), senders=list(services.signal_senders(household))
    )
    context = {
        "household": household,
        "referral": referral,
        "target": target,
        "title": _("Share with an organisation"),
    }
    if referral is not None:
        target.helper.layout.insert(0, Hidden("referral", str(referral.pk)))
    if not target.is_bound or not target.is_valid() or "change" in request.GET:
        return render(request, "cases/share_form.html", context)
    recipient, purpose = target.cleaned_data["recipient"], target.cleaned_data["purpose"]
    coverage = services.coverage(household=household, recipient=recipient, purpose=purpose, members=members)
    may_override = policy.can(request.user, "consent.override", household)
    # The documents the user may open, scanned clean: offered when there are any (documents/).
    shareable = (
        Document.objects.filter(household=household, scan_status=Document.ScanStatus.CLEAN)
        .readable_by(request.user, household)
        .listed()
        .filter(file_deleted_on__isnull=True)
    )
    form = ShareForm(
        request.POST or None,
        coverage=coverage,
        may_override=may_override,
        documents=shareable if shareable.exists() else None,
    )
    once.carry(request, form)
    if request.method == "POST" and not coverage.refused and form.is_valid():
        try:
            once.create(
                request,
                lambda: services.share(
                    household=household,
                    recipient=recipient,
                    purpose=purpose,
                    persons=list(form.cleaned_data["persons"]),
                    categories=form.cleaned_data["categories"],
                    content=form.cleaned_data["content"],
                    by=request.user,
                    referral=referral,
                    override_reason=form.cleaned_data.get("override_reason", ""),
                    documents=list(form.cleaned_data.get("documents") or ()),
                ),
                lambda _share: (referral or household).get_absolute_url(),
            )
        except services.SharingRefused as refused:
            form.add_error(None, str(refused))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Shared, and recorded with its ground."))
            return redirect(referral or household)
    context |= {
        "form": form,
        "coverage": coverage,
        "recipient": recipient,
        "purpose": purpose,
        "purpose_label": dict(SHARE_PURPOSES)[purpose],
        "grade_label": Mandate.FeedbackLevel(coverage.grade).label if coverage.grade else "",
    }
    return render(request, "cases/share_form.html", context)


def _target_data(request, referral):
    """Recipient and purpose from the query, or for feedback on a signal: its sender."""
    if "recipient" in request.GET or "purpose" in request.GET:
        return request.GET
    if "recipient" in request.POST or "purpose" in request.POST:
        return request.POST
    if referral is not None and referral.sender_organisation_id:
        return {"recipient": referral.sender_organisation_id, "purpose": Purpose.FEEDBACK}
    return None


@require_http_methods(["GET", "POST"])
@reads("referral", scope="referral")
def referral_emergency(request, pk):
    """Open confidential prior information without need-to-know: the password again (step-up),
    a reason, logged, and reported to the team's coordinator."""
    referral = gateway.referral(request, pk)
    return _emergency(request, referral)


@reauthentication_required
def _emergency(request, referral):
    form = EmergencyAccessForm(request.POST or None)
    if not form.is_valid():
        if request.method == "POST":
            messages.error(request, _("Give the reason for the emergency access."))
        return render(request, "cases/emergency_form.html", {"form": form, "referral": referral})
    gateway.record_now(request, action=AccessEvent.Action.EMERGENCY, reason=form.cleaned_data["reason"])
    grants = request.session.get(EMERGENCY_SESSION_KEY, {})
    grants[str(referral.pk)] = (timezone.now() + datetime.timedelta(minutes=EMERGENCY_MINUTES)).isoformat()
    request.session[EMERGENCY_SESSION_KEY] = grants
    messages.warning(request, _("Emergency access logged and reported to the coordinator."))
    return redirect(referral)


@reads("person", perm="person.export", action=AccessEvent.Action.EXPORT)
def person_export(request, pk, person_pk):
    """Everything held about one person, as a printable Dutch page or as JSON.

    Scope first (404/403 for whoever may not), then the step-up: the password again.
    """
    household = gateway.household(request, pk)
    person = get_object_or_404(household.members, pk=person_pk)
    person.household = household
    return _export(request, household, person)


@reauthentication_required
def _export(request, household, person):
    """JSON for a machine (?format=json), the printable page for a person: one log row each.

    What the export holds depends on who makes it (prior information is need-to-know), so it is
    built for request.user; an incomplete one says so at the top.
    """
    document = export.person_document(person, request.user)
    gateway.record(request, obj=person, persons=[person])
    if request.GET.get("format") == "json":
        response = JsonResponse(document.as_json(), json_dumps_params={"ensure_ascii": False, "indent": 2})
        # No internal id in the file name either: the date says which copy it is.
        filename = f"inzage-{timezone.localdate(document.generated_at):%Y-%m-%d}.json"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    if request.GET.get("format") == "zip":
        # The JSON with the person's document files (documents/export.py).
        from documents.export import zip_response

        return zip_response(document.as_json(), person, request.user, document.generated_at)
    context = {"person": person, "household": household, "document": document}
    return render(request, "cases/person_export.html", context)


@require_POST
@changes("access_request")
@once.creates_once
def access_request_new(request, pk, person_pk):
    household = gateway.household(request, pk)
    person = get_object_or_404(household.members, pk=person_pk)
    person.household = household
    form = AccessRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["note"]))
        return redirect(household)
    once.create(
        request,
        lambda: services.access_request_record(
            person=person, by=request.user, note=form.cleaned_data["note"]
        ),
        lambda _request: household.get_absolute_url(),
    )
    messages.success(request, _("Access request recorded: answer within one month."))
    return redirect(household)


@require_POST
@changes("access_request")
def access_request_answered(request, pk, request_pk):
    household = gateway.household(request, pk)
    access_request = get_object_or_404(household.access_requests().select_related("person"), pk=request_pk)
    if access_request.handled_on is not None:
        messages.info(request, _("This access request was already answered."))
        return redirect(household)
    services.access_request_answered(access_request=access_request, by=request.user)
    messages.success(request, _("Access request marked as answered."))
    return redirect(household)
