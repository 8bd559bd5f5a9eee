"""The manager's forms: the team profile and a worker's position."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from areas import cbs
from teams.models import Organisation, Position, Team, User
from teams.services import MAY_HOLD_A_POSITION
from wijkteam.widgets import DateInput


class CodesField(forms.CharField):
    """A JSON list of codes, typed as comma-separated text."""

    def prepare_value(self, value):
        return ", ".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        return [part.strip().upper() for part in (value or "").split(",") if part.strip()]


class TeamProfileForm(forms.ModelForm):
    target_groups = forms.MultipleChoiceField(
        label=_("Target groups"),
        choices=Team.TargetGroup.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    aims = forms.MultipleChoiceField(
        label=_("Aims"), choices=Team.Aim.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    area_codes = CodesField(
        label=_("Area (CBS wijk and buurt codes)"),
        required=False,
        help_text=_("Comma-separated, e.g. WK019330, BU01933000."),
    )
    postcode_areas = CodesField(
        label=_("Postcode areas (PC4)"), required=False, help_text=_("Comma-separated, e.g. 8021, 8022.")
    )
    reason = forms.CharField(label=_("Reason for the change"), max_length=200, required=False)

    class Meta:
        model = Team
        fields = [
            "phone",
            "target_groups",
            "target_groups_other",
            "aims",
            "aims_other",
            "participating_organisations",
            "funders",
            "funded_from",
            "funded_until",
            "area_codes",
            "area_codes_year",
            "postcode_areas",
            "support_group",
            "support_rhythm",
            "plan_approval_required",
        ]
        widgets = {
            "participating_organisations": forms.CheckboxSelectMultiple,
            "funded_from": DateInput(),
            "funded_until": DateInput(),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participating_organisations"].queryset = Organisation.objects.all()
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Fieldset(
                _("Who the team serves, and to what end"),
                "target_groups",
                "target_groups_other",
                "aims",
                "aims_other",
            ),
            Fieldset(
                _("With whom, funded by whom"),
                "participating_organisations",
                "funders",
                "funded_from",
                "funded_until",
            ),
            Fieldset(_("Area"), "area_codes", "area_codes_year", "postcode_areas"),
            Fieldset(_("Working together"), "support_group", "support_rhythm", "plan_approval_required"),
            Fieldset(_("How partners reach the team"), "phone"),
            "reason",
            Submit("save", _("Save")),
        )

    def clean_area_codes(self):
        """Wijken and buurten of the team's own municipality that exist (areas.cbs)."""
        codes = self.cleaned_data["area_codes"]
        malformed = [code for code in codes if not cbs.kind_of(code)]
        if malformed:
            raise forms.ValidationError(
                _("Not a CBS wijk (WK + 6 digits) or buurt (BU + 8 digits) code: %(codes)s.")
                % {"codes": ", ".join(malformed)}
            )
        cbs.refuse_unknown(codes, self.instance.municipality)
        return codes

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("funded_from"), cleaned.get("funded_until")
        if start and end and end < start:
            self.add_error("funded_until", _("The funding cannot end before it starts."))
        return cleaned


class PositionForm(forms.ModelForm):
    reason = forms.CharField(label=_("Reason for the change"), max_length=200, required=False)

    class Meta:
        model = Position
        fields = [
            "user",
            "employer",
            "access_role",
            "professional_role",
            "membership",
            "accountable_to",
            "hours_per_week",
            "support_group",
            "active_from",
            "active_until",
        ]
        widgets = {"active_from": DateInput(), "active_until": DateInput()}

    def __init__(self, *args, by: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employer"].queryset = Organisation.objects.filter(is_employer=True)
        user = self.fields["user"]
        if self.instance.pk:
            user.queryset = User.objects.filter(pk=self.instance.user_id)
            user.disabled = True
        else:
            # Any active account may be posted: teams.services.position_save refuses (at this
            # field, with its reason) what separation of duties forbids. The list offers only
            # the accounts it allows.
            user.queryset = User.objects.filter(is_active=True).order_by("first_name", "last_name")
            offered = forms.ModelChoiceField(
                queryset=user.queryset.filter(MAY_HOLD_A_POSITION).exclude(pk=by.pk),
                empty_label=user.empty_label,
            )
            user.widget.choices = offered.choices
        self.helper = FormHelper()
        self.helper.layout = Layout(*self.fields, Submit("save", _("Save")))


class NotificationSettingsForm(forms.ModelForm):
    """How often the user gets the e-mail with what is new, and in which language."""

    class Meta:
        model = User
        fields = ["digest", "mail_language"]
        widgets = {"digest": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class ExpertiseChoices(forms.Form):
    """The four lists of an expertise profile (teams/expertise.py), as checkboxes: a worker's own
    (ExpertiseForm) and a contact person's in the social map (directory.forms.ContactForm)."""

    domains = forms.MultipleChoiceField(
        label=_("Life domains"), required=False, widget=forms.CheckboxSelectMultiple
    )
    methods = forms.MultipleChoiceField(
        label=_("Methods"), required=False, widget=forms.CheckboxSelectMultiple
    )
    client_groups = forms.MultipleChoiceField(
        label=_("Client groups"), required=False, widget=forms.CheckboxSelectMultiple
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, **kwargs):
        from teams import expertise

        super().__init__(*args, **kwargs)
        for name, choices in expertise.KINDS.items():
            self.fields[name].choices = [(code, str(label)) for code, label in choices()]


class ExpertiseForm(ExpertiseChoices):
    """An expertise profile: checkboxes, and a short free text."""

    note = forms.CharField(
        label=_("More about my expertise"),
        required=False,
        max_length=300,
        help_text=_("Short, e.g. 'hoarding' or 'the rules of the Participatiewet'."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            "domains", "methods", "client_groups", "languages", "note", Submit("save", _("Save"))
        )

    @classmethod
    def of(cls, profile, data=None):
        """The form for a stored profile (or an empty one)."""
        initial = {}
        if profile is not None:
            initial = {
                name: getattr(profile, name)
                for name in ("domains", "methods", "client_groups", "languages", "note")
            }
        return cls(data, initial=initial)


class WhoKnowsForm(forms.Form):
    """ "Wie weet iets van…": words, or a life domain, method, client group or language."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    domain = forms.ChoiceField(label=_("Life domain"), required=False)
    method = forms.ChoiceField(label=_("Method"), required=False)
    group = forms.ChoiceField(label=_("Client group"), required=False)
    language = forms.ChoiceField(label=_("Language"), required=False)

    def __init__(self, *args, **kwargs):
        from teams import expertise

        super().__init__(*args, **kwargs)
        for name, kind in (
            ("domain", "domains"),
            ("method", "methods"),
            ("group", "client_groups"),
            ("language", "languages"),
        ):
            self.fields[name].choices = [("", _("All"))] + [
                (code, str(label)) for code, label in expertise.KINDS[kind]()
            ]

    def filters(self) -> dict:
        """The valid filters (an invalid one, from the address bar, is left out)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value}
