"""Mandates per partner organisation, their reviews, and the manager's overview per partner."""

import csv
import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from cases import once
from cases.gateway import no_case_data
from mandates import figures, services
from mandates.forms import MandateForm, MandateReviewForm
from mandates.models import Mandate
from teams import policy
from teams.models import Organisation
from wijkteam.periods import period_from
from wijkteam.replica import reads_from_replica


def _mandates(request, perm: str):
    return Mandate.objects.filter(team_id__in=policy.teams_for(request.user, perm))


@no_case_data(perm="mandate.read")
def mandate_list(request):
    mandates = (
        _mandates(request, "mandate.read")
        .select_related("team", "organisation")
        .order_by("organisation__name", "-valid_from")
    )
    return render(
        request,
        "mandates/list.html",
        {
            "mandates": mandates,
            "can_edit": policy.can(request.user, "mandate.edit"),
            "today": timezone.localdate(),
        },
    )


@no_case_data(perm="mandate.read")
def mandate_detail(request, pk):
    mandate = get_object_or_404(
        _mandates(request, "mandate.read").select_related("team", "organisation"), pk=pk
    )
    context = {
        "mandate": mandate,
        "reviews": mandate.reviews.select_related("reviewed_by"),
        "changes": mandate.history.select_related("history_user").order_by("-history_date")[:20],
        "can_edit": policy.can(request.user, "mandate.edit", mandate),
    }
    return render(request, "mandates/detail.html", context)


@require_http_methods(["GET", "POST"])
@no_case_data(perm="mandate.edit")
@once.creates_once
def mandate_edit(request, pk=None):
    team_ids = policy.teams_for(request.user, "mandate.edit")
    mandate = get_object_or_404(Mandate.objects.filter(team_id__in=team_ids), pk=pk) if pk else None
    form = MandateForm(request.POST or None, instance=mandate, team_ids=team_ids)
    if mandate is None:
        once.carry(request, form)
    if request.method == "POST" and form.is_valid():

        def save():
            return services.mandate_save(
                mandate=form.save(commit=False), by=request.user, reason=form.cleaned_data["reason"]
            )

        try:
            if mandate is None:
                saved = once.create(
                    request, save, lambda created: reverse("mandates:detail", args=[created.pk])
                )
            else:
                saved = save()
        except ValidationError as error:  # a status the table does not allow: at the field
            form.add_error(None, error)
        else:
            messages.success(request, _("Mandate saved."))
            return redirect("mandates:detail", pk=saved.pk)
    return render(request, "teams/form.html", {"form": form, "title": _("Mandate")})


@require_http_methods(["GET", "POST"])
@no_case_data(perm="mandate.edit")
def mandate_review(request, pk):
    mandate = get_object_or_404(_mandates(request, "mandate.edit"), pk=pk)
    form = MandateReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.mandate_review(mandate=mandate, review=form.save(commit=False), by=request.user)
        except ValidationError as error:  # e.g. ending a mandate that already ended
            form.add_error(None, error)
        else:
            messages.success(request, _("Review recorded."))
            return redirect("mandates:detail", pk=mandate.pk)
    return render(
        request, "teams/form.html", {"form": form, "title": _("Review of %(mandate)s") % {"mandate": mandate}}
    )


def _period(request) -> tuple[datetime.date, datetime.date]:
    return period_from(request, default_days=365)


@no_case_data(perm="partner.overview")
@reads_from_replica
def partner_overview(request):
    team_ids = policy.teams_for(request.user, "partner.overview")
    start, end = _period(request)
    rows = figures.partner_overview(team_ids=team_ids, start=start, end=end)
    return render(request, "mandates/partners.html", {"rows": rows, "start": start, "end": end})


@no_case_data(perm="partner.overview")
@reads_from_replica
def partner_detail(request, pk):
    team_ids = policy.teams_for(request.user, "partner.overview")
    organisation = get_object_or_404(Organisation, pk=pk)
    start, end = _period(request)
    rows = figures.partner_overview(team_ids=team_ids, start=start, end=end, organisation_id=organisation.pk)
    months = figures.signals_per_month(team_ids=team_ids, organisation_id=organisation.pk)
    top = max((n for _month, n in months), default=0) or 1
    # (month, count, x, y, height) of each bar in a 10-unit-wide slot of a 60-unit-high chart.
    bars = [
        (month, n, index * 10 + 1, 55 - round(50 * n / top), round(50 * n / top))
        for index, (month, n) in enumerate(months)
    ]
    context = {
        "organisation": organisation,
        "row": rows[0] if rows else None,
        "bars": bars,
        # The chart is as wide as its slots, and the table's equal columns lie under its bars.
        "chart_width": 10 * len(bars),
        "start": start,
        "end": end,
    }
    return render(request, "mandates/partner.html", context)


CSV_COLUMNS = [
    ("organisation", gettext_lazy("Partner organisation")),
    ("received", gettext_lazy("Signals received")),
    ("accepted", gettext_lazy("Accepted")),
    ("declined", gettext_lazy("Declined")),
    ("forwarded", gettext_lazy("Forwarded")),
    ("merged", gettext_lazy("Merged")),
    ("open", gettext_lazy("Waiting")),
    ("days_to_attempt", gettext_lazy("Median working days to first attempt")),
    ("days_to_success", gettext_lazy("Median working days to first successful contact")),
    ("feedback", gettext_lazy("Feedback given")),
    ("mandate_status", gettext_lazy("Mandate")),
    ("last_review", gettext_lazy("Last review")),
]


@no_case_data(perm="partner.overview")
@reads_from_replica
def partner_csv(request):
    team_ids = policy.teams_for(request.user, "partner.overview")
    start, end = _period(request)
    rows = figures.partner_overview(team_ids=team_ids, start=start, end=end)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="partners-{start:%Y%m%d}-{end:%Y%m%d}.csv"'
    response.write("\ufeff")  # Excel opens UTF-8 with a byte-order mark
    writer = csv.writer(response, delimiter=";")
    writer.writerow([str(label) for _key, label in CSV_COLUMNS])
    for row in rows:
        values = []
        for key, _label in CSV_COLUMNS:
            value = getattr(row, key)
            if isinstance(value, datetime.date):
                value = value.strftime("%d-%m-%Y")
            elif isinstance(value, float):
                value = f"{value:.1f}".replace(".", ",")
            values.append(_csv_safe(str(value if value is not None else "")))
        writer.writerow(values)
    return response


def _csv_safe(text: str) -> str:
    """No formula injection when the file is opened in a spreadsheet."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
