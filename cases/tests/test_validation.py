"""Dutch postcodes and BSNs, checked by python-stdnum, refused with Dutch messages."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from cases.models import Person
from cases.tests.factories import HouseholdFactory
from cases.validators import format_postcode, validate_bsn, validate_postcode


@pytest.mark.parametrize("value", ["1234AB", "1234 ab", "9999 ZZ", "1000AA"])
def test_valid_postcodes(value):
    validate_postcode(value)


@pytest.mark.parametrize(
    "value",
    ["0123AB", "1234SA", "1234 SD", "1234SS", "12345", "1234A", "ABCD12", "", "1234 ABC"],
)
def test_invalid_postcodes_get_a_dutch_message(value):
    """Leading zero, the unused SA/SD/SS, and wrong shapes are refused in Dutch."""
    with translation.override("nl"), pytest.raises(ValidationError) as error:
        validate_postcode(value)
    assert "Vul een Nederlandse postcode in" in error.value.messages[0]


def test_postcode_shown_with_a_space():
    assert format_postcode("1234AB") == "1234 AB"


@pytest.mark.parametrize("value", ["111222333", "123456782", "1112.22.333"])
def test_valid_bsns(value):
    validate_bsn(value)


def test_bsn_failing_the_eleven_test_gets_a_dutch_message():
    with translation.override("nl"), pytest.raises(ValidationError) as error:
        validate_bsn("123456789")
    assert error.value.messages == [
        "Dit is geen geldig BSN: het voldoet niet aan de 11-proef. Controleer het nummer."
    ]


@pytest.mark.parametrize("value", ["12345", "1234567890", "12345678a"])
def test_bsn_of_wrong_length_gets_a_dutch_message(value):
    with translation.override("nl"), pytest.raises(ValidationError) as error:
        validate_bsn(value)
    assert error.value.messages == ["Een BSN bestaat uit 9 cijfers."]


@pytest.mark.django_db
def test_model_stores_compact_forms():
    """Whatever spacing is typed, the database holds '1234AB' and nine digits."""
    household = HouseholdFactory(postcode="8021AB")
    household.postcode = "8021 cd"
    household.full_clean()
    assert household.postcode == "8021CD"
    person = Person(household=household, first_name="A", last_name="B", relation="other", bsn="1112.22.333")
    person.full_clean()
    assert person.bsn == "111222333"


@pytest.mark.django_db
def test_database_refuses_a_postcode_that_skipped_validation(postgres_only):
    """The compact-postcode check constraint backs the form check."""
    from django.db import IntegrityError, transaction

    with transaction.atomic(), pytest.raises(IntegrityError):
        HouseholdFactory(postcode="0123AB")
