"""The partner's side of signals: send one, and follow the status of the organisation's signals.

A partner reporter sees a reference, their own label, a date, who sent it and a status: no
household data. Why a signal was declined, and who the regisseur is, only as far as the grade of
feedback of the partner's mandate allows (docs/domain.md: feedback says *that* a signal was picked up,
not why, unless the agreement allows more): REASON_GRADES and NAME_GRADES. Whom to call is always
shown: the team's phone, and the contact person the mandate names. A declined signal can be
supplemented: the sender adds information and the signal is new again (services.referral_supplement).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cases import gateway, services, workflow
from cases.forms import PartnerReferralForm, SupplementForm
from cases.gateway import changes, reads
from cases.models import AccessEvent, Referral
from cases.models.referral import MERGE_HOPS
from cases.services.sharing import feedback_grade, partner_feedback
from cases.views.common import PAGE_SIZE
from mandates.contacts import team_contacts
from mandates.models import Mandate

# The grades of feedback at which the partner reads why the team declined (the reason), and the
# coordinator's explanation and the regisseur's name (the agreement allows more than the status).
REASON_GRADES = {Mandate.FeedbackLevel.SUMMARY, Mandate.FeedbackLevel.FULL}
NAME_GRADES = {Mandate.FeedbackLevel.FULL}

# A partner reads only what their organisation sent: logged like any read of a signal.
PARTNER = {"perm": "referral.send", "scope": None}


def _own_signals(request):
    return gateway.referrals(request).select_related("merged_into__merged_into")


@require_http_methods(["GET", "POST"])
@changes("partner_signal", **PARTNER)
def partner_referral_send(request):
    initial = {"sender_name": request.user.get_full_name(), "sender_email": request.user.email}
    form = PartnerReferralForm(
        request.POST or None, initial=initial, team_for_postcode=services.team_for_postcode
    )
    if request.method == "POST" and form.is_valid():
        try:
            referral, _created = services.referral_submit(
                referral=form.save(commit=False),
                submission_id=form.cleaned_data["submission_id"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("cases:partner_referral_status", reference=referral.reference)
    return render(request, "cases/partner_referral_form.html", {"form": form})


@reads("partner_signal_list", action=AccessEvent.Action.SEARCH, **PARTNER)
def partner_referral_list(request):
    page = Paginator(_own_signals(request).order_by("-received_at"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "cases/partner_referral_list.html", {"page": page})


def _handled_as(referral: Referral) -> Referral:
    """The signal whose state the partner sees: a merged one is handled as the one it joined."""
    for _hop in range(MERGE_HOPS):
        if referral.merged_into_id is None:
            break
        referral = referral.merged_into
    return referral


def _status_context(request, referral: Referral, form=None) -> dict:
    organisation_id = request.user.organisation_id
    grade = feedback_grade(list(Mandate.objects.in_force_for(referral.team_id, organisation_id)))
    handled = _handled_as(referral)
    decline = None
    if referral.status == workflow.Status.DECLINED:
        decline = referral.decisions.filter(kind=workflow.Decision.DECLINE).order_by("-decided_at").first()
    regisseur = None
    if grade in NAME_GRADES:
        regisseur = handled.assigned_to or (handled.household.lead_worker if handled.household_id else None)
    may_supplement = workflow.Decision.SUPPLEMENT in workflow.SIGNAL.offered(
        referral.status, request.user, referral
    )
    return {
        "referral": referral,
        "feedback": partner_feedback(referral, organisation_id),
        "contact": team_contacts(organisation_id, [referral.team_id])[0],
        "decline": decline,
        "show_reason": grade in REASON_GRADES,
        "show_explanation": grade in NAME_GRADES,
        "regisseur": regisseur,
        "supplements": referral.decisions.filter(kind=workflow.Decision.SUPPLEMENT).select_related(
            "decided_by"
        ),
        "form": (form or SupplementForm()) if may_supplement else None,
    }


@reads("partner_signal", **PARTNER)
def partner_referral_status(request, reference):
    """The acknowledgement of receipt, and later the status, of one of the organisation's signals:
    whom to contact, and for a declined one why (as far as the mandate allows) and what next."""
    referral = get_object_or_404(
        _own_signals(request).select_related("team", "assigned_to", "household__lead_worker"),
        reference=reference,
    )
    gateway.record(request, obj=referral)
    return render(request, "cases/partner_referral_status.html", _status_context(request, referral))


@require_POST
@changes("partner_signal", **PARTNER)
def partner_referral_supplement(request, reference):
    """The sender adds information to a declined signal: it goes back to the team's queue."""
    referral = get_object_or_404(_own_signals(request).select_related("team"), reference=reference)
    gateway.record(request, obj=referral)
    form = SupplementForm(request.POST)
    if form.is_valid():
        try:
            services.referral_supplement(
                referral=referral, by=request.user, message=form.cleaned_data["message"]
            )
        except (workflow.TransitionError, services.AlreadyDecided):
            messages.error(request, _("This signal is no longer declined: the team is looking at it again."))
            return redirect("cases:partner_referral_status", reference=referral.reference)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("Thank you. The team has your information and looks at the signal again.")
            )
            return redirect("cases:partner_referral_status", reference=referral.reference)
    context = _status_context(request, referral, form=form)
    return render(request, "cases/partner_referral_status.html", context, status=400)
