"""The manager's forms for the API clients of their teams' partners (mandates/api_clients.py)."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from api import webhooks
from api.models import SCOPES, ApiClient, default_scopes


def _reason():
    return forms.CharField(
        label=_("Reason"),
        max_length=200,
        help_text=_("Kept in the history with your name and the time."),
    )


def _scopes():
    return forms.MultipleChoiceField(
        label=_("May"),
        choices=list(SCOPES.items()),
        widget=forms.CheckboxSelectMultiple,
        initial=default_scopes,
        help_text=_(
            "Contact persons of the social map are professional data: only for partners that need them."
        ),
    )


class WebhookUrlField(forms.URLField):
    """https (or http to this machine where allowed), not an internal address: api.webhooks."""

    def __init__(self, **kwargs):
        super().__init__(
            label=_("Webhook URL"),
            max_length=500,
            required=False,
            assume_scheme="https",
            help_text=_("Where the partner's system receives status changes and new feedback. Optional."),
            **kwargs,
        )

    def validate(self, value):
        super().validate(value)
        if value:
            webhooks.check_url(value)


class ApiClientForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Partner organisation"), queryset=None)
    name = forms.CharField(
        label=_("Name of the system"), max_length=100, help_text=_("E.g. the name of the partner's system.")
    )
    scopes = _scopes()
    webhook_url = WebhookUrlField()
    reason = _reason()

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations.order_by("name")
        self.helper = FormHelper()
        self.helper.layout = Layout(*self.fields, Submit("save", _("Make the client")))


class WebhookForm(forms.Form):
    webhook_url = WebhookUrlField()
    reason = _reason()

    def __init__(self, *args, client: ApiClient, **kwargs):
        super().__init__(*args, initial={"webhook_url": client.webhook_url}, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(*self.fields, Submit("save", _("Save")))


class ScopesForm(forms.Form):
    scopes = _scopes()
    reason = _reason()

    def __init__(self, *args, client: ApiClient, **kwargs):
        super().__init__(*args, initial={"scopes": list(client.scopes)}, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(*self.fields, Submit("save", _("Save")))


class RotateForm(forms.Form):
    CLIENT, WEBHOOK = "client", "webhook"
    which = forms.ChoiceField(
        label=_("Which secret"),
        choices=[
            (CLIENT, _("The client secret (for tokens)")),
            (WEBHOOK, _("The webhook secret (signs events)")),
        ],
        widget=forms.RadioSelect,
        help_text=_("The old secret stops working at once. The new one is shown once."),
    )
    reason = _reason()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(*self.fields, Submit("save", _("Make a new secret")))


class RevokeForm(forms.Form):
    reason = _reason()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(*self.fields, Submit("save", _("Revoke at once"), css_class="btn-danger"))


def add_errors(form: forms.Form, error: ValidationError) -> None:
    """A service's refusal at the field it names, else above the form."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error)
