from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from areas import cbs
from cases.models.plan import ServiceOutcome
from directory.models import (
    Contact,
    Location,
    OpeningHours,
    Service,
    Taxonomy,
    TaxonomyTerm,
    validate_area_codes,
)
from teams.forms import ExpertiseChoices
from teams.models import Organisation, validate_postcode_areas
from wijkteam.widgets import DateInput


class SearchForm(forms.Form):
    """The search of the social map (GET). A value that is not valid is shown at its field and
    left out of the search."""

    q = forms.CharField(label=_("What are you looking for?"), max_length=100, required=False)
    domain = forms.ModelChoiceField(
        label=_("Life domain"),
        queryset=TaxonomyTerm.objects.filter(taxonomy=Taxonomy.LIFE_DOMAIN),
        required=False,
        empty_label=_("All life domains"),
        to_field_name="code",
    )
    group = forms.ModelChoiceField(
        label=_("Target group"),
        queryset=TaxonomyTerm.objects.filter(taxonomy=Taxonomy.TARGET_GROUP),
        required=False,
        empty_label=_("All target groups"),
        to_field_name="code",
    )
    age = forms.IntegerField(label=_("Age"), min_value=0, max_value=120, required=False)
    area = forms.CharField(
        label=_("Postcode or neighbourhood"),
        max_length=10,
        required=False,
        help_text=_("E.g. 8021 AB, or a CBS code like WK019301."),
    )
    stale = forms.BooleanField(label=_("Only entries due for a check"), required=False)

    def clean_area(self):
        area = self.cleaned_data["area"].replace(" ", "").upper()
        if not area:
            return ""
        if (len(area) in (4, 6) and area[:4].isdigit() and area[0] != "0" and area[4:].isalpha()) or (
            area[:2] in ("WK", "BU", "GM") and area[2:].isdigit() and len(area) in (6, 8, 10)
        ):
            return area
        raise ValidationError(_("Enter a postcode (8021 AB), its four digits, or a CBS code (WK019301)."))

    def params(self) -> dict:
        """What is valid of the search: the fields without an error."""
        cleaned = getattr(self, "cleaned_data", {})
        return {name: cleaned.get(name) for name in self.fields if name not in self.errors}


class CodeListField(forms.CharField):
    """A list of codes typed with spaces or commas ("WK019301, WK019302")."""

    def __init__(self, *args, validator, **kwargs):
        self.list_validator = validator
        super().__init__(*args, **kwargs)

    def prepare_value(self, value):
        return ", ".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        text = super().to_python(value) or ""
        return [code.strip().upper() for code in text.replace(",", " ").split() if code.strip()]

    def validate(self, value):
        if self.required and not value:
            raise ValidationError(self.error_messages["required"], code="required")
        self.list_validator(value)


def validate_known_area_codes(codes) -> None:
    """Well-formed CBS codes (the model's check), and wijken and buurten that exist where their
    municipality's list is loaded (areas.cbs)."""
    validate_area_codes(codes)
    cbs.refuse_unknown(codes)


class ServiceForm(forms.ModelForm):
    area_codes = CodeListField(
        label=_("Service area (CBS codes)"),
        required=False,
        validator=validate_known_area_codes,
        help_text=_("Municipality (GM0193), wijken (WK019301) or buurten; empty for everywhere."),
    )
    postcode_areas = CodeListField(
        label=_("Postcode areas"),
        required=False,
        validator=validate_postcode_areas,
        help_text=_("Four-digit postcode areas, e.g. 8021 8022; empty for everywhere."),
    )
    reason = forms.CharField(label=_("Reason for the change"), max_length=200, required=False)

    class Meta:
        model = Service
        fields = [
            "organisation",
            "name",
            "description",
            "status",
            "life_domains",
            "target_groups",
            "minimum_age",
            "maximum_age",
            "eligibility",
            "how_to_refer",
            "costs",
            "languages",
            "accessibility",
            "url",
            "email",
            "phone",
            "area_codes",
            "postcode_areas",
            "last_verified",
            "verification_months",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "eligibility": forms.Textarea(attrs={"rows": 2}),
            "how_to_refer": forms.Textarea(attrs={"rows": 3}),
            "life_domains": forms.CheckboxSelectMultiple,
            "target_groups": forms.CheckboxSelectMultiple,
            "last_verified": DateInput(),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.all()
        self.fields["life_domains"].queryset = TaxonomyTerm.objects.filter(taxonomy=Taxonomy.LIFE_DOMAIN)
        self.fields["target_groups"].queryset = TaxonomyTerm.objects.filter(taxonomy=Taxonomy.TARGET_GROUP)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Fieldset(_("What"), "organisation", "name", "description", "status", "life_domains"),
            Fieldset(
                _("For whom"),
                "target_groups",
                "minimum_age",
                "maximum_age",
                "eligibility",
                "area_codes",
                "postcode_areas",
            ),
            Fieldset(_("Access and costs"), "how_to_refer", "costs", "languages", "accessibility"),
            Fieldset(_("Reaching the service"), "url", "email", "phone"),
            Fieldset(_("Kept current"), "last_verified", "verification_months"),
            "reason",
            Submit("save", _("Save")),
        )


class ContactForm(forms.ModelForm, ExpertiseChoices):
    """A contact person, with their expertise as for team members: found by "Wie weet iets van…"."""

    reason = forms.CharField(label=_("Reason for the change"), max_length=200, required=False)

    class Meta:
        model = Contact
        fields = [
            "name",
            "role",
            "phone",
            "email",
            "domains",
            "methods",
            "client_groups",
            "languages",
            "note",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(*self.fields, Submit("save", _("Save")))


class LocationForm(forms.ModelForm):
    """A location of the service's organisation: address, whether it is confidential, and the
    area it serves (CBS codes, postcode areas)."""

    area_codes = CodeListField(
        label=_("Service area (CBS codes)"),
        required=False,
        validator=validate_known_area_codes,
        help_text=_(
            "Municipality (GM0193), wijken (WK019301) or buurten (BU01930101); empty: as the service."
        ),
    )
    postcode_areas = CodeListField(
        label=_("Postcode areas"),
        required=False,
        validator=validate_postcode_areas,
        help_text=_("Four-digit postcode areas, e.g. 8021 8022; empty: as the service."),
    )
    reason = forms.CharField(label=_("Reason for the change"), max_length=200, required=False)

    class Meta:
        model = Location
        fields = [
            "name",
            "street",
            "postcode",
            "city",
            "municipality_code",
            "confidential",
            "area_codes",
            "postcode_areas",
        ]

    def clean_postcode(self):
        postcode = self.cleaned_data["postcode"].strip().upper()
        if len(postcode) == 6 and postcode[:4].isdigit():
            postcode = f"{postcode[:4]} {postcode[4:]}"  # 8021AB as 8021 AB
        return postcode

    def clean_municipality_code(self):
        return self.cleaned_data["municipality_code"].strip().upper()


class TimeInput(forms.TimeInput):
    """The phone's own time picker (HH:MM)."""

    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class OpeningHoursForm(forms.ModelForm):
    """One weekly opening of a location (an HSDS schedule: weekday, opens, closes)."""

    class Meta:
        model = OpeningHours
        fields = ["weekday", "opens_at", "closes_at"]
        widgets = {"opens_at": TimeInput(), "closes_at": TimeInput()}

    def clean(self):
        cleaned = super().clean()
        opens, closes = cleaned.get("opens_at"), cleaned.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", _("The closing time must be later than the opening time."))
        return cleaned


OpeningHoursFormSet = forms.inlineformset_factory(
    Location,
    OpeningHours,
    form=OpeningHoursForm,
    extra=2,
    can_delete=True,
    max_num=21,
    absolute_max=28,
    validate_max=True,
)


class RemoveForm(forms.Form):
    """Why a location or a contact person is removed (kept in the history)."""

    reason = forms.CharField(label=_("Reason for the change"), max_length=200, required=False)


ACTIVE_SERVICE = _("Choose an active service of the social map.")


class ReferForm(forms.Form):
    """From a plan's action: which service of the social map it refers to, and what came of it."""

    service = forms.ModelChoiceField(
        label=_("Service"),
        queryset=Service.objects.exclude(status=Service.Status.INACTIVE).select_related("organisation"),
        required=False,
        empty_label=_("No service"),
        error_messages={"invalid_choice": ACTIVE_SERVICE},
    )
    outcome = forms.ChoiceField(
        label=_("Did the service help?"),
        choices=[("", _("Not known yet")), *ServiceOutcome.choices],
        required=False,
        error_messages={"invalid_choice": _("Choose what came of the referral from the list.")},
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("service") is None and cleaned.get("outcome") and "service" not in self.errors:
            self.add_error("service", _("Choose the service first."))
        return cleaned


class ServiceChoiceField(forms.ModelChoiceField):
    """A service picked from search results (radio buttons): its name and organisation."""

    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.organisation})"


class ReviewReferForm(forms.Form):
    """From a follow-up line of a case review: the service picked from the search results."""

    service = ServiceChoiceField(
        label=_("Service"),
        queryset=Service.objects.exclude(status=Service.Status.INACTIVE).select_related("organisation"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose a service from the results."),
            "invalid_choice": ACTIVE_SERVICE,
        },
    )


class UpdateAnswerForm(forms.Form):
    """What the organisation's contact answers through the link of an update request."""

    confirmed = forms.BooleanField(
        label=_("The entries above are correct"),
        required=False,
        help_text=_("Tick this when nothing needs to change."),
    )
    proposal = forms.CharField(
        label=_("What should change?"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=4000,
        required=False,
    )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("confirmed") and not (cleaned.get("proposal") or "").strip():
            raise ValidationError(_("Confirm the entries, or write what should change."))
        return cleaned
