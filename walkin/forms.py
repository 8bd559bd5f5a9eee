from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Layout, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from cases import zrm
from cases.validators import format_phone
from directory.models import Location, Service
from teams.models import Team
from walkin.models import Visit, WalkInHour
from walkin.services import staff_choices
from wijkteam.widgets import DateInput


class RecordForm(forms.Form):
    """The hour page's one-tap form: the topic is the button tapped, kind and outcome the chips."""

    topic = forms.ModelChoiceField(queryset=None, label=_("Topic"))
    kind = forms.ChoiceField(
        choices=Visit.Kind.choices, initial=Visit.Kind.QUESTION, label=_("Kind"), required=False
    )
    outcome = forms.ChoiceField(
        choices=Visit.Outcome.choices, initial=Visit.Outcome.ANSWERED, label=_("Outcome"), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].queryset = zrm.domains()

    # A chip left out of the POST (an old page, a script) counts as its default.
    def clean_kind(self):
        return self.cleaned_data["kind"] or Visit.Kind.QUESTION

    def clean_outcome(self):
        return self.cleaned_data["outcome"] or Visit.Outcome.ANSWERED


class VisitForm(forms.ModelForm):
    """A visit after the tap: how it ended, where to, a short note, and only when the visitor
    wants more help their name and phone number."""

    class Meta:
        model = Visit
        fields = ["outcome", "referred_to", "note", "name", "phone"]
        widgets = {
            "outcome": forms.RadioSelect,
            "referred_to": forms.RadioSelect,
            "name": forms.TextInput(attrs={"autocomplete": "off"}),
        }
        help_texts = {"name": _("Only when the visitor wants more help.")}

    def __init__(self, *args, found=(), **kwargs):
        super().__init__(*args, **kwargs)
        referred = self.fields["referred_to"]
        referred.queryset = Service.objects.exclude(status=Service.Status.INACTIVE)
        referred.required = False
        # The choices shown: what the search found, and the service chosen before.
        shown = list(found)
        current = self.instance.referred_to if self.instance.referred_to_id else None
        if current is not None and current not in shown:
            shown.insert(0, current)
        referred.widget.choices = [
            ("", _("No service")),
            *((s.pk, f"{s.name} ({s.organisation})") for s in shown),
        ]
        if self.instance.phone and not self.is_bound:
            self.initial["phone"] = format_phone(self.instance.phone)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("referred_to") and cleaned.get("outcome") != Visit.Outcome.REFERRED:
            self.add_error("outcome", _("Choose 'referred' to name a service."))
        return cleaned


class HourForm(forms.ModelForm):
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none())
    reason = forms.CharField(label=_("Reason for the change"), max_length=100, required=False)

    class Meta:
        model = WalkInHour
        fields = [
            "team",
            "place",
            "address",
            "location",
            "weekday",
            "starts_at",
            "ends_at",
            "staff",
            "active",
            "note",
        ]
        widgets = {
            "starts_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "ends_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "staff": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        team_ids = [team.pk for team in teams]
        if self.instance.pk:
            team_ids = [self.instance.team_id]
            del self.fields["team"]
        else:
            self.fields["team"].queryset = Team.objects.filter(pk__in=team_ids)
            if len(team_ids) == 1:
                self.fields["team"].initial = team_ids[0]
                self.fields["team"].widget = forms.HiddenInput()
        self.fields["staff"].queryset = staff_choices(team_ids)
        self.fields["location"].queryset = Location.objects.filter(confidential=False).select_related(
            "organisation"
        )
        self.fields["location"].empty_label = _("Not on the social map")
        self.helper = FormHelper()
        self.helper.layout = Layout(
            *(["team"] if "team" in self.fields else []),
            "place",
            "address",
            "location",
            Div(
                Div("weekday", css_class="col-12 col-md-4"),
                Div("starts_at", css_class="col-6 col-md-4"),
                Div("ends_at", css_class="col-6 col-md-4"),
                css_class="row",
            ),
            "staff",
            "active",
            "note",
            "reason",
            Submit("save", _("Save")),
        )

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The end must be after the start."))
        return cleaned


class PeriodForm(forms.Form):
    """The figures' period: dd-mm-jjjj, the last three months by default."""

    start = forms.DateField(label=_("From"), widget=DateInput(), required=False)
    end = forms.DateField(label=_("Until"), widget=DateInput(), required=False)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end must be after the start."))
        return cleaned
