"""The handover form (issue 23): one colleague for everything, or one per item, and one reason."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.services import handover as service
from teams.models import Cover
from wijkteam.widgets import DateInput

KEEP = "keep"


def colleague_label(user) -> str:
    """A colleague as in triage: name, professional role, how many open households they lead."""
    role = getattr(user, "professional_role", "") or ""
    return _("%(name)s (%(role)s%(sep)s%(count)s open households)") % {
        "name": user.get_full_name() or user.username,
        "role": role.replace("_", " "),
        "sep": ", " if role else "",
        "count": getattr(user, "caseload", 0),
    }


class HandoverForm(forms.Form):
    to = forms.ChoiceField(
        label=_("Hand everything over to"),
        required=False,
        help_text=_("Per item below you can choose someone else, or keep it where it is."),
    )
    reason = forms.CharField(
        label=_("Why"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One reason for the whole handover, e.g. 'left the team' or 'ill until further notice'."),
    )

    def __init__(self, *args, colleagues, holdings: service.Holdings, from_user, **kwargs):
        super().__init__(*args, **kwargs)
        colleagues = [user for user in colleagues if user.pk != from_user.pk]
        self.colleagues = {user.pk: user for user in colleagues}
        people = [(str(user.pk), colleague_label(user)) for user in colleagues]
        self.fields["to"].choices = [("", _("Choose per item")), *people]
        choices = [("", _("As above")), (KEEP, _("Do not hand over")), *people]
        self.items = []
        for kind, obj in holdings.items():
            name = f"{kind}-{obj.pk}"
            self.fields[name] = forms.ChoiceField(label=str(obj), choices=choices, required=False)
            self.items.append((kind, obj, name))

    def clean(self):
        cleaned = super().clean()
        bulk = self.colleagues.get(int(cleaned["to"])) if cleaned.get("to") else None
        moves = []
        for kind, obj, name in self.items:
            choice = cleaned.get(name, "")
            if choice == KEEP:
                continue
            receiver = self.colleagues.get(int(choice)) if choice else bulk
            if receiver is None:
                self.add_error(name, _("Choose who takes this over, or 'Do not hand over'."))
                continue
            moves.append((kind, obj, receiver))
        if not moves and not self.errors:
            raise forms.ValidationError(_("Nothing to hand over: choose a colleague."))
        cleaned["moves"] = moves
        return cleaned


class CoverForm(forms.ModelForm):
    """A colleague stands in for the absent worker for a period (leave, illness)."""

    cover = forms.ChoiceField(label=_("Covered by"))

    class Meta:
        model = Cover
        fields = ["cover", "starts_on", "ends_on", "reason"]
        widgets = {"starts_on": DateInput(), "ends_on": DateInput()}

    def __init__(self, *args, colleagues, absent, **kwargs):
        super().__init__(*args, **kwargs)
        self.colleagues = {user.pk: user for user in colleagues if user.pk != absent.pk}
        self.fields["cover"].choices = [("", "---------")] + [
            (str(user.pk), colleague_label(user)) for user in self.colleagues.values()
        ]
        self.fields["reason"].help_text = _("E.g. 'leave until 15-12' or 'ill'.")
        self.fields["ends_on"].help_text = _("The cover ends by itself after this day.")

    def clean_cover(self):
        return self.colleagues[int(self.cleaned_data["cover"])]
