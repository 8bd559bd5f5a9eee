"""Consult questions: the question (nothing else is suggested), and an answer in the thread."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout, Submit
from django import forms
from django.utils.translation import gettext_lazy as _


class ColleagueChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.username


class ConsultAskForm(forms.Form):
    question = forms.CharField(
        label=_("Your question"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Write only what the question needs: no names, addresses or dates of birth."),
    )
    addressed_to = ColleagueChoiceField(
        label=_("To"),
        queryset=None,
        required=False,
        empty_label=_("The whole team"),
    )
    link_household = forms.BooleanField(
        label=_("Link the household"),
        required=False,
        help_text=_("Only colleagues who may already see the household will see the link."),
    )

    def __init__(self, *args, colleagues, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["addressed_to"].queryset = colleagues
        self.helper = FormHelper()
        self.helper.layout = Layout(
            "question", "addressed_to", "link_household", Submit("save", _("Ask the question"))
        )


class ConsultAnswerForm(forms.Form):
    text = forms.CharField(label=_("Your answer"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout("text")
