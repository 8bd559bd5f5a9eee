from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Fieldset, Layout, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from cases.models import Household, Person
from cases.services import lead_worker_choices
from cases.validators import format_phone
from teams.models import Team
from wijkteam.widgets import DateInput

ADDRESS_LAYOUT = (
    "name",
    Div(
        Div("street", css_class="col-12 col-md-6"),
        Div("house_number", css_class="col-6 col-md-3"),
        Div("house_number_addition", css_class="col-6 col-md-3"),
        css_class="row",
    ),
    Div(
        Div("postcode", css_class="col-6 col-md-4"), Div("city", css_class="col-6 col-md-8"), css_class="row"
    ),
    Div(
        Div("wijk_code", css_class="col-6 col-md-4"),
        Div("buurt_code", css_class="col-6 col-md-4"),
        Div("area_codes_year", css_class="col-12 col-md-4"),
        css_class="row",
    ),
    "lead_worker",
)


class HouseholdForm(forms.ModelForm):
    """Address and lead worker of a household; the lead worker comes from the household's team."""

    reason = forms.CharField(
        label=_("Reason for the change"),
        max_length=200,
        required=False,
        help_text=_("Kept in the history, e.g. 'moved' or 'new lead worker after holiday'."),
    )

    class Meta:
        model = Household
        fields = [
            "name",
            "street",
            "house_number",
            "house_number_addition",
            "postcode",
            "city",
            "wijk_code",
            "buurt_code",
            "area_codes_year",
            "lead_worker",
        ]
        widgets = {"postcode": forms.TextInput(attrs={"autocapitalize": "characters"})}

    def __init__(self, *args, team_ids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_worker"].queryset = lead_worker_choices(team_ids)
        self.fields["lead_worker"].empty_label = _("No lead worker yet")
        self.fields["house_number"].widget.attrs["inputmode"] = "numeric"
        self.helper = FormHelper()
        self.helper.layout = Layout(*ADDRESS_LAYOUT, "reason", Submit("save", _("Save")))


class PersonForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = [
            "first_name",
            "last_name_prefix",
            "last_name",
            "birth_date",
            "relation",
            "bsn",
            "phone",
            "email",
            "reach_by",
            "reach_when",
            "do_not_call",
            "do_not_call_note",
        ]
        widgets = {
            "birth_date": DateInput(),
            "bsn": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
            "email": forms.EmailInput(attrs={"autocomplete": "off"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Div(
                Div("first_name", css_class="col-12 col-md-4"),
                Div("last_name_prefix", css_class="col-4 col-md-2"),
                Div("last_name", css_class="col-8 col-md-6"),
                css_class="row",
            ),
            Div(Div("birth_date", css_class="col-6"), Div("relation", css_class="col-6"), css_class="row"),
            Field("bsn"),
            Fieldset(
                _("How to reach them"),
                Div(
                    Div("phone", css_class="col-12 col-md-6"),
                    Div("email", css_class="col-12 col-md-6"),
                    css_class="row",
                ),
                Div(
                    Div("reach_by", css_class="col-12 col-md-6"),
                    Div("reach_when", css_class="col-12 col-md-6"),
                    css_class="row",
                ),
                "do_not_call",
                "do_not_call_note",
            ),
            Submit("save", _("Save")),
        )
        self.fields["reach_by"].choices = [("", _("No preference")), *Person.ReachBy.choices]
        if self.instance.phone and not self.is_bound:
            self.initial["phone"] = format_phone(self.instance.phone)  # as typed, not +31…


class NewHouseholdForm(HouseholdForm):
    """A household registered by the team itself, with its first member."""

    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none())

    class Meta(HouseholdForm.Meta):
        fields = ["team", *HouseholdForm.Meta.fields]

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, team_ids=[team.pk for team in teams], **kwargs)
        self.fields["team"].queryset = Team.objects.filter(pk__in=[team.pk for team in teams])
        if len(teams) == 1:
            self.fields["team"].initial = teams[0]
            self.fields["team"].widget = forms.HiddenInput()
        del self.fields["reason"]
        self.helper.form_tag = False
        self.helper.layout = Layout("team", *ADDRESS_LAYOUT)

    def clean(self):
        cleaned = super().clean()
        team, lead = cleaned.get("team"), cleaned.get("lead_worker")
        if team and lead and not lead_worker_choices([team.pk]).filter(pk=lead.pk).exists():
            self.add_error("lead_worker", _("This worker has no position in the chosen team."))
        return cleaned
