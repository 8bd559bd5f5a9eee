"""The API's permission matrix: every endpoint × method × caller → the expected answer.

The session roles of tests/test_permission_matrix.py are no API login (401 for every one of
them); what decides here is the client's token, its scopes, its organisation and its state.
"""

import json

import pytest
from django.urls import get_resolver, reverse

from api.services import client_revoke
from api.tests.conftest import ACTING, Partner, signal_payload
from cases.tests.factories import ReferralFactory
from tests.test_urls import walk

pytestmark = pytest.mark.django_db

CALLERS = [
    "anonymous",
    "session_partner",
    "session_coordinator",
    "client",
    "read_only",
    "create_only",
    "revoked",
    "no_acting_person",
]
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]
ENDPOINTS = ["api:signals", "api:signal", "api:signal_of_another"]

ALLOWED = {
    ("api:signals", "GET"): ("signals:read", 200),
    ("api:signals", "POST"): ("signals:create", 201),
    ("api:signal", "GET"): ("signals:read", 200),
    ("api:signal_of_another", "GET"): ("signals:read", 404),
}
SCOPES = {"client": {"signals:read", "signals:create"}, "read_only": {"signals:read"}}
SCOPES["create_only"] = {"signals:create"}
SCOPES["no_acting_person"] = SCOPES["client"]


def expected(endpoint: str, method: str, caller: str) -> int:
    if caller in ("anonymous", "session_partner", "session_coordinator", "revoked"):
        return 401
    if caller == "no_acting_person":
        return 400
    if (endpoint, method) not in ALLOWED:
        return 405
    scope, status = ALLOWED[(endpoint, method)]
    return status if scope in SCOPES[caller] else 403


def test_the_matrix_covers_every_api_endpoint():
    names = {
        name for name, route, _p in walk(get_resolver().url_patterns) if name and name.startswith("api:")
    }
    covered = {"api:signals", "api:signal"}
    public = {"api:schema", "api:docs", "api:token", "api:not_found"}  # test_schema_and_docs, test_signals
    assert names == covered | public


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_cell(client, world, other_partner, endpoint, method, caller):
    world.team_a.postcode_areas = ["8021"]
    world.team_a.save()
    organisation = world.partner.organisation
    own = ReferralFactory(team=world.team_a, sender_organisation=organisation)
    theirs = ReferralFactory(team=world.team_a, sender_organisation=other_partner.organisation)
    url = {
        "api:signals": reverse("api:signals"),
        "api:signal": reverse("api:signal", args=[own.pk]),
        "api:signal_of_another": reverse("api:signal", args=[theirs.pk]),
    }[endpoint]
    headers = {}
    if caller.startswith("session_"):
        client.force_login(world.partner if caller == "session_partner" else world.coordinator_a)
        headers = {"HTTP_X_ACTING_PERSON": ACTING}
    elif caller != "anonymous":
        scopes = sorted(SCOPES.get(caller, SCOPES["client"]))
        partner = Partner(client, organisation, scopes=scopes)
        headers = partner.headers(acting=None if caller == "no_acting_person" else ACTING)
        if caller == "revoked":
            client_revoke(client=partner.client, by=None)

    body = json.dumps(signal_payload()) if method in ("POST", "PUT", "PATCH") else None
    call = getattr(client, method.lower())
    response = call(url, body, content_type="application/json", **headers) if body else call(url, **headers)
    assert response.status_code == expected(endpoint, method, caller), response.content[:200]
    if response.status_code >= 400:
        assert response["Content-Type"] == "application/problem+json"
