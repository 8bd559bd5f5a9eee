"""A journal entry (notitie): one text field."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from cases.models import Note


class NoteForm(forms.ModelForm):
    prefix = "note"

    class Meta:
        model = Note
        fields = ["text"]
        labels = {"text": _("What did you learn?")}
        help_texts = {"text": _("E.g. 'Spoke to the neighbour: mother is in hospital.'")}
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout("text", Submit("save", _("Save note")))
