"""Consent (asking exactly the right people for the person's age), withdrawal, sharing, and
emergency access to prior information."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout, Submit
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import AccessRequest, ConsentDecision, DataCategory, Person, Share
from cases.services.consent import CHILD_AND_PARENTS, SELF, possible_parents, who_decides
from teams.models import Organisation
from wijkteam.widgets import DateInput


class ConsentForm(forms.ModelForm):
    categories = forms.MultipleChoiceField(
        label=_("Which data"), choices=DataCategory.choices, widget=forms.CheckboxSelectMultiple
    )
    parents = forms.ModelMultipleChoiceField(
        label=_("Parents with authority who decided"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    child_agrees = forms.BooleanField(label=_("The child agrees as well"), required=False)

    class Meta:
        model = ConsentDecision
        fields = [
            "recipient",
            "purpose",
            "categories",
            "decision",
            "legal_basis",
            "basis_text",
            "obtained",
            "information_given",
            "valid_until",
        ]
        widgets = {
            "decision": forms.RadioSelect,
            "information_given": forms.Textarea(attrs={"rows": 2}),
            "valid_until": DateInput(),
        }

    def __init__(self, *args, person, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person
        self.rule = who_decides(person)
        self.fields["recipient"].queryset = Organisation.objects.all()
        self.fields["legal_basis"].initial = "consent"
        fields = list(self.Meta.fields)
        if self.rule == SELF:
            del self.fields["parents"], self.fields["child_agrees"]
        else:
            self.fields["parents"].queryset = possible_parents(person)
            fields.insert(4, "parents")
            if self.rule == CHILD_AND_PARENTS:
                fields.insert(5, "child_agrees")
            else:
                del self.fields["child_agrees"]
        self.helper = FormHelper()
        self.helper.layout = Layout(*fields, Submit("save", _("Record decision")))

    def clean_valid_until(self):
        value = self.cleaned_data["valid_until"]
        if value and value < timezone.localdate():
            raise forms.ValidationError(_("Choose a date from today on."))
        return value


class WithdrawForm(forms.Form):
    withdrawn_by = forms.ModelChoiceField(label=_("Withdrawn by"), queryset=None, empty_label=None)

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["withdrawn_by"].queryset = Person.objects.filter(pk__in=[p.pk for p in people])


class ShareForm(forms.ModelForm):
    override_reason = forms.CharField(
        label=_("Coordinator: why share without consent or basis?"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only when there is no consent and no mandate; kept and shown with the share."),
    )

    class Meta:
        model = Share
        fields = ["recipient", "purpose", "content"]
        widgets = {"content": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, may_override, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipient"].queryset = Organisation.objects.all()
        if not may_override:
            del self.fields["override_reason"]
        self.helper = FormHelper()
        self.helper.layout = Layout(*self.fields, Submit("share", _("Share")))


class AccessRequestForm(forms.ModelForm):
    """The optional note of a recorded access request (the buttons on the household page)."""

    class Meta:
        model = AccessRequest
        fields = ["note"]


class EmergencyAccessForm(forms.Form):
    reason = forms.CharField(label=_("Why do you need it now?"), max_length=500)
