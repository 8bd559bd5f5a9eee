from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from cases.models import DataCategory
from mandates.models import Mandate, MandateReview
from mandates.workflow import MANDATE
from teams.models import Organisation, Team
from wijkteam.widgets import DateInput, RadioSelect


class MandateForm(forms.ModelForm):
    categories = forms.MultipleChoiceField(
        label=_("Data the basis covers"),
        choices=DataCategory.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Which kinds of data may be shared on this basis without consent. None on consent only."),
    )
    reason = forms.CharField(label=_("Reason for the change"), max_length=200, required=False)

    class Meta:
        model = Mandate
        fields = [
            "team",
            "organisation",
            "domain",
            "kind",
            "scope",
            "route_in",
            "route_out",
            "contact_person",
            "contact_details",
            "sharing_basis",
            "legal_basis_text",
            "categories",
            "feedback_level",
            "escalation_holder",
            "escalation_how",
            "valid_from",
            "valid_until",
            "status",
            "next_review_on",
        ]
        widgets = {
            "scope": forms.Textarea(attrs={"rows": 3}),
            "route_in": forms.Textarea(attrs={"rows": 2}),
            "route_out": forms.Textarea(attrs={"rows": 2}),
            "escalation_how": forms.Textarea(attrs={"rows": 2}),
            "valid_from": DateInput(),
            "valid_until": DateInput(),
            "next_review_on": DateInput(),
        }

    def __init__(self, *args, team_ids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.filter(pk__in=team_ids)
        self.fields["team"].empty_label = None
        if self.instance.pk:
            self.fields["team"].disabled = True
            # The status may stay, or take one step of the table (mandates/workflow.py).
            stored = self.instance.status
            reachable = {stored} | MANDATE.targets(stored)
            self.fields["status"].choices = [c for c in self.fields["status"].choices if c[0] in reachable]
        self.fields["organisation"].queryset = Organisation.objects.filter(is_partner=True)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Fieldset(_("On whose behalf"), "team", "organisation", "domain", "kind", "scope"),
            Fieldset(_("Referrals"), "route_in", "route_out", "contact_person", "contact_details"),
            Fieldset(
                _("Data and feedback"), "sharing_basis", "legal_basis_text", "categories", "feedback_level"
            ),
            Fieldset(_("Escalation (doorzettingsmacht)"), "escalation_holder", "escalation_how"),
            Fieldset(_("Validity"), "valid_from", "valid_until", "status", "next_review_on"),
            "reason",
            Submit("save", _("Save")),
        )


class MandateReviewForm(forms.ModelForm):
    class Meta:
        model = MandateReview
        fields = ["reviewed_on", "decision", "notes", "next_review_on"]
        widgets = {
            "reviewed_on": DateInput(),
            "next_review_on": DateInput(),
            "decision": RadioSelect,
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(*self.fields, Submit("save", _("Record review")))
