"""Issue 17, the server's side: a script's request that meets an expired session gets 401, not the
login page; the outbox sends a contact once per id, with the time it was logged, and is refused
for a household the user may no longer reach; the session state hands the same key to the same
user in every session and another to anyone else; the service worker, the offline page and the
manifest are there and hold no case data.
"""

import base64
import datetime
import json
import uuid

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import timezone

from cases.models import AccessEvent, Contact
from cases.tests.factories import HouseholdFactory, PersonFactory

OUTBOX = {"X-Wijkteam-Outbox": "1"}
HTMX = {"HX-Request": "true"}


def contact_url(household):
    return reverse("cases:contact_add", args=[household.pk])


def queued(**fields):
    """What the outbox posts for a quick button: the tapped button, the logged time, its id."""
    return {"quick": "not_home", "submission_id": str(uuid.uuid4()), **fields}


# --- An expired session ------------------------------------------------------------------------


@pytest.mark.parametrize("headers", [HTMX, OUTBOX])
def test_a_scripted_request_without_a_session_gets_401_not_the_login_page(client, world, headers):
    household = HouseholdFactory(team=world.team_a)
    response = client.post(contact_url(household), queued(note="Moeder in het ziekenhuis"), headers=headers)
    assert response.status_code == 401
    assert response["HX-Reswap"] == "none"
    assert response.json() == {"ok": False, "reason": "session"}
    assert b"<form" not in response.content
    assert not Contact.objects.exists()


def test_a_plain_request_without_a_session_still_goes_to_the_login_page(client, world):
    household = HouseholdFactory(team=world.team_a)
    response = client.get(household.get_absolute_url())
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_an_htmx_get_without_a_session_gets_401_too(client, world):
    """Opening a row's contact form on the caseload after the session ended."""
    household = HouseholdFactory(team=world.team_a)
    response = client.get(contact_url(household) + "?from=caseload", headers=HTMX)
    assert response.status_code == 401


def test_a_form_with_an_old_token_says_so_to_the_script(world):
    from django.test import Client

    household = HouseholdFactory(team=world.team_a)
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.worker_a)
    response = client.post(contact_url(household), queued(), headers=HTMX)
    assert response.status_code == 403
    assert response["X-Wijkteam-Csrf"] == "failed"
    assert not Contact.objects.exists()


# --- The session state: owner, key, token --------------------------------------------------------


def test_the_session_state_without_a_session_is_401(client, db):
    response = client.get(reverse("session_state"))
    assert response.status_code == 401
    assert response.json()["reason"] == "session"


def test_the_same_user_gets_the_same_key_in_every_session_and_others_another(client, world):
    def state(user):
        client.force_login(user)
        answer = client.get(reverse("session_state"))
        client.logout()
        assert answer.status_code == 200
        assert answer["Cache-Control"].startswith("max-age=0") or "no-store" in answer["Cache-Control"]
        return answer.json()

    first, again, other = state(world.worker_a), state(world.worker_a), state(world.worker_b)
    assert len(base64.b64decode(first["key"])) == 32  # AES-256
    assert (first["key"], first["owner"]) == (again["key"], again["owner"])
    assert first["key"] != other["key"] and first["owner"] != other["owner"]
    # The owner tag says nothing of who it is.
    for told in (first["owner"], first["key"]):
        assert world.worker_a.username not in told and str(world.worker_a.pk) != told
    assert first["csrf"]


def test_the_page_carries_the_owner_tag_not_the_key(client, world):
    client.force_login(world.worker_a)
    page = client.get(reverse("cases:caseload")).content.decode()
    client.get(reverse("session_state"))
    state = client.get(reverse("session_state")).json()
    assert f'data-owner="{state["owner"]}"' in page
    assert state["key"] not in page


# --- The outbox: once per id, its logged time, refusals --------------------------------------------


def test_a_queued_contact_arrives_once_with_the_time_it_was_logged(client, world):
    household = HouseholdFactory(team=world.team_a, lead_worker=world.worker_a)
    client.force_login(world.worker_a)
    logged = (timezone.localtime() - datetime.timedelta(minutes=47)).replace(second=0, microsecond=0)
    data = queued(at=logged.strftime("%Y-%m-%dT%H:%M"), note="Buurvrouw gesproken")
    first = client.post(contact_url(household), data, headers=OUTBOX)
    again = client.post(contact_url(household), data, headers=OUTBOX)  # the other tab, or a retry
    assert (first.status_code, again.status_code) == (201, 201)
    assert first.json()["ok"] and again.json()["ok"]
    contact = Contact.objects.get()
    assert contact.at == logged
    assert (contact.kind, contact.reached, contact.note) == (
        Contact.Kind.HOME_VISIT,
        False,
        "Buurvrouw gesproken",
    )
    assert list(contact.workers.all()) == [world.worker_a]


def test_two_queued_contacts_keep_their_own_times(client, world):
    household = HouseholdFactory(team=world.team_a)
    client.force_login(world.worker_a)
    now = timezone.localtime().replace(second=0, microsecond=0)
    times = [now - datetime.timedelta(minutes=30), now - datetime.timedelta(minutes=10)]
    for at in times:
        response = client.post(
            contact_url(household), queued(at=at.strftime("%Y-%m-%dT%H:%M")), headers=OUTBOX
        )
        assert response.status_code == 201
    assert list(Contact.objects.order_by("pk").values_list("at", flat=True)) == times


@pytest.mark.parametrize("which", ["b", "c"])
def test_a_contact_for_a_household_out_of_reach_is_refused_and_logged(client, world, four_households, which):
    client.force_login(world.worker_a)
    response = client.post(contact_url(four_households[which]), queued(), headers=OUTBOX)
    assert response.status_code == 404
    assert response.json() == {"ok": False, "status": 404}
    assert not Contact.objects.exists()
    assert AccessEvent.objects.filter(user=world.worker_a, result=AccessEvent.Result.DENIED).exists()


def test_a_contact_for_a_closed_household_is_refused_with_the_reason(client, world, four_households):
    client.force_login(world.coordinator_a)
    response = client.post(contact_url(four_households["a_closed"]), queued(), headers=OUTBOX)
    assert response.status_code == 403
    assert response.json()["message"]  # the policy's reason, shown beside the queued item
    assert not Contact.objects.exists()


def test_a_refused_contact_says_why_at_the_item(client, world):
    household = HouseholdFactory(team=world.team_a)
    kees = PersonFactory(household=household, first_name="Kees", phone="+31612345678", do_not_call=True)
    client.force_login(world.worker_a)
    response = client.post(
        contact_url(household), queued(quick="no_answer", persons=[str(kees.pk)]), headers=OUTBOX
    )
    assert response.status_code == 400
    assert any("Kees" in error for error in response.json()["errors"])
    assert not Contact.objects.exists()
    # A refusal that names a member shows case data: it has its access-log row.
    assert AccessEvent.objects.filter(user=world.worker_a, household_id=household.pk).exists()


def test_an_htmx_contact_still_answers_with_the_row(client, world):
    """The outbox's JSON is for the outbox only: the caseload's quick buttons get their row."""
    household = HouseholdFactory(team=world.team_a, lead_worker=world.worker_a)
    client.force_login(world.worker_a)
    response = client.post(contact_url(household), {**queued(), "from": "caseload"}, headers=HTMX)
    assert response.status_code == 200
    assert f'id="quick-{household.pk}"' in response.content.decode()


# --- Service worker, offline page, manifest --------------------------------------------------------


def test_the_service_worker_is_served_from_the_root_without_a_session(client, db):
    response = client.get(reverse("service_worker"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Cache-Control"] == "no-cache"
    source = b"".join(response.streaming_content) if response.streaming else response.content
    assert b'addEventListener("fetch"' in source
    # It never keeps a page: only the offline page and static files go into its cache.
    assert b'request.method !== "GET"' in source


def test_the_offline_page_holds_no_case_data_and_no_session(client, world):
    household = HouseholdFactory(team=world.team_a, name="Familie Zeldzaam")
    client.force_login(world.worker_a)  # the service worker fetches it without cookies; even so
    response = client.get(reverse("offline"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "data-offline-page" in page and "Geen verbinding" in page
    assert household.name not in page
    assert not AccessEvent.objects.exists()


def test_the_manifest_lets_the_app_be_added_to_the_home_screen(client, db):
    with open(finders.find("manifest.webmanifest")) as handle:
        manifest = json.load(handle)
    assert (manifest["start_url"], manifest["scope"], manifest["display"]) == ("/", "/", "standalone")
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in manifest["icons"]:
        assert finders.find(icon["src"]), icon["src"]
    page = client.get(reverse("account_login")).content.decode()
    assert 'rel="manifest"' in page
