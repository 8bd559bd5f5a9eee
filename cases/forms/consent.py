"""Consent (asking exactly the right people for the person's age), withdrawal, sharing, and
emergency access to prior information."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout, Submit
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import AccessRequest, ConsentDecision, DataCategory, Person, Purpose
from cases.models.consent import SHARE_PURPOSES
from cases.services.consent import CHILD_AND_PARENTS, SELF, possible_parents, who_decides
from teams.models import Organisation
from wijkteam.widgets import DateInput, RadioSelect


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
            "decision": RadioSelect,
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


class ShareTargetForm(forms.Form):
    """Step one of a share: to whom and what for. What may be shared follows from these two."""

    recipient = forms.ModelChoiceField(label=_("Recipient"), queryset=Organisation.objects.all())
    purpose = forms.ChoiceField(label=_("Purpose"), choices=SHARE_PURPOSES)

    def __init__(self, *args, senders, **kwargs):
        super().__init__(*args, **kwargs)
        self.senders = senders
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.layout = Layout("recipient", "purpose", Submit("next", _("Show what may be shared")))

    def clean(self):
        data = super().clean()
        recipient = data.get("recipient")
        if data.get("purpose") == Purpose.FEEDBACK and recipient and recipient not in self.senders:
            self.add_error(
                "recipient",
                _("Feedback goes only to an organisation that sent a signal about this household: %(names)s.")
                % {"names": ", ".join(str(o) for o in self.senders) or _("none did")},
            )
        return data


class ShareForm(forms.Form):
    """Step two: about whom, which data, and the text. Offers only what the gate covers (everything,
    marked, to a coordinator who may override with a written reason)."""

    persons = forms.ModelMultipleChoiceField(
        label=_("About whom"), queryset=Person.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    categories = forms.MultipleChoiceField(
        label=_("Which data"), choices=DataCategory.choices, widget=forms.CheckboxSelectMultiple
    )
    content = forms.CharField(
        label=_("What is shared"), max_length=3000, widget=forms.Textarea(attrs={"rows": 4})
    )
    override_reason = forms.CharField(
        label=_("Coordinator: why share what is not covered?"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only when consent or basis is missing; kept and shown with the share."),
    )

    documents = forms.ModelMultipleChoiceField(
        label=_("Documents"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Shared as the data “Documents”: the gate checks it for every person chosen."),
    )

    def __init__(self, *args, coverage, may_override, documents=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.coverage = coverage
        if documents is None:
            del self.fields["documents"]
        else:
            self.fields["documents"].queryset = documents
        self.may_override = may_override and coverage.may_override
        covers = [c for c in coverage.covers if self.may_override or c.categories]
        self.fields["persons"].queryset = Person.objects.filter(pk__in=[c.person.pk for c in covers])
        self.fields["persons"].label_from_instance = lambda person: person.full_name
        offered = {c for cover in coverage.covers for c in cover.categories}
        self.fields["categories"].choices = [
            (value, label) for value, label in DataCategory.choices if self.may_override or value in offered
        ]
        if coverage.max_length:
            self.fields["content"] = forms.CharField(
                label=_("Short summary"),
                max_length=coverage.max_length,
                widget=forms.Textarea(attrs={"rows": 3}),
                help_text=_("The mandate allows a short summary: at most %(limit)s characters.")
                % {"limit": coverage.max_length},
            )
        if not self.may_override:
            del self.fields["override_reason"]
        self.helper = FormHelper()
        self.helper.layout = Layout(*self.fields, Submit("share", _("Share")))

    def clean(self):
        data = super().clean()
        persons, categories = data.get("persons"), data.get("categories")
        if data.get("documents") and DataCategory.DOCUMENTS not in (categories or ()):
            self.add_error(
                "documents", _("A document is shared as the data “Documents”: tick it under “Which data”.")
            )
        if not persons or not categories:
            return data
        gaps = self.coverage.uncovered(persons, categories)
        if gaps and not data.get("override_reason", "").strip():
            names = dict(DataCategory.choices)
            self.add_error(
                "categories",
                " ".join(
                    _("Not covered for %(name)s: %(categories)s.")
                    % {"name": person.first_name, "categories": ", ".join(str(names[c]) for c in missing)}
                    for person, missing in gaps
                ),
            )
        return data


class AccessRequestForm(forms.ModelForm):
    """The optional note of a recorded access request (the buttons on the household page)."""

    class Meta:
        model = AccessRequest
        fields = ["note"]


class EmergencyAccessForm(forms.Form):
    reason = forms.CharField(label=_("Why do you need it now?"), max_length=500)
