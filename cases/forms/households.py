from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Fieldset, Layout, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from areas import cbs
from areas.models import CbsArea
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
        self._offer_buurten(team_ids)
        self.helper = FormHelper()
        self.helper.layout = Layout(*ADDRESS_LAYOUT, "reason", Submit("save", _("Save")))

    def _offer_buurten(self, team_ids) -> None:
        """Where the municipality's list of wijken and buurten is loaded (areas), the buurt is
        picked by name, grouped by wijk, and the wijk follows from it; elsewhere both codes are
        typed and their format checked. One query."""
        municipalities = Team.objects.filter(pk__in=team_ids).values("municipality__cbs_code")
        areas = list(CbsArea.objects.filter(municipality_code__in=municipalities))
        self.wijk_of = {area.code: area.wijk_code for area in areas if area.kind == CbsArea.Kind.BUURT}
        if not self.wijk_of:
            return
        choices = cbs.buurt_choices(areas)
        current = self.instance.buurt_code
        if current and current not in self.wijk_of:
            choices.append((current, current))  # a code from before the list stays until changed
        self.fields["buurt_code"] = forms.ChoiceField(
            label=_("Neighbourhood"),
            choices=[("", _("Unknown")), *choices],
            required=False,
            help_text=_("The wijk follows from the buurt."),
        )
        self.fields["wijk_code"].widget = forms.HiddenInput()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("buurt_code") in self.wijk_of:
            cleaned["wijk_code"] = self.wijk_of[cleaned["buurt_code"]]
        return cleaned


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


class DuplicateCheckForm(forms.Form):
    """The answer to the duplicate check of a registration by hand (cases/matching.py), shown
    only when the check found something: register anyway, or move the person with that BSN here.
    Without an answer the registration stops, with the message at the field concerned."""

    MOVE = "move"

    register_anyway = forms.BooleanField(
        label=_("Register anyway: it is none of the households above"), required=False
    )
    bsn_decision = forms.ChoiceField(
        label=_("The same BSN in another household"),
        choices=[(MOVE, _("Move the person here: their membership of the other household ends"))],
        widget=forms.RadioSelect,
        required=False,
    )
    move_reason = forms.CharField(
        label=_("Reason for the move"),
        max_length=80,
        required=False,
        help_text=_("Kept in the history of both households, e.g. 'moved in with her mother'."),
    )

    def __init__(self, *args, duplicates=None, may_move=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.duplicates = duplicates
        self.may_move = may_move  # not when changing a member: their BSN is the one to correct
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        fields = []
        if duplicates and duplicates.same_bsn and may_move:
            fields += ["bsn_decision", "move_reason"]
        if duplicates and duplicates.likely and not duplicates.exact:
            fields.append("register_anyway")
        for name in set(self.fields) - set(fields):
            del self.fields[name]  # not asked, so nothing posted for it counts
        self.helper.layout = Layout(*fields)

    def decide(self, *, name_form, person_form) -> bool:
        """True when the registration may go on; else the messages are at the fields."""
        duplicates = self.duplicates
        self.is_valid()
        if duplicates.exact is not None:
            if name_form is not None:
                name_form.add_error("name", _("This household is already registered (see above)."))
            else:
                person_form.add_error("last_name", _("This person is already a member of this household."))
            return False
        ok = True
        if duplicates.same_bsn is not None:
            if not self.moving:
                person_form.add_error(
                    "bsn", _("This BSN belongs to a member of another open household (see above).")
                )
                ok = False
            elif not self.cleaned_data.get("move_reason", "").strip():
                self.add_error("move_reason", _("Give the reason for the move."))
                ok = False
        if duplicates.likely and not self.cleaned_data.get("register_anyway"):
            self.add_error(
                "register_anyway", _("Check the households above first; tick this when it is none of them.")
            )
            ok = False
        return ok

    @property
    def moving(self) -> bool:
        return self.may_move and self.cleaned_data.get("bsn_decision") == self.MOVE

    def history_reason(self, duplicates) -> str:
        """What the history keeps of the decision (100 characters at most)."""
        if not duplicates.likely:
            return ""
        names = ", ".join(candidate.household.name for candidate in duplicates.likely)
        return (_("Registered after the duplicate check, not: %(names)s") % {"names": names})[:100]
