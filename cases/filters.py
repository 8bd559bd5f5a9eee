import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from cases.models import Household
from teams.models import Team


class HouseholdFilter(django_filters.FilterSet):
    """Filters of the household list; the queryset it gets is already scoped to the user."""

    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Name, street or postcode"), "autocomplete": "off"}
        ),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Household.Status.choices, empty_label=_("All")
    )
    mine = django_filters.BooleanFilter(
        label=_("Only households I lead"),
        method="filter_mine",
        widget=forms.CheckboxInput,
    )
    team = django_filters.ModelChoiceFilter(
        label=_("Team"), queryset=Team.objects.none(), empty_label=_("All teams")
    )

    class Meta:
        model = Household
        fields = ["q", "status", "team", "mine"]

    def __init__(self, *args, user, team_ids, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if len(team_ids) > 1:
            self.filters["team"].queryset = Team.objects.filter(pk__in=team_ids)
        else:
            del self.filters["team"]

    def filter_search(self, queryset, name, value):
        return queryset.search(value)

    def filter_mine(self, queryset, name, value):
        return queryset.filter(lead_worker=self.user) if value else queryset
