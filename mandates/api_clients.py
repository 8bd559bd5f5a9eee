"""A manager's API clients for the partners their teams hold a mandate with (issue 19, item 2).

The manager makes a client for a partner with a mandate in force, sets where its events go,
makes a new secret, and revokes it at once; each change is a service of api/services.py (one
transaction, history with who, when and the reason typed here). A secret is shown once, in the
answer to the POST that made it: it is stored nowhere readable (the client secret hashed), and
not in the session or a message either. A client of another partner is 404 (ApiClient.visible_to).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from api import services as api_services
from api.forms import ApiClientForm, RevokeForm, RotateForm, ScopesForm, WebhookForm, add_errors
from api.models import ApiClient, organisations_managed_by
from cases import once
from cases.gateway import no_case_data

PERM = "api_client.manage"
HISTORY_SHOWN = 20


def _client(request, pk) -> ApiClient:
    return get_object_or_404(
        ApiClient.objects.visible_to(request.user).select_related("organisation", "application"), pk=pk
    )


def _secret_page(request, client: ApiClient, *, client_secret: str = "", webhook_secret: str = ""):
    """The one time a secret is shown: in the answer to the POST that made it."""
    return render(
        request,
        "mandates/api_client_secret.html",
        {"client": client, "client_secret": client_secret, "webhook_secret": webhook_secret},
    )


@no_case_data(perm=PERM)
def api_client_list(request):
    clients = (
        ApiClient.objects.visible_to(request.user)
        .select_related("organisation", "application")
        .order_by("organisation__name", "name", "pk")
    )
    return render(request, "mandates/api_clients.html", {"clients": clients})


@require_http_methods(["GET", "POST"])
@no_case_data(perm=PERM)
@once.creates_once
def api_client_add(request):
    form = ApiClientForm(
        request.POST or None, organisations=organisations_managed_by(request.user, in_force=True)
    )
    once.carry(request, form)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            client, secret = once.create(
                request,
                lambda: api_services.client_create(
                    name=data["name"],
                    organisation=data["organisation"],
                    scopes=data["scopes"],
                    webhook_url=data["webhook_url"],
                    reason=data["reason"],
                    by=request.user,
                ),
                lambda made: reverse("mandates:api_client", args=[made[0].pk]),
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            return _secret_page(request, client, client_secret=secret, webhook_secret=client.webhook_secret)
    return render(request, "mandates/api_client_form.html", {"form": form, "title": _("New API client")})


@no_case_data(perm=PERM)
def api_client_detail(request, pk):
    client = _client(request, pk)
    changes = client.history.select_related("history_user").order_by("-history_date")[:HISTORY_SHOWN]
    return render(request, "mandates/api_client.html", {"client": client, "changes": changes})


@require_http_methods(["GET", "POST"])
@no_case_data(perm=PERM)
def api_client_webhook(request, pk):
    client = _client(request, pk)
    form = WebhookForm(request.POST or None, client=client)
    if request.method == "POST" and form.is_valid():
        try:
            api_services.webhook_set(
                client=client,
                url=form.cleaned_data["webhook_url"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Webhook URL saved."))
            return redirect("mandates:api_client", pk=client.pk)
    context = {"form": form, "client": client, "title": _("Webhook of %(client)s") % {"client": client}}
    return render(request, "mandates/api_client_form.html", context)


@require_http_methods(["GET", "POST"])
@no_case_data(perm=PERM)
def api_client_scopes(request, pk):
    """What the client may: the signals, and the social map (with or without its contact persons)."""
    client = _client(request, pk)
    form = ScopesForm(request.POST or None, client=client)
    if request.method == "POST" and form.is_valid():
        try:
            api_services.scopes_set(
                client=client,
                scopes=form.cleaned_data["scopes"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Permissions saved."))
            return redirect("mandates:api_client", pk=client.pk)
    context = {"form": form, "client": client, "title": _("What %(client)s may") % {"client": client}}
    return render(request, "mandates/api_client_form.html", context)


@require_http_methods(["GET", "POST"])
@no_case_data(perm=PERM)
def api_client_rotate(request, pk):
    client = _client(request, pk)
    form = RotateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data["reason"]
        try:
            if form.cleaned_data["which"] == RotateForm.CLIENT:
                secret = api_services.client_secret_rotate(client=client, reason=reason, by=request.user)
                return _secret_page(request, client, client_secret=secret)
            secret = api_services.webhook_secret_rotate(client=client, reason=reason, by=request.user)
            return _secret_page(request, client, webhook_secret=secret)
        except ValidationError as error:
            add_errors(form, error)
    context = {"form": form, "client": client, "title": _("New secret for %(client)s") % {"client": client}}
    return render(request, "mandates/api_client_form.html", context)


@require_http_methods(["GET", "POST"])
@no_case_data(perm=PERM)
def api_client_revoke(request, pk):
    client = _client(request, pk)
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if client.revoked_at is not None:
            form.add_error(None, _("This API client is revoked."))
        else:
            api_services.client_revoke(client=client, reason=form.cleaned_data["reason"], by=request.user)
            messages.success(request, _("Revoked: its tokens no longer work."))
            return redirect("mandates:api_client", pk=client.pk)
    context = {"form": form, "client": client, "title": _("Revoke %(client)s") % {"client": client}}
    return render(request, "mandates/api_client_form.html", context)
