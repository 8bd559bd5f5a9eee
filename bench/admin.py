"""The reference a developer would put up instead: the Django admin changelist of households.

A separate admin site, registered only in the benchmark settings: production's admin holds
accounts, not case data (see wijkteam/urls.py).
"""

from django.contrib import admin
from django.contrib.auth.decorators import login_required

from cases.models import Household

site = admin.AdminSite(name="bench_admin")
site.login = login_required(site.login)


@admin.register(Household, site=site)
class HouseholdAdmin(admin.ModelAdmin):
    list_display = ["name", "street", "house_number", "postcode", "city", "team", "lead_worker", "status"]
    list_filter = ["status", "team"]
    search_fields = ["name", "street", "postcode", "members__last_name", "members__first_name"]
    list_select_related = ["team", "lead_worker"]
