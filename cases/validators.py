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


# Phone numbers. Dutch numbers are ten digits nationally (06-12345678, 020-1234567,
# 0570-123456) and +31 without the leading 0 internationally; a number from abroad (a resident
# with a Polish or Moroccan mobile) is kept in its international form, +<country><number>.
# Stored as E.164 ("+31612345678": what a tel: link dials), shown the Dutch way.
PHONE_SEPARATORS = re.compile(r"[\s.\-/()]")
DUTCH_PHONE = re.compile(r"^\+31[1-9]\d{8}$")
FOREIGN_PHONE = re.compile(r"^\+(?!31)[1-9]\d{6,14}$")
# Area codes of two digits after the 0 (the rest have three): 020-1234567, 0570-123456.
TWO_DIGIT_AREAS = frozenset(
    ("10", "13", "15", "20", "23", "24", "26", "30", "33", "35", "36", "38", "40", "43", "45", "46")
    + ("50", "53", "55", "58", "70", "71", "72", "73", "74", "75", "76", "77", "78", "79", "85", "88")
    + ("91",)
)


def compact_phone(value: str) -> str:
    """What was typed -> E.164 where it can be read as a number: '06-1234 5678', '0031 6 12345678'
    and '+31 (0)6 12345678' -> '+31612345678'. Anything else comes back without separators, for
    the validator to refuse."""
    value = (value or "").strip().replace("(0)", "")
    value = PHONE_SEPARATORS.sub("", value)
    if value.startswith("00"):
        value = "+" + value[2:]
    elif value.startswith("0"):
        value = "+31" + value[1:]
    if value.startswith("+310"):  # "+31 06 …": the 0 is dropped after the country code
        value = "+31" + value[4:]
    return value


def validate_phone(value: str) -> None:
    """A Dutch number (06 mobile, a landline, +31), or a number from abroad starting with +."""
    value = compact_phone(value)
    if DUTCH_PHONE.match(value) or FOREIGN_PHONE.match(value):
        return
    if value.startswith("+31") and value[3:].isdigit():
        raise ValidationError(
            _("A Dutch phone number has 10 digits, e.g. 06-12345678 or 020-1234567."),
            code="invalid_phone_length",
        )
    raise ValidationError(
        _(
            "Enter a phone number: a Dutch one such as 06-12345678 or 020-1234567, "
            "or one from abroad starting with + and the country code."
        ),
        code="invalid_phone",
    )


def format_phone(value: str) -> str:
    """'+31612345678' -> '06-12345678', '+31201234567' -> '020-1234567', '+31570123456' ->
    '0570-123456'; a number from abroad as stored."""
    if not DUTCH_PHONE.match(value or ""):
        return value or ""
    national = "0" + value[3:]
    if national.startswith("06"):
        return f"{national[:2]}-{national[2:]}"
    area = 3 if national[1:3] in TWO_DIGIT_AREAS else 4
    return f"{national[:area]}-{national[area:]}"
