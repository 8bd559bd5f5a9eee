"""Forms of the agenda: an appointment with a household, and cancelling one (with a reason)."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from cases.models import Appointment
from cases.services import lead_worker_choices, member_choices, needs_two_workers
from wijkteam.widgets import DateInput


class TimeInput(forms.TimeInput):
    """The phone's own time picker."""

    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class AppointmentForm(forms.ModelForm):
    class Meta:
        model = Appointment
        fields = ["kind", "date", "starts_at", "ends_at", "place", "workers", "persons", "purpose"]
        widgets = {
            "kind": forms.RadioSelect,
            "date": DateInput(),
            "starts_at": TimeInput(),
            "ends_at": TimeInput(),
            "workers": forms.CheckboxSelectMultiple,
            "persons": forms.CheckboxSelectMultiple,
            "purpose": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, household, user, submit_label=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["workers"].queryset = lead_worker_choices([household.team_id])
        member_choices(self.fields["persons"], household)
        self.fields["place"].help_text = _("Empty: at the household's address (%(address)s).") % {
            "address": household.address
        }
        # A household under a safety warning: the form says so and asks for a second worker
        # (the service refuses a visit with one; cases/services/agenda.py).
        self.needs_two = needs_two_workers(household, self.initial.get("kind") or Appointment.Kind.VISIT)
        if self.needs_two:
            self.fields["workers"].help_text = _(
                "This household has a safety warning: a visit is made by two workers. Choose a second one."
            )
        if not self.instance.pk:
            self.initial.setdefault("workers", [user.pk])
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(*self.Meta.fields, Submit("save", submit_label or _("Save")))

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The end must be after the start."))
        return cleaned


class CancelAppointmentForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the appointment cancelled?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
