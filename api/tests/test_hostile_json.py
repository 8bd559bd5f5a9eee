"""Hostile JSON gets 400 problem details, never a 500 and never an HTML page (issue 19)."""

import json

import pytest

from api.tests.conftest import problem_of, signal_payload
from cases.models import Referral

pytestmark = pytest.mark.django_db

LIST = "/api/v1/signals/"
MEGABYTE = "x" * (1024 * 1024)


def _deep(depth: int) -> str:
    return "[" * depth + "]" * depth


WRONG_TYPES = {
    "concern": 12,
    "sender_name": ["A", "B"],
    "house_number": "12",
    "warm_handover": "ja",
    "submission_id": 1234,
    "subject_birth_date": 20100101,
    "team": True,
    "urgency": {"level": "high"},
    "postcode": None,
}


@pytest.mark.parametrize("field, value", sorted(WRONG_TYPES.items()))
def test_a_wrong_type_is_a_400_at_its_field(partner, field, value):
    response = partner.post(LIST, signal_payload(**{field: value}))
    assert response.status_code == 400, response.content
    assert field in problem_of(response)["errors"]


@pytest.mark.parametrize(
    "body",
    [
        json.dumps(signal_payload(concern=MEGABYTE)),
        json.dumps(signal_payload(sender_name=MEGABYTE)),
        json.dumps(signal_payload(city=MEGABYTE[:500_000], street=MEGABYTE[:500_000])),
        json.dumps(signal_payload(concern={"a": _deep(50)})),
        _deep(100_000),
        '{"concern": ' * 50_000 + "1" + "}" * 50_000,
        json.dumps(signal_payload(extra="x", household_id=1)),
        "[1, 2, 3]",
        '"een signaal"',
        "null",
        "{niet: json}",
        '{"house_number": NaN}',
        json.dumps(signal_payload(concern="nul\x00byte")),
        json.dumps(signal_payload(subject_bsn="123456789")),
        json.dumps(signal_payload(postcode="<script>alert(1)</script>")),
        json.dumps(signal_payload(house_number=99999999999999999999)),
        json.dumps(signal_payload(subject_birth_date="31-02-2026")),
        b"\xff\xfe\x00".decode("latin-1"),
    ],
    # Names, not the bodies: a body holds a fresh UUID, and every test process must collect the same ids.
    ids=[
        "megabyte-concern",
        "megabyte-sender",
        "huge-address",
        "nested-concern",
        "deep-array",
        "deep-object",
        "unknown-fields",
        "array",
        "string",
        "null",
        "not-json",
        "nan",
        "nul-byte",
        "bsn-field",
        "script-postcode",
        "huge-number",
        "impossible-date",
        "not-utf8",
    ],
)
def test_hostile_bodies_are_refused_with_problem_details(partner, body):
    response = partner.post(LIST, None, raw=body)
    assert response.status_code == 400, response.content[:300]
    problem_of(response)
    assert not Referral.objects.exists()


@pytest.mark.parametrize("size", [2 * 1024 * 1024 + 10, 3 * 1024 * 1024])
def test_a_body_beyond_the_limit_is_413_problem_details(partner, size):
    response = partner.post(LIST, None, raw='"' + "x" * size + '"')
    assert response.status_code == 413
    problem_of(response)


def test_unknown_fields_are_named(partner):
    response = partner.post(LIST, signal_payload(household="x", assigned_to=1))
    assert set(problem_of(response)["errors"]) == {"household", "assigned_to"}


def test_another_media_type_is_415_problem_details(partner):
    response = partner.http.post(
        LIST, "concern=x", content_type="application/x-www-form-urlencoded", **partner.headers()
    )
    assert response.status_code == 415
    problem_of(response)


def test_a_method_the_endpoint_does_not_take_is_405_problem_details(partner):
    response = partner.http.delete(LIST, **partner.headers())
    assert response.status_code == 405
    problem_of(response)


@pytest.mark.parametrize("acting", ["x" * 5000, "Anna\r\nSet-Cookie: a=b"])
def test_a_hostile_acting_person_is_refused(partner, acting):
    assert partner.get(LIST, acting=acting).status_code == 400


@pytest.mark.parametrize(
    "query", ["?page=0", "?page=999", "?page=abc", "?status=" + "x" * 10000, "?received_from=2026-13-45"]
)
def test_hostile_query_parameters(partner, query):
    response = partner.get(LIST + query)
    assert response.status_code in (400, 404)
    problem_of(response)
