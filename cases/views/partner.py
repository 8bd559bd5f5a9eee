"""The partner's side of signals: send one, and follow the status of the organisation's signals.

A partner reporter sees a reference, a date, who sent it and a status: no household data, no
reasons (DOMAIN.md: feedback says *that* a signal was picked up, not why).
"""

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from cases import gateway, services
from cases.forms import PartnerReferralForm
from cases.gateway import changes, reads
from cases.models import AccessEvent
from cases.services.sharing import partner_feedback
from cases.views.common import PAGE_SIZE

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


@reads("partner_signal", **PARTNER)
def partner_referral_status(request, reference):
    """The acknowledgement of receipt, and later the status, of one of the organisation's signals."""
    referral = get_object_or_404(_own_signals(request), reference=reference)
    gateway.record(request, obj=referral)
    feedback = partner_feedback(referral, request.user.organisation_id)
    return render(request, "cases/partner_referral_status.html", {"referral": referral, "feedback": feedback})
