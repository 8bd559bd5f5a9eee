"""Forms of the signal flow: intake (partner and coordinator) and the triage decisions."""

import uuid

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Fieldset, Layout, Submit
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Referral
from teams.models import Organisation, Position, Team, User
from wijkteam.widgets import DateInput

SUBJECT_LAYOUT = Fieldset(
    _("About whom"),
    Div(
        Div("subject_first_name", css_class="col-12 col-md-4"),
        Div("subject_last_name_prefix", css_class="col-4 col-md-2"),
        Div("subject_last_name", css_class="col-8 col-md-6"),
        css_class="row",
    ),
    Div(Div("subject_birth_date", css_class="col-6"), Div("subject_bsn", css_class="col-6"), css_class="row"),
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
        Div("guardian_name", css_class="col-12 col-md-8"),
        Div("guardian_relation", css_class="col-12 col-md-4"),
        css_class="row",
    ),
    Field("family_aware"),
)
CONCERN_LAYOUT = Fieldset(
    _("Your concern"),
    Field("urgency"),
    "concern",
    "request",
    "warm_handover",
    "prior_information",
    "prior_information_confidentiality",
)
SENDER_LAYOUT = Fieldset(
    _("Contact person"),
    Div(
        Div("sender_name", css_class="col-12 col-md-4"),
        Div("sender_phone", css_class="col-6 col-md-4"),
        Div("sender_email", css_class="col-6 col-md-4"),
        css_class="row",
    ),
)


class ReferralForm(forms.ModelForm):
    """What every signal asks, whoever enters it; a server-issued submission id against double submits."""

    submission_id = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)

    class Meta:
        model = Referral
        fields = [
            "urgency",
            "concern",
            "request",
            "warm_handover",
            "prior_information",
            "prior_information_confidentiality",
            "subject_first_name",
            "subject_last_name_prefix",
            "subject_last_name",
            "subject_birth_date",
            "subject_bsn",
            "street",
            "house_number",
            "house_number_addition",
            "postcode",
            "city",
            "guardian_name",
            "guardian_relation",
            "family_aware",
            "sender_name",
            "sender_phone",
            "sender_email",
        ]
        widgets = {
            "urgency": forms.RadioSelect,
            "family_aware": forms.RadioSelect,
            "concern": forms.Textarea(attrs={"rows": 4}),
            "request": forms.Textarea(attrs={"rows": 2}),
            "prior_information": forms.Textarea(attrs={"rows": 2}),
            "subject_birth_date": DateInput(),
            "subject_bsn": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
            "house_number": forms.NumberInput(attrs={"inputmode": "numeric"}),
            "postcode": forms.TextInput(attrs={"autocapitalize": "characters"}),
            "sender_phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["concern"].required = True
        self.fields["sender_name"].required = True
        self.fields["guardian_relation"].choices = [("", _("Not given")), *Referral.GuardianRelation.choices]
        # Entered later by the coordinator: unknown unless they say otherwise.
        self.fields["family_aware"].required = False
        self.helper = FormHelper()

    def clean(self):
        cleaned = super().clean()
        has_name = bool(cleaned.get("subject_last_name"))
        has_address = bool(cleaned.get("postcode") and cleaned.get("house_number"))
        if not has_name and not has_address and "subject_last_name" not in self.errors:
            self.add_error(
                "subject_last_name",
                _("Give a last name, or a postcode and house number, so the team can find the household."),
            )
        return cleaned


class PartnerReferralForm(ReferralForm):
    """The partner's short form. The team follows from the postcode; without one, they choose."""

    team = forms.ModelChoiceField(
        label=_("Neighbourhood team"),
        queryset=Team.objects.select_related("municipality").order_by("municipality__name", "name"),
        required=False,
        empty_label=_("Chosen from the postcode"),
        help_text=_("Only needed when the address is unknown or outside the teams' postcode areas."),
    )

    class Meta(ReferralForm.Meta):
        fields = [*ReferralForm.Meta.fields, "partner_label"]

    def __init__(self, *args, team_for_postcode, **kwargs):
        super().__init__(*args, **kwargs)
        self.team_for_postcode = team_for_postcode
        self.fields["team"].label_from_instance = lambda team: f"{team.municipality.name} – {team.name}"
        # The sender says whether the family knows: no answer chosen for them.
        self.fields["family_aware"].required = True
        self.initial.pop("family_aware", None)
        self.fields["family_aware"].error_messages["required"] = _(
            "Say whether the family knows of this signal (or that you do not know)."
        )
        self.helper.layout = Layout(
            "partner_label",
            CONCERN_LAYOUT,
            SUBJECT_LAYOUT,
            "team",
            SENDER_LAYOUT,
            "submission_id",
            Submit("send", _("Send signal"), css_class="w-100 w-md-auto"),
        )

    def clean(self):
        cleaned = super().clean()
        routed = self.team_for_postcode(cleaned.get("postcode") or "")
        if routed is not None:
            cleaned["team"] = routed
        elif cleaned.get("team") is None and "postcode" not in self.errors:
            self.add_error(
                "team",
                _("No team covers this postcode (or no address was given): choose the team yourself."),
            )
        if cleaned.get("team") is not None:
            self.instance.team = cleaned["team"]
        return cleaned


class CoordinatorReferralForm(ReferralForm):
    """A signal received by phone, e-mail or letter, entered by the coordinator."""

    class Meta(ReferralForm.Meta):
        fields = ["team", "channel", "received_at", "sender_organisation", *ReferralForm.Meta.fields]
        widgets = {
            **ReferralForm.Meta.widgets,
            "received_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        }

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.filter(pk__in=[team.pk for team in teams])
        self.fields["team"].empty_label = None
        if len(teams) == 1:
            self.fields["team"].initial = teams[0]
            self.fields["team"].widget = forms.HiddenInput()
        self.fields["channel"].choices = [
            choice for choice in Referral.Channel.choices if choice[0] != Referral.Channel.PORTAL
        ]
        self.fields["channel"].initial = Referral.Channel.PHONE
        self.fields["received_at"].initial = timezone.localtime().replace(second=0, microsecond=0)
        self.fields["received_at"].input_formats = ["%Y-%m-%dT%H:%M", "%d-%m-%Y %H:%M"]
        self.fields["sender_organisation"].queryset = Organisation.objects.filter(is_partner=True)
        self.fields["sender_organisation"].empty_label = _("None (resident or own observation)")
        self.fields["sender_name"].required = False
        self.helper.layout = Layout(
            "team",
            Div(
                Div("channel", css_class="col-12 col-md-4"),
                Div("received_at", css_class="col-12 col-md-4"),
                Div("sender_organisation", css_class="col-12 col-md-4"),
                css_class="row",
            ),
            SENDER_LAYOUT,
            CONCERN_LAYOUT,
            SUBJECT_LAYOUT,
            "submission_id",
            Submit("save", _("Register signal")),
        )

    def clean(self):
        cleaned = super().clean()
        without_sender = {Referral.Channel.SELF_REFERRAL, Referral.Channel.OWN_OBSERVATION}
        if cleaned.get("channel") not in without_sender and not cleaned.get("sender_organisation"):
            self.add_error(
                "sender_organisation",
                _("Which organisation sent this signal? Only a self-referral or own observation has none."),
            )
        received = cleaned.get("received_at")
        if received and received > timezone.now():
            self.add_error("received_at", _("A signal cannot be received in the future."))
        return cleaned


def worker_label(worker) -> str:
    role = Position.ProfessionalRole(worker.professional_role).label if worker.professional_role else ""
    caseload = _("%(count)s open households") % {"count": worker.caseload}
    return " · ".join(str(part) for part in (worker, role, caseload, *expertise_parts(worker)) if part)


def expertise_parts(worker) -> list[str]:
    """The worker's life domains and languages, when the query fetched their expertise with them
    (select_related("expertise"): never a query per worker)."""
    if not User.expertise.related.is_cached(worker):
        return []
    profile = getattr(worker, "expertise", None)  # None: no profile (cached as such)
    if profile is None:
        return []
    return [", ".join(profile.domain_names()), ", ".join(profile.language_names())]


class WorkerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return worker_label(obj)


class AcceptForm(forms.Form):
    """Link the signal to a proposed household (or a new one) and, optionally, assign at once."""

    NEW = "new"

    household = forms.CharField(label=_("Household"), error_messages={"required": _("Choose a household.")})
    worker = WorkerChoiceField(
        label=_("Assign to"), queryset=None, required=False, empty_label=_("Assign later")
    )
    reason = forms.CharField(label=_("Note (optional)"), max_length=500, required=False)

    def __init__(self, *args, households, workers, **kwargs):
        super().__init__(*args, **kwargs)
        self.households = households  # open households of the team the user may see
        self.fields["worker"].queryset = workers

    def clean_household(self):
        value = self.cleaned_data["household"]
        if value == self.NEW:
            return None
        try:
            household = self.households.filter(pk=uuid.UUID(value)).first()
        except ValueError:
            household = None
        if household is None:
            raise forms.ValidationError(_("Choose one of the households shown, or a new household."))
        return household


class AssignForm(forms.Form):
    worker = WorkerChoiceField(label=_("Assign to"), queryset=None, empty_label=None)

    def __init__(self, *args, workers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = workers


class ReassignForm(AssignForm):
    current = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Why another worker?"), max_length=500)


class DeclineForm(forms.Form):
    reason_code = forms.ChoiceField(label=_("Reason"), choices=Referral.DeclineReason.choices)
    reason = forms.CharField(
        label=_("Explanation"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "The sender reads the reason if the mandate allows more than the status, and this "
            "explanation only with full feedback. The sender can add information to a declined signal."
        ),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("reason_code") == Referral.DeclineReason.OTHER and not cleaned.get("reason"):
            self.add_error("reason", _("Explain the reason when you choose 'Other'."))
        return cleaned


class SupplementForm(forms.Form):
    """The sender's answer to a decline: more information on the same signal."""

    message = forms.CharField(
        label=_("What you add"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Answer the team's question or say what has changed. The team reads it on the signal."),
        error_messages={"required": _("Write the information you want to add.")},
    )


class ForwardForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Forward to"), queryset=Organisation.objects.all(), empty_label=_("Choose an organisation")
    )
    reason = forms.CharField(
        label=_("Why this organisation?"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class MergeForm(forms.Form):
    """Choose one of the proposed earlier signals (a list given by the view, no query here)."""

    into = forms.TypedChoiceField(label=_("Earlier signal"), coerce=uuid.UUID)
    reason = forms.CharField(label=_("Note (optional)"), max_length=500, required=False)

    def __init__(self, *args, targets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["into"].choices = [
            (str(r.pk), f"{r.reference} · {timezone.localtime(r.received_at):%d-%m-%Y} · {r.sender_label}")
            for r in targets
        ]


class CloseForm(forms.Form):
    end_result = forms.ChoiceField(label=_("End result"), choices=Referral.EndResult.choices)
    reason = forms.CharField(
        label=_("Explanation"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class InterestsForm(forms.ModelForm):
    class Meta:
        model = Referral
        fields = ["household_view", "professional_judgement"]
        widgets = {
            "household_view": forms.Textarea(attrs={"rows": 3}),
            "professional_judgement": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout("household_view", "professional_judgement", Submit("save", _("Save")))


class TaskDoneForm(forms.Form):
    note = forms.CharField(
        label=_("What was done"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("E.g. 'Called the GP and the school; they agreed who does what.'"),
    )
