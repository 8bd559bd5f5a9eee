"""Forms around the plan: its text (with the version it started from), goals, actions, the
network, a self-sufficiency assessment and a case review.
"""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Layout, Submit
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases import zrm
from cases.models import Action, CaseReview, Goal, NetworkMember, Plan
from cases.services import lead_worker_choices
from teams.models import Organisation
from wijkteam.widgets import DateInput, RadioSelect


def _helper(*layout) -> FormHelper:
    helper = FormHelper()
    helper.layout = Layout(*layout, Submit("save", _("Save")))
    return helper


class PlanForm(forms.ModelForm):
    """The plan in the family's words. `version` is the version the form was opened on."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Plan
        fields = ["family_view", "strengths", "worries", "earlier_help", "safety_plan", "evaluation_date"]
        widgets = {
            "family_view": forms.Textarea(attrs={"rows": 5}),
            "strengths": forms.Textarea(attrs={"rows": 3}),
            "worries": forms.Textarea(attrs={"rows": 3}),
            "earlier_help": forms.Textarea(attrs={"rows": 2}),
            "safety_plan": forms.Textarea(attrs={"rows": 2}),
            "evaluation_date": DateInput(),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["version"] = self.instance.lock_version
        self.helper = _helper(*self.Meta.fields, "version")

    def clean_evaluation_date(self):
        value = self.cleaned_data["evaluation_date"]
        if value and value < timezone.localdate() and value != self.instance.evaluation_date:
            raise forms.ValidationError(_("Choose a date from today on."))
        return value


class EvaluateForm(forms.Form):
    note = forms.CharField(
        label=_("Evaluation"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What was reached, what not, and what the family says about it."),
    )
    next_evaluation = forms.DateField(label=_("Next evaluation"), required=False, widget=DateInput())

    def clean_next_evaluation(self):
        value = self.cleaned_data["next_evaluation"]
        if value and value <= timezone.localdate():
            raise forms.ValidationError(_("Choose a date after today."))
        return value


class ApprovalForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("send_back", _("Send back"))])
    comment = forms.CharField(
        label=_("Comment"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class GoalForm(forms.ModelForm):
    class Meta:
        model = Goal
        fields = ["domain", "family_words", "achieved"]
        widgets = {"family_words": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["domain"].queryset = zrm.domains()
        self.fields["domain"].empty_label = _("Choose a life domain")
        if self.instance.pk is None:
            del self.fields["achieved"]
        self.helper = _helper(*self.fields)


# The picker of each kind of *who* (Action.Who).
PICKERS = {
    Action.Who.FAMILY: "person",
    Action.Who.NETWORK: "network_member",
    Action.Who.WORKER: "worker",
    Action.Who.PARTNER: "organisation",
}


class ActionForm(forms.ModelForm):
    """Who does what by when; the choices are the household's own people, network and team."""

    class Meta:
        model = Action
        fields = [
            "what",
            "goal",
            "who",
            "person",
            "network_member",
            "worker",
            "organisation",
            "due_date",
            "status",
        ]
        widgets = {"due_date": DateInput(), "who": RadioSelect}

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        household = plan.household
        self.fields["goal"].queryset = plan.goals.select_related("domain")
        self.fields["goal"].empty_label = _("No specific goal")
        self.fields["person"].queryset = household.members.all()
        self.fields["network_member"].queryset = household.network.filter(active=True)
        self.fields["worker"].queryset = lead_worker_choices([household.team_id])
        self.fields["organisation"].queryset = Organisation.objects.all()
        for name in PICKERS.values():
            self.fields[name].empty_label = "—"
        self.fields["who"].choices = Action.Who.choices  # a radio: no empty choice
        if self.instance.pk is None:
            del self.fields["status"]
        # One choice of *who*, then only the picker of that kind: the CSS (.who-choice, in
        # static/css/wijkteam.css) hides the others, so it works without JavaScript. What a hidden
        # picker still sends is dropped (Action.clean keeps only the chosen kind's).
        self.helper = _helper(
            "what",
            "goal",
            Div(
                "who",
                *(Div(name, css_class=f"who-picker who-picker-{who}") for who, name in PICKERS.items()),
                css_class="who-choice",
            ),
            "due_date",
            *(["status"] if "status" in self.fields else []),
        )


class NetworkMemberForm(forms.ModelForm):
    class Meta:
        model = NetworkMember
        fields = ["name", "kind", "organisation", "involvement", "phone", "email", "family_agrees", "active"]
        widgets = {
            "involvement": forms.Textarea(attrs={"rows": 2}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].empty_label = _("Not a professional")
        if self.instance.pk is None:
            del self.fields["active"]
        self.helper = _helper(*self.fields)


class AssessmentForm(forms.Form):
    """A score (1-5) and a note on every domain of the instrument; the labels come from the data."""

    person = forms.ModelChoiceField(label=_("Person"), queryset=None, empty_label=None)
    assessed_on = forms.DateField(label=_("Date"), widget=DateInput(), initial=timezone.localdate)

    def __init__(self, *args, household, instrument, domains, **kwargs):
        super().__init__(*args, **kwargs)
        self.domains = domains
        self.fields["person"].queryset = household.members.all()
        choices = [(str(i), f"{i} – {label}") for i, label in enumerate(instrument.scale, start=1)]
        for domain in domains:
            self.fields[f"score_{domain.pk}"] = forms.TypedChoiceField(
                label=domain.name, choices=[("", "—"), *choices], coerce=int
            )
            self.fields[f"note_{domain.pk}"] = forms.CharField(
                label=_("Note on %(domain)s") % {"domain": domain.name}, max_length=500, required=False
            )

    def clean_assessed_on(self):
        value = self.cleaned_data["assessed_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("An assessment cannot be dated in the future."))
        return value

    def rows(self):
        """(domain, score field, note field) per domain, for the template's table."""
        return [(d, self[f"score_{d.pk}"], self[f"note_{d.pk}"]) for d in self.domains]

    def scores(self) -> dict[int, tuple[int, str]]:
        return {
            d.pk: (self.cleaned_data[f"score_{d.pk}"], self.cleaned_data[f"note_{d.pk}"])
            for d in self.domains
        }


class CaseReviewForm(forms.ModelForm):
    class Meta:
        model = CaseReview
        fields = [
            "held_on",
            "workers",
            "organisations",
            "question",
            "considerations",
            "decisions",
            "follow_up",
        ]
        widgets = {
            "held_on": DateInput(),
            "workers": forms.CheckboxSelectMultiple,
            "organisations": forms.SelectMultiple(attrs={"size": 6}),
            "question": forms.Textarea(attrs={"rows": 2}),
            "considerations": forms.Textarea(attrs={"rows": 3}),
            "decisions": forms.Textarea(attrs={"rows": 3}),
            "follow_up": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, household, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["workers"].queryset = lead_worker_choices([household.team_id])
        self.fields["organisations"].queryset = Organisation.objects.filter(is_partner=True)
        self.helper = _helper(*self.Meta.fields)
