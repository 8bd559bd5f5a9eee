"""Forms of the worker on the road: a contact attempt (quick or with details), a safety warning,
a decision about a household out of contact, closing and reopening a household.
"""

import datetime

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout, Submit
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Appointment, Contact, EndResult, FollowUpDecision, SafetyWarning
from cases.services import lead_worker_choices, member_choices, todays_appointments
from teams.models import Organisation
from wijkteam.widgets import DateInput, RadioSelect

# A contact logged this close to (or after) the start of today's one appointment is its contact.
NEAR = datetime.timedelta(hours=1)
# The quick buttons of the contact form: one tap logs the most common outcomes.
QUICK = {
    "card_left": (Contact.Kind.CARD_LEFT, False, _("Not home, card left")),
    "not_home": (Contact.Kind.HOME_VISIT, False, _("Not home")),
    "no_answer": (Contact.Kind.PHONE, False, _("Phone, no answer")),
    "spoken": (Contact.Kind.HOME_VISIT, True, _("Spoken at the door")),
}


class ContactForm(forms.ModelForm):
    """A contact attempt. A quick button sets kind and reached itself; the rest is optional."""

    # Today's planned appointment this contact fulfils (cases/services/agenda.py): preselected
    # when there is exactly one, so a quick button at a planned visit links the two.
    appointment = forms.ModelChoiceField(
        label=_("Appointment"), queryset=Appointment.objects.none(), required=False, empty_label=_("None")
    )

    class Meta:
        model = Contact
        fields = ["kind", "reached", "at", "workers", "persons", "note", "next_step", "follow_up_on"]
        widgets = {
            "at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "workers": forms.CheckboxSelectMultiple,
            "persons": forms.CheckboxSelectMultiple,
            "note": forms.Textarea(attrs={"rows": 2}),
            "follow_up_on": DateInput(),
        }

    def __init__(self, *args, household, user, quick=None, preloaded=None, **kwargs):
        """`preloaded`: the rows the choices show, read already with the page's other lists
        ({"workers": lead_worker_choices, "members": the members, "today": todays_appointments}):
        the form then shows them without a query of its own, and still validates against the
        querysets."""
        if quick in QUICK and args and args[0] is not None:
            # A quick button logs "now, by me" unless the details say otherwise.
            data = args[0].copy()
            data["kind"], reached, _label = QUICK[quick]
            data["reached"] = "on" if reached else ""
            if not data.get("at"):
                data["at"] = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
            if not data.getlist("workers"):
                data.setlist("workers", [str(user.pk)])
            args = (data, *args[1:])
        super().__init__(*args, **kwargs)
        self.fields["at"].input_formats = ["%Y-%m-%dT%H:%M", "%d-%m-%Y %H:%M"]
        self.fields["kind"].required = True
        self.fields["workers"].queryset = lead_worker_choices([household.team_id])
        member_choices(self.fields["persons"], household)
        self.fields["appointment"].queryset = todays_appointments(household)
        if preloaded is not None:
            for name, objects in (("workers", "workers"), ("persons", "members"), ("appointment", "today")):
                show_choices(self.fields[name], preloaded[objects])
            today = list(preloaded["today"])
        else:
            today = list(todays_appointments(household))
        if not today:
            del self.fields["appointment"]
        elif len(today) == 1 and not self.is_bound and today[0].starts <= timezone.now() + NEAR:
            self.initial["appointment"] = today[0].pk
        if not self.is_bound:
            self.initial.setdefault("at", timezone.localtime().replace(second=0, microsecond=0))
            self.initial.setdefault("workers", [user.pk])
            self.initial.setdefault("kind", Contact.Kind.HOME_VISIT)

    def clean_at(self):
        value = self.cleaned_data["at"]
        if value and value > timezone.now() + datetime.timedelta(minutes=5):
            raise forms.ValidationError(
                _("A contact cannot be in the future. Plan it as a follow-up instead.")
            )
        return value


def show_choices(field: forms.ModelChoiceField, objects) -> None:
    """Show these objects (read already) as the field's choices, as its queryset would."""
    iterator = field.iterator(field)
    empty = [("", field.empty_label)] if getattr(field, "empty_label", None) is not None else []
    field.choices = empty + [iterator.choice(obj) for obj in objects]


class SafetyWarningForm(forms.ModelForm):
    advice = forms.MultipleChoiceField(
        label=_("Advice"),
        choices=SafetyWarning.Advice.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = SafetyWarning
        fields = ["incident", "incident_on", "description", "advice", "advice_note", "active_until"]
        widgets = {
            "incident_on": DateInput(),
            "active_until": DateInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["active_until"].help_text = _("Empty: until someone ends it, with a reason.")
        self.helper = FormHelper()
        self.helper.layout = Layout(*self.Meta.fields, Submit("save", _("Save")))

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("advice") and not cleaned.get("advice_note"):
            self.add_error("advice", _("Give at least one piece of advice for colleagues."))
        until = cleaned.get("active_until")
        if until and until < timezone.localdate():
            self.add_error("active_until", _("Choose a date from today on."))
        return cleaned


class WarningEndForm(forms.Form):
    reason = forms.CharField(
        label=_("Why does the warning end?"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class FollowUpDecisionForm(forms.ModelForm):
    class Meta:
        model = FollowUpDecision
        fields = ["kind", "next_kind", "next_part_of_day", "revisit_on", "note"]
        widgets = {
            "kind": RadioSelect,
            "revisit_on": DateInput(),
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["next_kind"].help_text = _("Try another kind of contact or another part of the day.")
        self.fields["revisit_on"].initial = timezone.localdate() + datetime.timedelta(days=14)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == FollowUpDecision.Kind.TRY_AGAIN and not cleaned.get("next_kind"):
            self.add_error("next_kind", _("How will the next attempt be made?"))
        revisit = cleaned.get("revisit_on")
        if revisit and revisit <= timezone.localdate():
            self.add_error("revisit_on", _("Choose a date after today."))
        return cleaned


class CloseHouseholdForm(forms.Form):
    end_result = forms.ChoiceField(label=_("End result"), choices=EndResult.choices)
    handed_over_to = forms.ModelChoiceField(
        label=_("Handed over to"),
        queryset=Organisation.objects.all(),
        required=False,
        empty_label=_("Only for a handover"),
    )
    reason = forms.CharField(
        label=_("Explanation"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
    cancel_open_actions = forms.BooleanField(
        label=_("Cancel the plan's open actions"),
        required=False,
        help_text=_("Needed when the plan still has open actions."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(*self.fields, Submit("close", _("Close the household")))


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Why reopen?"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout("reason", Submit("reopen", _("Reopen")))
