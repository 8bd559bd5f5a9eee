"""The social map in the administration: locations with their opening hours, organisation
profiles, and everything else for the administrator. Coordinators edit services on the site."""

from django.contrib import admin

from directory import services
from directory.models import (
    ApiAccess,
    Contact,
    Location,
    OpeningHours,
    OrganisationProfile,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
    UpdateRequest,
)
from teams.admin import NoDeleteAdmin


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 0


class ServiceAtLocationInline(admin.TabularInline):
    model = ServiceAtLocation
    extra = 0
    autocomplete_fields = ["service"]


@admin.register(Location)
class LocationAdmin(NoDeleteAdmin):
    list_display = ["name", "organisation", "postcode", "city", "confidential"]
    search_fields = ["name", "organisation__name", "postcode"]
    inlines = [OpeningHoursInline, ServiceAtLocationInline]


@admin.register(Service)
class ServiceAdmin(NoDeleteAdmin):
    list_display = ["name", "organisation", "status", "last_verified", "verify_by"]
    list_filter = ["status"]
    search_fields = ["name", "organisation__name"]
    readonly_fields = ["verify_by"]

    def save_model(self, request, obj, form, change):
        services.keep_verify_by(obj)
        super().save_model(request, obj, form, change)


@admin.register(OrganisationProfile)
class OrganisationProfileAdmin(NoDeleteAdmin):
    list_display = ["organisation", "kvk", "agb", "update_email"]


@admin.register(Contact)
class ContactAdmin(NoDeleteAdmin):
    list_display = ["name", "role", "organisation", "service"]


@admin.register(TaxonomyTerm)
class TaxonomyTermAdmin(NoDeleteAdmin):
    list_display = ["name", "taxonomy", "code"]
    list_filter = ["taxonomy"]


@admin.register(UpdateRequest)
class UpdateRequestAdmin(NoDeleteAdmin):
    list_display = ["organisation", "sent_to", "sent_at", "reminded_at", "used_at", "confirmed"]
    readonly_fields = ["used_at", "reminded_at"]


@admin.register(ApiAccess)
class ApiAccessAdmin(NoDeleteAdmin):
    """Retired grants (directory.models.ApiAccess), to read only: scopes are on the API client."""

    list_display = ["client", "scopes"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
