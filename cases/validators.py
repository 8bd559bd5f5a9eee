"""Dutch identifiers, validated by python-stdnum (no hand-written check digits)."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from stdnum.nl import bsn as stdnum_bsn
from stdnum.nl import postcode as stdnum_postcode


def compact_postcode(value: str) -> str:
    """'1234 ab' -> '1234AB' (the stored form)."""
    return re.sub(r"\s+", "", value or "").upper()


def format_postcode(value: str) -> str:
    """'1234AB' -> '1234 AB' (the shown form)."""
    value = compact_postcode(value)
    return f"{value[:4]} {value[4:]}" if len(value) == 6 else value


def validate_postcode(value: str) -> None:
    if not stdnum_postcode.is_valid(value or ""):
        raise ValidationError(
            _("Enter a Dutch postcode: four digits (not starting with 0) and two letters, e.g. 1234 AB."),
            code="invalid_postcode",
        )


def compact_bsn(value: str) -> str:
    return re.sub(r"[\s.\-]", "", value or "")


def validate_bsn(value: str) -> None:
    value = compact_bsn(value)
    if not value.isdigit() or len(value) not in (8, 9):
        raise ValidationError(_("A BSN has 9 digits."), code="invalid_bsn_length")
    if not stdnum_bsn.is_valid(value):
        raise ValidationError(
            _("This is not a valid BSN: it fails the eleven test (11-proef). Check the number."),
            code="invalid_bsn_checksum",
        )


validate_wijk_code = RegexValidator(
    r"^WK\d{6}$", _("Enter a CBS wijk code: WK followed by 6 digits, e.g. WK036301.")
)
validate_buurt_code = RegexValidator(
    r"^BU\d{8}$", _("Enter a CBS buurt code: BU followed by 8 digits, e.g. BU03630101.")
)
