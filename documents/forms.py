"""Adding a document: the file (or a photo taken now), what it is, and what it is about."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from cases.services import member_choices
from documents import intake
from documents.models import Document
from wijkteam.widgets import DateInput

LINKS = ("persons", "contact", "consent", "plan", "referral", "replaces")


class DocumentForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": intake.ACCEPT}),
        help_text=_("PDF, photo (JPEG, PNG, HEIC), Word (DOCX), ODT or plain text."),
    )
    photo = forms.FileField(
        label=_("Or take a photo"),
        required=False,
        # On a phone this opens the camera at once.
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Document.Kind.choices)
    date = forms.DateField(label=_("Date of the document"), widget=DateInput())
    confidentiality = forms.ChoiceField(
        label=_("Who may see it"),
        choices=Document.Confidentiality.choices,
        initial=Document.Confidentiality.TEAM,
        widget=forms.RadioSelect,
    )
    persons = forms.ModelMultipleChoiceField(
        label=_("About"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    contact = forms.ModelChoiceField(label=_("With a contact"), queryset=None, required=False)
    consent = forms.ModelChoiceField(label=_("With a consent decision"), queryset=None, required=False)
    plan = forms.ModelChoiceField(label=_("With a plan"), queryset=None, required=False)
    referral = forms.ModelChoiceField(label=_("With a signal"), queryset=None, required=False)
    replaces = forms.ModelChoiceField(
        label=_("New version of"),
        queryset=None,
        required=False,
        help_text=_("The old version is kept, and no longer shown in the list."),
    )

    def __init__(self, *args, household, readable=None, compact: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.household = household
        if compact:
            # The household page: the essentials only, no queries for choices.
            for name in LINKS:
                del self.fields[name]
        else:
            member_choices(self.fields["persons"], household)
            self.fields["contact"].queryset = household.contacts.order_by("-at")
            self.fields["consent"].queryset = (
                household.consent_decisions().select_related("person", "recipient").order_by("-recorded_at")
            )
            self.fields["plan"].queryset = household.plans.order_by("-number")
            self.fields["referral"].queryset = household.referrals.order_by("-received_at")
            self.fields["replaces"].queryset = (readable or Document.objects.none()).listed()
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(*self.fields, Submit("save", _("Add document")))

    def clean(self):
        cleaned = super().clean()
        chosen = [f for f in (cleaned.get("file"), cleaned.get("photo")) if f]
        if not chosen:
            self.add_error("file", _("Choose a file, or take a photo."))
        elif len(chosen) > 1:
            self.add_error("photo", _("Choose a file or take a photo, not both."))
        else:
            cleaned["upload"] = chosen[0]
        return cleaned


class DocumentChangeForm(forms.Form):
    """What is recorded about a document, with the reason for the change (its history)."""

    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Document.Kind.choices)
    date = forms.DateField(label=_("Date of the document"), widget=DateInput())
    confidentiality = forms.ChoiceField(
        label=_("Who may see it"), choices=Document.Confidentiality.choices, widget=forms.RadioSelect
    )
    persons = forms.ModelMultipleChoiceField(
        label=_("About"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    reason = forms.CharField(label=_("Why this change?"), max_length=200)

    def __init__(self, *args, document: Document, **kwargs):
        initial = {name: getattr(document, name) for name in ("title", "kind", "date", "confidentiality")}
        initial["persons"] = list(document.persons.all())
        super().__init__(*args, initial=initial, **kwargs)
        member_choices(self.fields["persons"], document.household)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(*self.fields, Submit("save", _("Save")))
