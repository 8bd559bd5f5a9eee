"""The committed OpenAPI description is the code's, the docs work under the app's CSP, and the
demo's client connects (README, "Connecting a partner's system")."""

import io
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command

from api.demo import CLIENT_ID, SECRET
from api.models import ApiClient

COMMITTED = Path(__file__).resolve().parent.parent / "openapi.yaml"


def generated(language: str = "en") -> str:
    out = io.StringIO()
    call_command("spectacular", "--lang", language, "--validate", stdout=out)
    return out.getvalue()


def test_the_committed_schema_is_the_codes():
    """Regenerate with: python manage.py spectacular --lang en --validate --file api/openapi.yaml"""
    assert generated() == COMMITTED.read_text(), "api/openapi.yaml is out of date: regenerate it"


def test_the_schema_describes_only_signals_with_their_scopes():
    schema = COMMITTED.read_text()
    paths = re.findall(r"^  (/\S+):$", schema, re.MULTILINE)
    assert paths == ["/api/v1/signals/", "/api/v1/signals/{id}/"]
    assert "clientCredentials" in schema and "tokenUrl: /api/oauth/token/" in schema
    assert "signals:create" in schema and "signals:read" in schema
    assert "X-Acting-Person" in schema


def test_the_schema_speaks_dutch_too():
    assert "Ontvangen" in generated("nl")


@pytest.mark.django_db
def test_the_schema_and_docs_are_public_and_keep_the_csp(client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200 and b"/api/v1/signals/" in schema.content
    page = client.get("/api/docs/")
    assert page.status_code == 200
    html = page.text
    csp = page["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
    assert "unsafe-inline" not in csp
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.DOTALL)
    assert len(scripts) == 3
    for attributes, body in scripts:
        assert body.strip() == "", "no inline script"
        assert f'nonce="{nonce}"' in attributes
        source = re.search(r'src="([^"]+)"', attributes).group(1)
        assert source.startswith("/"), "served by the app, no CDN"
        if source.startswith("/static/"):
            assert finders.find(source.removeprefix("/static/").split("?")[0]), source
    assert "<style" not in html
    init = client.get(re.search(r'src="(/api/docs/\?[^"]+)"', html).group(1).replace("&amp;", "&"))
    assert init.status_code == 200 and "javascript" in init["Content-Type"]


@pytest.mark.django_db
def test_the_demo_client_is_made_once_and_gets_a_token(client, demo):
    out = io.StringIO()
    call_command("seed_demo", allow_without_debug=True, stdout=out)  # a second time
    assert f"client id {CLIENT_ID}, secret {SECRET}" in out.getvalue()
    demo = ApiClient.objects.get()
    assert demo.client_id == CLIENT_ID and demo.organisation.name == "OBS De Regenboog"
    response = client.post(
        "/api/oauth/token/",
        {"grant_type": "client_credentials", "client_id": CLIENT_ID, "client_secret": SECRET},
    )
    assert response.status_code == 200, response.content
    token = response.json()["access_token"]
    listed = client.get(
        "/api/v1/signals/", HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_X_ACTING_PERSON="Meester Bram"
    )
    assert listed.status_code == 200
    assert listed.json()["count"] >= 0
