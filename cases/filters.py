import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from cases import workflow
from cases.models import Household, Referral
from teams.models import Organisation, Team


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


class ReferralFilter(django_filters.FilterSet):
    """Filters of the triage queue; the queryset it gets is already the user's teams' signals."""

    UNDECIDED = "undecided"
    ALL = "all"

    status = django_filters.ChoiceFilter(
        label=_("Status"),
        method="filter_status",
        choices=[(UNDECIDED, _("Waiting for a decision")), *workflow.Status.choices, (ALL, _("All"))],
        empty_label=None,
    )
    sender_organisation = django_filters.ModelChoiceFilter(
        label=_("Partner"),
        queryset=Organisation.objects.filter(is_partner=True),
        empty_label=_("All partners"),
    )
    urgency = django_filters.ChoiceFilter(
        label=_("Urgency"), choices=Referral.Urgency.choices, empty_label=_("All")
    )
    received = django_filters.DateFromToRangeFilter(
        label=_("Received between"),
        field_name="received_at",
        widget=django_filters.widgets.DateRangeWidget(attrs={"type": "date"}),
    )
    team = django_filters.ModelChoiceFilter(
        label=_("Team"), queryset=Team.objects.none(), empty_label=_("All teams")
    )

    class Meta:
        model = Referral
        fields = ["status", "sender_organisation", "urgency", "received", "team"]

    def __init__(self, *args, team_ids, **kwargs):
        super().__init__(*args, **kwargs)
        # The partners these teams hear from, not every partner of the installation (hundreds,
        # nationwide): those that sent them a signal.
        self.filters["sender_organisation"].queryset = Organisation.objects.filter(
            is_partner=True,
            pk__in=Referral.objects.filter(team_id__in=team_ids).values("sender_organisation"),
        )
        if len(team_ids) > 1:
            self.filters["team"].queryset = Team.objects.filter(pk__in=team_ids)
        else:
            del self.filters["team"]

    def filter_status(self, queryset, name, value):
        if value == self.ALL:
            return queryset
        if value == self.UNDECIDED or not value:
            return queryset.filter(status__in=workflow.UNDECIDED)
        return queryset.filter(status=value)
