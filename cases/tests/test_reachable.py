"""Reachable households (issue 16): phone numbers in Dutch formats, e-mail, a preferred way and
time, and "do not call" respected by the tap to call, the quick buttons and the service."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation

from cases import export, services, timeline
from cases.forms import ContactForm
from cases.forms.agenda import AppointmentForm
from cases.models import Contact, Person
from cases.tests.factories import HouseholdFactory, PersonFactory
from cases.validators import compact_phone, format_phone, validate_phone
from cases.views.common import quick_buttons

pytestmark = pytest.mark.django_db


@pytest.fixture
def household(world):
    return HouseholdFactory(team=world.team_a, name="Familie Bakker", lead_worker=world.worker_a)


def url(name, household, *args):
    return reverse(f"cases:{name}", args=[household.pk, *args])


# --- The number -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed, stored, shown",
    [
        ("06-12345678", "+31612345678", "06-12345678"),
        ("06 1234 5678", "+31612345678", "06-12345678"),
        ("+31 6 12345678", "+31612345678", "06-12345678"),
        ("+31 (0)6 12345678", "+31612345678", "06-12345678"),
        ("+31 06 12345678", "+31612345678", "06-12345678"),
        ("0031612345678", "+31612345678", "06-12345678"),
        ("020-1234567", "+31201234567", "020-1234567"),
        ("(038) 123 45 67", "+31381234567", "038-1234567"),
        ("0570-123456", "+31570123456", "0570-123456"),
        ("+48 512 345 678", "+48512345678", "+48512345678"),
    ],
)
def test_good_numbers_are_stored_in_one_form_and_shown_the_dutch_way(typed, stored, shown):
    validate_phone(typed)
    assert compact_phone(typed) == stored
    assert format_phone(stored) == shown


@pytest.mark.parametrize(
    "typed, code",
    [
        ("06-1234567", "invalid_phone_length"),  # a digit short
        ("06-123456789", "invalid_phone_length"),  # a digit too many
        ("0800-1234", "invalid_phone_length"),  # a service number, not a person's
        ("+31 0", "invalid_phone"),
        ("12345", "invalid_phone"),
        ("bel de buurvrouw", "invalid_phone"),
        ("+1", "invalid_phone"),
    ],
)
def test_bad_numbers_are_refused_with_a_reason(typed, code):
    with pytest.raises(ValidationError) as refused:
        validate_phone(typed)
    assert refused.value.code == code


def test_a_wrong_number_gets_its_message_at_the_field_and_stays_as_typed(client, world, household):
    client.force_login(world.worker_a)
    response = client.post(
        url("person_add", household),
        {"first_name": "Kees", "last_name": "Bakker", "relation": "main_resident", "phone": "06-1234 567"},
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["phone"]
    assert 'value="06-1234 567"' in response.text
    assert "invalid-feedback" in response.text
    assert not household.members.exists()


def test_a_good_number_is_saved_normalised_and_edited_as_typed(client, world, household):
    client.force_login(world.worker_a)
    response = client.post(
        url("person_add", household),
        {
            "first_name": "Kees",
            "last_name": "Bakker",
            "relation": "main_resident",
            "phone": "06 1234 5678",
            "email": "kees@example.org",
            "reach_by": "message",
            "reach_when": "na 18:00",
        },
    )
    assert response.status_code == 302
    person = household.members.get()
    assert (person.phone, person.email, person.reach_by) == ("+31612345678", "kees@example.org", "message")
    edit = client.get(url("person_edit", household, person.pk))
    assert 'value="06-12345678"' in edit.text


def test_the_history_shows_the_number_the_dutch_way(world, household):
    person = PersonFactory(household=household)
    person.phone = "+31201234567"
    services.person_save(person=person, household=household, by=world.worker_a, reason="Nummer")
    changes = [
        change
        for entry in timeline.household_changes(household)
        for change in entry.fields
        if change.field == str(Person._meta.get_field("phone").verbose_name)
    ]
    assert [(change.old, change.new) for change in changes] == [("", "020-1234567")]


# --- Preferences and "do not call" ----------------------------------------------------------


@pytest.mark.parametrize(
    "fields, error_at",
    [
        ({"do_not_call_note": "partner leest mee"}, "do_not_call_note"),
        ({"do_not_call": True, "phone": "+31612345678", "reach_by": "phone"}, "reach_by"),
        ({"reach_by": "email"}, "reach_by"),
        ({"reach_by": "message"}, "reach_by"),
    ],
)
def test_contradicting_preferences_are_refused_at_the_field(household, fields, error_at):
    person = PersonFactory.build(household=household, **fields)
    with pytest.raises(ValidationError) as refused:
        person.full_clean()
    assert list(refused.value.message_dict) == [error_at]


def test_the_database_refuses_a_reason_without_the_mark(household):
    person = PersonFactory(household=household)
    person.do_not_call_note = "partner leest mee"
    with pytest.raises(IntegrityError), transaction.atomic():
        person.save()


def test_the_household_page_offers_tap_to_call_and_mail(client, world, household):
    PersonFactory(household=household, first_name="Kees", phone="+31612345678", email="kees@example.org")
    client.force_login(world.worker_a)
    page = client.get(household.get_absolute_url()).text
    assert 'href="tel:+31612345678"' in page and "06-12345678" in page
    assert 'href="mailto:kees@example.org"' in page


def test_a_member_not_to_be_called_has_no_tap_to_call_and_is_marked(client, world, household):
    PersonFactory(
        household=household,
        first_name="Kees",
        phone="+31612345678",
        do_not_call=True,
        do_not_call_note="Partner leest mee",
    )
    client.force_login(world.worker_a)
    page = client.get(household.get_absolute_url()).text
    assert "tel:+31612345678" not in page
    assert "do-not-call" in page and "Partner leest mee" in page
    assert "06-12345678" in page, "the number is still shown, without the tap"


# --- The quick buttons and the service ------------------------------------------------------


def _phone_button(text: str) -> bool:
    return 'name="quick" value="no_answer"' in text


def test_the_phone_button_is_withheld_when_nobody_may_be_called(client, world, household):
    PersonFactory(household=household, phone="+31612345678", do_not_call=True)
    PersonFactory(household=household, phone="")  # no number of their own: a call reaches the first
    client.force_login(world.worker_a)
    assert not _phone_button(client.get(household.get_absolute_url()).text)
    caseload_form = client.get(
        url("contact_add", household) + "?from=caseload", headers={"HX-Request": "true"}
    )
    assert not _phone_button(caseload_form.text)
    assert _phone_button(client.get(url("contact_add", household)).text) is False
    assert 'value="card_left"' in caseload_form.text, "the other quick buttons stay"


def test_the_phone_button_stays_when_someone_may_be_called_or_nobody_is_marked(client, world, household):
    client.force_login(world.worker_a)
    PersonFactory(household=household, phone="")
    assert _phone_button(client.get(household.get_absolute_url()).text), "nobody marked"
    PersonFactory(household=household, phone="+31612345678", do_not_call=True)
    PersonFactory(household=household, phone="+31201234567")
    assert _phone_button(client.get(household.get_absolute_url()).text), "another member may be called"


def test_quick_buttons_follow_calling_allowed(world, household):
    PersonFactory(household=household, phone="+31612345678", do_not_call=True)
    assert "no_answer" not in dict(quick_buttons(household))
    assert "no_answer" in dict(quick_buttons())


def test_the_service_refuses_a_phone_attempt_with_a_member_not_to_be_called(world, household):
    kees = PersonFactory(household=household, first_name="Kees", do_not_call=True)
    PersonFactory(household=household, phone="+31201234567")
    contact = Contact(kind=Contact.Kind.PHONE, reached=False)
    with pytest.raises(ValidationError) as refused:
        services.contact_log(
            contact=contact, household=household, by=world.worker_a, workers=[], persons=[kees]
        )
    assert "Kees" in refused.value.message_dict["persons"][0]
    assert not household.contacts.exists()


def test_the_service_refuses_a_phone_attempt_with_a_household_nobody_may_call(world, household):
    PersonFactory(household=household, phone="+31612345678", do_not_call=True)
    with pytest.raises(ValidationError):
        services.contact_log(
            contact=Contact(kind=Contact.Kind.PHONE),
            household=household,
            by=world.worker_a,
            workers=[],
            persons=[],
        )
    assert not household.contacts.exists()


def test_a_call_that_reached_someone_and_other_kinds_are_still_recorded(world, household):
    """The resident may have called the team; a text message or a visit is not a call."""
    kees = PersonFactory(household=household, do_not_call=True)
    for kind, reached in [
        (Contact.Kind.PHONE, True),
        (Contact.Kind.MESSAGE, False),
        (Contact.Kind.HOME_VISIT, False),
    ]:
        services.contact_log(
            contact=Contact(kind=kind, reached=reached),
            household=household,
            by=world.worker_a,
            workers=[],
            persons=[kees],
        )
    assert household.contacts.count() == 3


def test_a_posted_phone_button_is_refused_with_a_message(client, world, household):
    """An old page (or a crafted post) still gets a clear refusal, and nothing is logged."""
    PersonFactory(household=household, phone="+31612345678", do_not_call=True)
    client.force_login(world.worker_a)
    response = client.post(
        url("contact_add", household), {"quick": "no_answer"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert response.context["contact_form"].non_field_errors()
    assert not household.contacts.exists()


def test_the_contact_form_still_takes_a_phone_contact_for_others(world, household):
    PersonFactory(household=household, phone="+31612345678", do_not_call=True)
    ann = PersonFactory(household=household, first_name="Ann", phone="+31201234567")
    form = ContactForm(
        {"kind": "phone", "at": "", "persons": [str(ann.pk)]}, household=household, user=world.worker_a
    )
    assert "kind" not in form.errors
    contact = services.contact_log(
        contact=Contact(kind=Contact.Kind.PHONE),
        household=household,
        by=world.worker_a,
        workers=[],
        persons=[ann],
    )
    assert contact.pk


@pytest.mark.parametrize("form_class", [ContactForm, AppointmentForm])
def test_the_forms_mark_a_member_not_to_be_called_where_the_worker_ticks_who(form_class, world, household):
    """A worker ticking who was (or will be) called sees the mark before the service refuses."""
    PersonFactory(household=household, first_name="Kees", last_name="Bakker", do_not_call=True)
    PersonFactory(household=household, first_name="Ann", last_name="Bakker")
    with translation.override("nl"):
        labels = sorted(
            label
            for _pk, label in form_class(household=household, user=world.worker_a).fields["persons"].choices
        )
    assert labels == ["Ann Bakker", "Kees Bakker (niet bellen)"]


# --- The resident's own data ----------------------------------------------------------------


def test_the_export_holds_the_persons_own_contact_details(world, household):
    person = PersonFactory(
        household=household, phone="+31612345678", email="kees@example.org", reach_when="ochtend"
    )
    document = export.person_export(person, world.worker_a)
    fields = document["sections"]["person"]["records"][0]["fields"]
    assert fields["phone"] == "+31612345678"
    assert (fields["email"], fields["reach_when"], fields["do_not_call"]) == (
        "kees@example.org",
        "ochtend",
        False,
    )
