from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from teams.models import Municipality, Organisation, Position, Team, User


class NoDeleteAdmin(SimpleHistoryAdmin):
    """Audited records are ended or deactivated, never deleted (their history must stay)."""

    def has_delete_permission(self, request, obj=None):
        return False


class PositionInline(admin.TabularInline):
    model = Position
    fk_name = "user"
    extra = 0
    can_delete = False
    autocomplete_fields = ["team", "employer"]


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


@admin.register(Position)
class PositionAdmin(NoDeleteAdmin):
    list_display = ["user", "team", "access_role", "professional_role", "active_from", "active_until"]
    list_filter = ["team", "access_role", "professional_role"]
    list_select_related = ["user", "team"]
    autocomplete_fields = ["user", "team", "employer"]
    search_fields = ["user__username", "user__last_name", "team__name"]
