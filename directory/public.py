"""The one page of the social map without login: an organisation's answer to an update request,
reached by the signed single-use link of its mail (directory/updates.py)."""

import logging

from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from cases.gateway import no_case_data
from directory import services, updates
from directory.forms import UpdateAnswerForm
from directory.models import Service
from teams.security import origin_of

security_log = logging.getLogger("wijkteam.security")


def public(view):
    view.login_required = False
    return view


@public
@require_http_methods(["GET", "POST"])
@no_case_data()
def update_answer(request, token):
    update = updates.request_for(token)
    if update is None:
        security_log.warning(
            "update request link refused",
            extra={"event": "directory_update_link_refused", "origin": origin_of(request)},
        )
        return render(request, "directory/update_answer.html", {"invalid": True}, status=404)
    form = UpdateAnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_request_answer(
                request_id=update.pk,
                confirmed=form.cleaned_data["confirmed"],
                proposal=form.cleaned_data["proposal"],
            )
        except ValidationError:
            return render(request, "directory/update_answer.html", {"invalid": True}, status=404)
        return render(request, "directory/update_answer.html", {"done": True, "update": update})
    entries = (
        Service.objects.filter(organisation=update.organisation)
        .exclude(status=Service.Status.INACTIVE)
        .prefetch_related("life_domains", "target_groups")
        .order_by("name")
    )
    return render(
        request,
        "directory/update_answer.html",
        {"form": form, "update": update, "entries": entries},
        status=400 if request.method == "POST" else 200,
    )
