import copy

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from teams import services
from teams.models import Municipality, Organisation, Position, SecurityEvent, Team, User


class NoDeleteAdmin(SimpleHistoryAdmin):
    """Audited records are ended or deactivated, never deleted (their history must stay)."""

    def has_delete_permission(self, request, obj=None):
        return False


class PositionInline(admin.TabularInline):
    """The user's positions, to read: a position is given on its own page, under the same rules
    as a manager's (teams.services.position_save)."""

    model = Position
    fk_name = "user"
    extra = 0
    can_delete = False
    fields = ["team", "access_role", "professional_role", "active_from", "active_until"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(DjangoUserAdmin, NoDeleteAdmin):
    list_display = ["username", "first_name", "last_name", "organisation", "is_active", "is_staff"]
    list_filter = ["is_active", "is_staff", "organisation"]
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("Partner reporter"), {"fields": ["organisation"]}),
    )
    inlines = [PositionInline]


@admin.register(Municipality)
class MunicipalityAdmin(NoDeleteAdmin):
    list_display = ["name", "cbs_code"]
    search_fields = ["name", "cbs_code"]


@admin.register(Organisation)
class OrganisationAdmin(NoDeleteAdmin):
    list_display = ["name", "sector", "is_employer", "is_partner"]
    list_filter = ["sector", "is_employer", "is_partner"]
    search_fields = ["name"]


@admin.register(Team)
class TeamAdmin(NoDeleteAdmin):
    list_display = ["name", "municipality"]
    list_filter = ["municipality"]
    search_fields = ["name"]


class PositionAdminForm(forms.ModelForm):
    """Separation of duties in the administration too: not for oneself, not for an
    administrator or a partner reporter (the messages at the user field)."""

    by = None  # set per request by PositionAdmin.get_form

    class Meta:
        model = Position
        fields = [
            "user",
            "team",
            "employer",
            "access_role",
            "professional_role",
            "accountable_to",
            "membership",
            "hours_per_week",
            "support_group",
            "active_from",
            "active_until",
        ]

    def clean(self):
        cleaned = super().clean()
        if self.by is not None and not self.errors:
            position = copy.copy(self.instance)  # the instance gets the form's data only after clean()
            for name, value in cleaned.items():
                setattr(position, name, value)
            previous = Position.objects.get(pk=position.pk) if position.pk else None
            try:
                services.check_separation_of_duties(position, self.by, previous)
            except ValidationError as error:
                self.add_error(None, error) if not hasattr(error, "error_dict") else self._update_errors(
                    error
                )
        return cleaned


@admin.register(Position)
class PositionAdmin(NoDeleteAdmin):
    form = PositionAdminForm

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"by": request.user})

    def save_model(self, request, obj, form, change):
        services.position_save(position=obj, by=request.user, reason=_("Changed in the administration"))

    list_display = ["user", "team", "access_role", "professional_role", "active_from", "active_until"]
    list_filter = ["team", "access_role", "professional_role"]
    list_select_related = ["user", "team"]
    autocomplete_fields = ["user", "team", "employer"]
    search_fields = ["user__username", "user__last_name", "team__name"]


@admin.register(SecurityEvent)
class SecurityEventAdmin(admin.ModelAdmin):
    """The login locks (teams/throttle.py), to read: for superusers only, and nobody adds,
    changes or deletes one (the table is append-only in PostgreSQL too)."""

    list_display = ["at", "kind", "username", "address", "until", "action"]
    list_filter = ["kind", "at"]
    search_fields = ["username", "address"]
    date_hierarchy = "at"
    fields = ["at", "kind", "username", "address", "until", "action", "request_id"]
    readonly_fields = fields

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
