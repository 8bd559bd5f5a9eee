"""Consent decisions, shares with organisations, and emergency access to prior information."""

import datetime

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cases import export, gateway, once, services
from cases.forms import AccessRequestForm, ConsentForm, EmergencyAccessForm, ShareForm, WithdrawForm
from cases.gateway import changes, reads
from cases.models import AccessEvent, Purpose
from cases.views.common import EMERGENCY_MINUTES, EMERGENCY_SESSION_KEY
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
    household = gateway.household(request, pk)
    referral = None
    if wanted := request.GET.get("referral") or request.POST.get("referral"):
        referral = get_object_or_404(household.referrals, pk=gateway.parse_uuid(wanted))
    may_override = policy.can(request.user, "consent.override", household)
    initial = (
        {"recipient": referral.sender_organisation_id, "purpose": Purpose.FEEDBACK} if referral else None
    )
    form = ShareForm(request.POST or None, initial=initial, may_override=may_override)
    once.carry(request, form)
    if request.method == "POST" and form.is_valid():
        try:
            once.create(
                request,
                lambda: services.share(
                    household=household,
                    recipient=form.cleaned_data["recipient"],
                    purpose=form.cleaned_data["purpose"],
                    content=form.cleaned_data["content"],
                    by=request.user,
                    referral=referral,
                    override_reason=form.cleaned_data.get("override_reason", ""),
                ),
                lambda _share: (referral or household).get_absolute_url(),
            )
        except services.SharingRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, _("Shared, and recorded with its ground."))
            return redirect(referral or household)
    context = {
        "form": form,
        "household": household,
        "title": _("Share with an organisation"),
        "referral": referral,
    }
    return render(request, "cases/share_form.html", context)


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
    data = export.person_export(person)
    gateway.record(request, obj=person, persons=[person])
    if request.GET.get("format") == "json":
        response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
        response["Content-Disposition"] = f'attachment; filename="inzage-{person.pk}.json"'
        return response
    sections = [(key, value) for key, value in data.items() if key not in ("generated_at", "history")]
    context = {"person": person, "household": household, "data": data, "sections": sections}
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
