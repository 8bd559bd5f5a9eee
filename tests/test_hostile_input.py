"""Hostile input into every field of every form of the apps (SECURITY.md, issue 9 item 3).

For each form page in the permission matrix, a coordinator opens it, and then posts one nasty
value into every field at once: no 5xx, nothing reflected unescaped, and when the answer is a
form error nothing was half-saved.
"""

import re

import pytest
from django.apps import apps
from django.urls import reverse

from tests.test_permission_matrix import MATRIX, ONLY_POST, Objects

CORPUS = [
    "<script>alert(1)</script>",
    "'; DROP TABLE cases_household; --",
    "x" * 20000,
    "\u202eevil\u202c",
    "nul\x00byte",
    "🙂👨‍👩‍👧",
    "-1",
    "99999999999999999999",
    "31-02-2026",
]
# Form pages: a GET that shows the form and a POST that takes it (the step-up page excluded).
FORMS = sorted(
    name
    for name, methods in MATRIX.items()
    if "POST" in methods
    and methods.get("GET") not in (None, ONLY_POST)
    and name != "cases:referral_emergency"
)
FIELD = re.compile(r'<(?:input|select|textarea)[^>]*\sname="([^"]+)"', re.IGNORECASE)
SKIP = {"csrfmiddlewaretoken", "submission_id", "version", "current", "next_url", "from", "q"}


def row_counts() -> dict:
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models()
        if model._meta.app_label in ("cases", "teams", "mandates")
    }


@pytest.mark.django_db
@pytest.mark.parametrize("name", FORMS)
def test_hostile_values_in_every_field(client, world, name):
    objects = Objects(world)
    url = reverse(name, kwargs=objects.kwargs(name))
    user = world.manager_ab if name.startswith(("teams:", "mandates:")) else world.coordinator_a
    if name.startswith("cases:partner_"):
        user = world.partner
    client.force_login(user)
    page = client.get(url)
    assert page.status_code == 200, page.status_code
    fields = sorted(set(FIELD.findall(page.text)) - SKIP)
    assert fields, "a form page without fields"
    for value in CORPUS:
        before = row_counts()
        response = client.post(url, dict.fromkeys(fields, value))
        assert response.status_code < 500, (value[:20], response.status_code)
        assert "<script>alert(1)</script>" not in response.content.decode(errors="replace")
        if response.status_code in (200, 400):
            changed = {label for label, count in row_counts().items() if before[label] != count}
            # A refused form saves nothing; reading the page may log the read (access log).
            assert changed <= {"cases.AccessEvent"}, (value[:20], changed)
