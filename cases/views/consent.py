"""Consent decisions, shares with organisations, and emergency access to prior information."""

import datetime
import uuid

from allauth.account.decorators import reauthentication_required
from crispy_forms.layout import Hidden
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cases import access_log, export, once, services
from cases.forms import AccessRequestForm, ConsentForm, EmergencyAccessForm, ShareForm, WithdrawForm
from cases.models import AccessEvent, AccessRequest, ConsentDecision, Purpose, Referral
from cases.views.plans import _editable_household

EMERGENCY_MINUTES = 30
SESSION_KEY = "wijkteam.emergency"


@require_http_methods(["GET", "POST"])
def consent_new(request, pk, person_pk):
    household = _editable_household(request, pk)
    person = get_object_or_404(household.members, pk=person_pk)
    person.household = household
    form = ConsentForm(request.POST or None, person=person)
    form.helper.layout.insert(0, Hidden(once.FIELD, once.token(request)))
    if request.method == "POST" and (done := once.earlier_result(request)):
        return done
    if request.method == "POST" and form.is_valid():
        try:
            recorded = once.create_once(
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
            if recorded is None:
                return once.earlier_result(request) or redirect(household)
            messages.success(request, _("Consent decision recorded."))
            return redirect(household)
    title = _("Consent of %(name)s") % {"name": person.full_name}
    return render(request, "cases/plan_form.html", {"form": form, "household": household, "title": title})


@require_POST
def consent_withdraw(request, pk, decision_pk):
    household = _editable_household(request, pk)
    given = get_object_or_404(
        ConsentDecision.objects.filter(person__household=household).select_related("person", "recipient"),
        pk=decision_pk,
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
def share_new(request, pk):
    household = _editable_household(request, pk)
    referral = None
    wanted = request.GET.get("referral") or request.POST.get("referral")
    if wanted:
        try:
            wanted = uuid.UUID(wanted)
        except ValueError:
            raise Http404 from None
        referral = get_object_or_404(Referral.objects.filter(household=household), pk=wanted)
    may_override = household.team_id in services.coordinator_team_ids(request.user)
    initial = (
        {"recipient": referral.sender_organisation_id, "purpose": Purpose.FEEDBACK} if referral else None
    )
    form = ShareForm(request.POST or None, initial=initial, may_override=may_override)
    form.helper.layout.insert(0, Hidden(once.FIELD, once.token(request)))
    if request.method == "POST" and (done := once.earlier_result(request)):
        return done
    if request.method == "POST" and form.is_valid():
        try:
            shared = once.create_once(
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
            if shared is None:
                return once.earlier_result(request) or redirect(referral or household)
            messages.success(request, _("Shared, and recorded with its ground."))
            return redirect(referral or household)
    context = {
        "form": form,
        "household": household,
        "title": _("Share with an organisation"),
        "referral": referral,
    }
    return render(request, "cases/share_form.html", context)


def emergency_granted(request, referral: Referral) -> bool:
    granted = request.session.get(SESSION_KEY, {}).get(str(referral.pk))
    return bool(granted) and datetime.datetime.fromisoformat(granted) > timezone.now()


@require_http_methods(["GET", "POST"])
def referral_emergency(request, pk):
    """Open confidential prior information without need-to-know: the password again (step-up),
    a reason, logged, and reported to the team's coordinator."""
    referral = get_object_or_404(Referral.objects.visible_to(request.user).select_related("household"), pk=pk)
    return _emergency(request, referral)


@reauthentication_required
def _emergency(request, referral):
    form = EmergencyAccessForm(request.POST or None)
    if not form.is_valid():
        if request.method == "POST":
            messages.error(request, _("Give the reason for the emergency access."))
        return render(request, "cases/emergency_form.html", {"form": form, "referral": referral})
    access_log.log(
        request,
        action=AccessEvent.Action.EMERGENCY,
        household=referral.household,
        obj=referral,
        reason=form.cleaned_data["reason"],
    )
    grants = request.session.get(SESSION_KEY, {})
    grants[str(referral.pk)] = (timezone.now() + datetime.timedelta(minutes=EMERGENCY_MINUTES)).isoformat()
    request.session[SESSION_KEY] = grants
    messages.warning(request, _("Emergency access logged and reported to the coordinator."))
    return redirect(referral)


def person_export(request, pk, person_pk):
    """Everything held about one person, as a printable Dutch page or as JSON.

    Scope first (404/403 for whoever may not), then the step-up: the password again.
    """
    household = _editable_household(request, pk)
    person = get_object_or_404(household.members, pk=person_pk)
    person.household = household
    return _export(request, household, person)


@reauthentication_required
def _export(request, household, person):
    data = export.person_export(person)
    access_log.log(
        request, action=AccessEvent.Action.EXPORT, household=household, obj=person, persons=[person.pk]
    )
    if request.GET.get("format") == "json":
        response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
        response["Content-Disposition"] = f'attachment; filename="inzage-{person.pk}.json"'
        return response
    sections = [(key, value) for key, value in data.items() if key not in ("generated_at", "history")]
    context = {"person": person, "household": household, "data": data, "sections": sections}
    return render(request, "cases/person_export.html", context)


@require_POST
def access_request_new(request, pk, person_pk):
    household = _editable_household(request, pk)
    person = get_object_or_404(household.members, pk=person_pk)
    person.household = household
    if done := once.earlier_result(request):
        return done
    form = AccessRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["note"]))
        return redirect(household)
    recorded = once.create_once(
        request,
        lambda: services.access_request_record(
            person=person, by=request.user, note=form.cleaned_data["note"]
        ),
        lambda _request: household.get_absolute_url(),
    )
    if recorded is not None:
        messages.success(request, _("Access request recorded: answer within one month."))
    return redirect(household)


@require_POST
def access_request_answered(request, pk, request_pk):
    household = _editable_household(request, pk)
    access_request = get_object_or_404(
        AccessRequest.objects.filter(person__household=household).select_related("person"), pk=request_pk
    )
    if access_request.handled_on is not None:
        messages.info(request, _("This access request was already answered."))
        return redirect(household)
    services.access_request_answered(access_request=access_request, by=request.user)
    messages.success(request, _("Access request marked as answered."))
    return redirect(household)
