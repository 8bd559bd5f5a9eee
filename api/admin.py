"""API clients in the administration: made by an administrator, the secret shown once, revocable."""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from api.models import SCOPES, ApiClient, SignalSubmission
from api.services import client_create, client_revoke


class ApiClientForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        label=_("scopes"),
        choices=list(SCOPES.items()),
        widget=forms.CheckboxSelectMultiple,
        initial=list(SCOPES),
    )

    class Meta:
        model = ApiClient
        fields = ["name", "organisation", "scopes"]


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
            name=obj.name, organisation=obj.organisation, scopes=obj.scopes, by=request.user
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
