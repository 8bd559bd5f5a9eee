import base64
import uuid

import pytest
from django.urls import reverse

from api.services import client_create
from cases.tests.conftest import family  # noqa: F401 - a household with members, for feedback
from teams.tests.factories import OrganisationFactory

ACTING = "Juf Anna (groep 5)"


class Partner:
    """An API client of an organisation, and a test client that calls the API with its token."""

    def __init__(self, http, organisation, scopes=None):
        self.http = http
        self.organisation = organisation
        self.client, self.secret = client_create(
            name="Leerlingvolgsysteem", organisation=organisation, by=None, scopes=scopes
        )
        self._token = None

    def token_response(self, scope=None, secret=None, **extra):
        credentials = f"{self.client.client_id}:{secret or self.secret}"
        data = {"grant_type": "client_credentials"}
        if scope:
            data["scope"] = scope
        return self.http.post(
            reverse("api:token"),
            data,
            HTTP_AUTHORIZATION="Basic " + base64.b64encode(credentials.encode()).decode(),
            **extra,
        )

    def token(self, scope=None):
        response = self.token_response(scope)
        assert response.status_code == 200, response.content
        return response.json()["access_token"]

    def headers(self, token=None, acting=ACTING, language=None):
        if token is None:
            self._token = self._token or self.token()
            token = self._token
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
        if acting is not None:
            headers["HTTP_X_ACTING_PERSON"] = acting
        if language:
            headers["HTTP_ACCEPT_LANGUAGE"] = language
        return headers

    def get(self, url, data=None, **kwargs):
        return self.http.get(url, data, **self.headers(**kwargs))

    def post(self, url, payload, raw=None, **kwargs):
        import json

        body = raw if raw is not None else json.dumps(payload)
        return self.http.post(url, body, content_type="application/json", **self.headers(**kwargs))


def problem_of(response) -> dict:
    """The problem details of a refusal (RFC 9457), checked for their shape."""
    assert response["Content-Type"] == "application/problem+json", response["Content-Type"]
    body = response.json()
    assert {"type", "title", "status", "detail", "instance", "code"} <= set(body), body
    assert body["status"] == response.status_code
    return body


def signal_payload(**overrides) -> dict:
    """A signal as the partner's web form would take it (postcode of team A: see `partner`)."""
    payload = {
        "submission_id": str(uuid.uuid4()),
        "urgency": "normal",
        "concern": "Sanne komt al weken zonder lunch en is vaak moe.",
        "request": "Rust en regelmaat thuis.",
        "subject_first_name": "Sanne",
        "subject_last_name": "Jansen",
        "street": "Dorpsstraat",
        "house_number": 12,
        "postcode": "8021AB",
        "city": "Zwolle",
        "sender_name": "A. de Vries",
        "sender_email": "zorg@regenboog.example",
    }
    payload.update(overrides)
    return payload


@pytest.fixture
def partner(client, world):
    """World's partner organisation (a school) with an API client; team A covers 8021."""
    world.team_a.postcode_areas = ["8021"]
    world.team_a.save()
    return Partner(client, world.partner.organisation)


@pytest.fixture
def other_partner(client, world):
    return Partner(client, OrganisationFactory(sector="gp", is_partner=True))
