from django.db import models

from cases.validators import (
    compact_bsn,
    compact_phone,
    compact_postcode,
    validate_bsn,
    validate_phone,
    validate_postcode,
)


class CompactCharField(models.CharField):
    """A code stored compact; the form accepts it as typed, with spaces or dots."""

    typed_max_length = 14

    def compact(self, value: str) -> str:
        raise NotImplementedError

    def to_python(self, value):
        value = super().to_python(value)
        return self.compact(value) if value else value

    def formfield(self, **kwargs):
        return super().formfield(**{"max_length": self.typed_max_length, **kwargs})


class PostcodeField(CompactCharField):
    """A Dutch postcode, stored as '1234AB' whatever spacing or case was typed."""

    default_validators = [validate_postcode]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 6)
        super().__init__(*args, **kwargs)

    def compact(self, value):
        return compact_postcode(value)


class BSNField(CompactCharField):
    """A citizen service number (BSN), optional, checked with the 11-proef."""

    default_validators = [validate_bsn]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 9)
        super().__init__(*args, **kwargs)

    def compact(self, value):
        return compact_bsn(value).zfill(9)


class PhoneField(CompactCharField):
    """A phone number, stored in E.164 ('+31612345678') however it was typed; shown with
    cases.validators.format_phone."""

    default_validators = [validate_phone]
    typed_max_length = 24

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 16)
        super().__init__(*args, **kwargs)

    def compact(self, value):
        return compact_phone(value)

    def formfield(self, **kwargs):
        from django import forms

        widget = forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "off"})
        return super().formfield(**{"widget": widget, **kwargs})
