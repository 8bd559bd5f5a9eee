"""The partner's side of signals: send one, and follow the status of the organisation's signals.

A partner reporter sees a reference, a date, who sent it and a status: no household data, no
reasons (DOMAIN.md: feedback says *that* a signal was picked up, not why).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from cases import services
from cases.forms import PartnerReferralForm
from cases.models import Referral
from cases.views.households import PAGE_SIZE
from teams.roles import roles_of


def _require_partner(request) -> None:
    if not roles_of(request.user).is_partner_reporter:
        raise PermissionDenied


def _own_signals(request):
    return Referral.objects.sent_by_organisation_of(request.user).select_related("merged_into__merged_into")


@require_http_methods(["GET", "POST"])
def partner_referral_send(request):
    _require_partner(request)
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


def partner_referral_list(request):
    _require_partner(request)
    page = Paginator(_own_signals(request).order_by("-received_at"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "cases/partner_referral_list.html", {"page": page})


def partner_referral_status(request, reference):
    """The acknowledgement of receipt, and later the status, of one of the organisation's signals."""
    _require_partner(request)
    referral = get_object_or_404(_own_signals(request), reference=reference)
    # Only what passed the sharing gate (consent or the mandate's basis) and was meant for them.
    feedback = referral.shares.filter(recipient_id=request.user.organisation_id).order_by("shared_at")
    return render(request, "cases/partner_referral_status.html", {"referral": referral, "feedback": feedback})
