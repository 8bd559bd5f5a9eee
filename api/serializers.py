"""The JSON shapes of the API: strict about types on the way in, nothing of households out.

A signal sent in is checked here for its JSON types only (a string is a string, a number a
number, no unknown fields); its content is validated by the partner's own web form
(cases.forms.PartnerReferralForm), so the API and the form accept and refuse the same signals.
"""

import datetime
import uuid

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cases.models import Referral
from cases.workflow import PartnerStatus


def _max_length(name: str) -> int | None:
    return Referral._meta.get_field(name).max_length


class Text(serializers.CharField):
    """A JSON string and nothing else (no number or list turned into text)."""

    def __init__(self, name: str, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_blank", True)
        kwargs.setdefault("trim_whitespace", False)  # the form trims, as for the web form
        super().__init__(max_length=_max_length(name), **kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class Whole(serializers.IntegerField):
    """A JSON integer (not a string, a float or a boolean)."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class Flag(serializers.BooleanField):
    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid")
        return data


class Id(serializers.UUIDField):
    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid", value="")
        return super().to_internal_value(data)


class Day(serializers.DateField):
    def __init__(self, **kwargs):
        super().__init__(input_formats=["iso-8601"], **kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid", format="YYYY-MM-DD")
        return super().to_internal_value(data)


def _choice(name: str, **kwargs):
    field = Referral._meta.get_field(name)
    return serializers.ChoiceField(choices=field.choices, default=field.default, **kwargs)


class SignalIn(serializers.Serializer):
    """A new signal: the fields of the partner's web form."""

    submission_id = Id(
        help_text=_(
            "A UUID your system makes for this signal. Sending it again (a retry) returns the "
            "signal already made; the same id with other content is refused (409)."
        )
    )
    urgency = _choice("urgency")
    concern = Text("concern", required=True, allow_blank=False, help_text=_("What worries you."))
    request = Text("request", help_text=_("What you ask the team to change."))
    warm_handover = Flag(required=False, default=False)
    prior_information = Text("prior_information")
    prior_information_confidentiality = _choice("prior_information_confidentiality")
    subject_first_name = Text("subject_first_name")
    subject_last_name_prefix = Text("subject_last_name_prefix")
    subject_last_name = Text("subject_last_name")
    subject_birth_date = Day(required=False, allow_null=True)
    subject_bsn = Text("subject_bsn")
    street = Text("street")
    house_number = Whole(required=False, allow_null=True)
    house_number_addition = Text("house_number_addition")
    postcode = Text("postcode")
    city = Text("city")
    guardian_name = Text(
        "guardian_name", help_text=_("A parent or guardian, when the signal is about a child.")
    )
    guardian_relation = serializers.ChoiceField(
        choices=Referral.GuardianRelation.choices, required=False, allow_blank=True
    )
    family_aware = _choice(
        "family_aware", help_text=_('Whether the family knows of this signal; "unknown" when not sent.')
    )
    partner_label = Text(
        "partner_label",
        help_text=_("Your own short label for the signal: only your organisation and the team see it."),
    )
    team = Whole(
        required=False,
        allow_null=True,
        help_text=_("Only when no team covers the postcode: the id of the neighbourhood team."),
    )
    sender_name = Text("sender_name", required=True, allow_blank=False)
    sender_phone = Text("sender_phone")
    sender_email = Text("sender_email")

    def validate(self, attrs):
        unknown = (
            sorted(set(self.initial_data) - set(self.fields)) if isinstance(self.initial_data, dict) else []
        )
        if unknown:
            raise serializers.ValidationError({name: [_("Unknown field.")] for name in unknown})
        return attrs


def form_data(validated: dict) -> dict:
    """The validated JSON as the web form's POST data."""
    data = {}
    for name, value in validated.items():
        if value is None:
            data[name] = ""
        elif isinstance(value, bool):
            data[name] = "true" if value else "false"
        elif isinstance(value, datetime.date | uuid.UUID):
            data[name] = str(value)
        else:
            data[name] = str(value)
    return data


class Feedback(serializers.Serializer):
    shared_at = serializers.DateTimeField()
    categories = serializers.ListField(child=serializers.CharField(), help_text=_("Data categories (codes)."))
    content = serializers.CharField()


class SignalOut(serializers.Serializer):
    """What the sending organisation may know of its signal: no household, person or plan."""

    id = serializers.UUIDField()
    reference = serializers.CharField()
    submission_id = serializers.UUIDField()
    received_at = serializers.DateTimeField()
    team = serializers.CharField(source="team.name")
    sender_name = serializers.CharField()
    partner_label = serializers.CharField(help_text=_("Your own label for the signal, as you sent it."))
    status = serializers.ChoiceField(choices=PartnerStatus.choices, source="partner_status")
    status_label = serializers.SerializerMethodField()

    def get_status_label(self, referral) -> str:
        return str(PartnerStatus(referral.partner_status).label)


class SignalDetail(SignalOut):
    feedback = serializers.SerializerMethodField(
        help_text=_("Exactly the feedback of the organisation's status page for this signal.")
    )

    @extend_schema_field(Feedback(many=True))
    def get_feedback(self, referral) -> list[dict]:
        return Feedback(self.context["feedback"], many=True).data


class SignalFilter(serializers.Serializer):
    """The list's query parameters."""

    status = serializers.ChoiceField(choices=PartnerStatus.choices, required=False)
    received_from = serializers.DateField(required=False, input_formats=["iso-8601"])
    received_until = serializers.DateField(required=False, input_formats=["iso-8601"])
    page = serializers.IntegerField(required=False, min_value=1)
