"""API clients in the administration: made by an administrator, the secret shown once, revocable."""

import logging

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from api import webhooks
from api.models import SCOPES, ApiClient, SignalSubmission, WebhookDelivery, default_scopes
from api.services import check_scopes, client_create, client_revoke


class ApiClientForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        label=_("scopes"),
        choices=list(SCOPES.items()),
        widget=forms.CheckboxSelectMultiple,
        initial=default_scopes,
    )

    class Meta:
        model = ApiClient
        fields = ["name", "organisation", "scopes", "webhook_url"]

    def clean_scopes(self):
        try:
            return check_scopes(self.cleaned_data["scopes"])
        except ValidationError as error:
            raise ValidationError(error.messages) from None

    def clean_webhook_url(self):
        url = self.cleaned_data["webhook_url"]
        if url:
            webhooks.check_url(url)
        return url


@admin.register(ApiClient)
class ApiClientAdmin(SimpleHistoryAdmin):
    form = ApiClientForm
    list_display = ["name", "organisation", "client_id", "created_at", "revoked_at"]
    list_filter = ["organisation"]
    readonly_fields = ["client_id", "user", "created_at", "revoked_at"]
    actions = ["revoke"]

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "organisation"] if obj is not None else []

    def has_delete_permission(self, request, obj=None):
        return False  # revoke instead: the access log and the signals keep naming the client

    def save_model(self, request, obj, form, change):
        if change:
            obj._history_user = request.user
            obj.save()
            return
        client, secret = client_create(
            name=obj.name,
            organisation=obj.organisation,
            scopes=obj.scopes,
            webhook_url=obj.webhook_url,
            by=request.user,
        )
        obj.pk, obj.application, obj.user = client.pk, client.application, client.user
        obj._state.adding = False
        messages.warning(
            request,
            _(
                "Client id: %(id)s — secret: %(secret)s. Copy the secret now: "
                "it is stored hashed and not shown again."
            )
            % {"id": client.client_id, "secret": secret},
        )
        messages.warning(
            request,
            _("Webhook secret (signs the events): %(secret)s. Copy it now: it is not shown again.")
            % {"secret": client.webhook_secret},
        )

    @admin.action(description=_("Revoke the chosen API clients at once"))
    def revoke(self, request, queryset):
        for client in queryset:
            client_revoke(client=client, by=request.user)
        messages.success(request, _("Revoked: their tokens no longer work."))


@admin.register(SignalSubmission)
class SignalSubmissionAdmin(admin.ModelAdmin):
    list_display = ["referral", "client", "acting_person", "at"]
    list_filter = ["client"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


security_log = logging.getLogger("wijkteam.security")


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(SimpleHistoryAdmin):
    """Events for partner systems: failed ones can be found (filter) and sent again (action)."""

    list_display = ["created_at", "client", "event_type", "state", "attempts", "last_status", "last_error"]
    list_filter = ["state", "event_type", "client"]
    list_select_related = ["client__organisation"]
    readonly_fields = [
        "id",
        "client",
        "event_type",
        "signal_id",
        "payload",
        "state",
        "attempts",
        "next_attempt_at",
        "last_status",
        "last_error",
        "created_at",
        "delivered_at",
    ]
    actions = ["resend"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Send again"), permissions=["change"])
    def resend(self, request, queryset):
        sent = 0
        for delivery in queryset:
            try:
                webhooks.delivery_resend(delivery=delivery, by=request.user)
            except ValidationError:
                continue
            sent += 1
            security_log.info(
                "webhook delivery %s sent again by user %s",
                delivery.pk,
                request.user.pk,
                extra={"event": "webhook_resend", "delivery": str(delivery.pk), "user": request.user.pk},
            )
        messages.success(request, _("Queued again: %(count)s.") % {"count": sent})
