"""Kept current: the update request, its single-use expiring link, and the reminder."""

import datetime
import re

import pytest
from django.core import mail, signing
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from directory import updates
from directory.models import OrganisationProfile, Service, UpdateRequest
from directory.tests.factories import ServiceFactory


@pytest.fixture
def stale(world):
    service = ServiceFactory(
        name="Budgetcursus", last_verified=timezone.localdate() - datetime.timedelta(days=500)
    )
    OrganisationProfile.objects.create(
        organisation=service.organisation, update_email="kaart@partner.example"
    )
    return service


def send(client, world, service):
    client.force_login(world.coordinator_a)
    mail.outbox.clear()
    response = client.post(reverse("directory:update_request_send", args=[service.organisation_id]))
    assert response.status_code == 302
    [message] = mail.outbox
    link = re.search(r"https?://\S+", message.body).group(0)
    return message, link[link.index("/sociale-kaart/") :]


@pytest.mark.django_db
def test_the_coordinator_sends_a_request_and_the_contact_confirms_once_without_login(client, world, stale):
    message, path = send(client, world, stale)
    assert message.to == ["kaart@partner.example"]
    assert "Budgetcursus" in message.body
    request = UpdateRequest.objects.get()
    assert (request.sent_by, request.history.latest().history_change_reason) == (
        world.coordinator_a,
        _("Update request sent"),
    )
    client.logout()
    page = client.get(path)
    assert page.status_code == 200 and "Budgetcursus" in page.text
    assert client.post(path, {"confirmed": "on"}).status_code == 200
    stale.refresh_from_db()
    assert stale.last_verified == timezone.localdate() and not Service.objects.stale().exists()
    record = stale.history.latest()
    assert (record.history_user, record.history_change_reason) == (None, _("Confirmed via update request"))
    assert client.get(path).status_code == 404  # used: the link no longer works
    assert client.post(path, {"confirmed": "on"}).status_code == 404


@pytest.mark.django_db
def test_corrections_are_kept_as_a_proposal_for_the_coordinator(client, world, stale):
    _message, path = send(client, world, stale)
    client.logout()
    assert client.post(path, {"proposal": "Nieuw telefoonnummer: 038 999 0000"}).status_code == 200
    stale.refresh_from_db()
    assert stale.last_verified < timezone.localdate()  # nothing applied unchecked
    client.force_login(world.coordinator_a)
    assert "038 999 0000" in client.get(reverse("directory:stale")).text


@pytest.mark.django_db
def test_an_empty_answer_says_why_and_keeps_the_link_usable(client, world, stale):
    _message, path = send(client, world, stale)
    client.logout()
    response = client.post(path, {"proposal": "   "})
    assert response.status_code == 400
    assert _("Confirm the entries, or write what should change.") in response.text
    assert UpdateRequest.objects.get().used_at is None


@pytest.mark.django_db
def test_an_expired_or_forged_link_is_refused(client, world, stale, settings):
    _message, path = send(client, world, stale)
    client.logout()
    request = UpdateRequest.objects.get()
    forged = signing.dumps(str(request.pk), salt="another.salt")
    assert client.get(reverse("directory_public:update_answer", args=[forged])).status_code == 404
    settings.WIJKTEAM_UPDATE_REQUEST_DAYS = -1  # every link is past its term
    assert client.get(path).status_code == 404
    assert updates.request_for(updates.token_for(request)) is None


@pytest.mark.django_db
def test_one_reminder_after_three_weeks_without_answer(client, world, stale):
    send(client, world, stale)
    request = UpdateRequest.objects.get()
    mail.outbox.clear()
    assert updates.remind.call() == 0  # too early
    request.sent_at = timezone.now() - datetime.timedelta(days=22)
    request.save()
    assert updates.remind.call() == 1
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["kaart@partner.example"]
    assert updates.remind.call() == 0  # once
    assert UpdateRequest.objects.get().reminded_at is not None


@pytest.mark.django_db
def test_workers_cannot_send_update_requests(client, world, stale):
    client.force_login(world.worker_a)
    assert (
        client.post(reverse("directory:update_request_send", args=[stale.organisation_id])).status_code == 403
    )
    assert not UpdateRequest.objects.exists()


def test_the_reminder_is_a_scheduled_job():
    from wijkteam.schedule import JOBS

    assert JOBS["directory_update_reminders"].task == "directory.updates.remind"


@pytest.mark.django_db
def test_hostile_answers_are_refused_or_kept_escaped(client, world, stale):
    from tests.test_hostile_input import CORPUS, SCRIPT

    _message, path = send(client, world, stale)
    client.logout()
    for value in CORPUS:
        response = client.post(path, {"proposal": value, "confirmed": value})
        assert response.status_code < 500, value[:20]
        assert SCRIPT not in response.content.decode(errors="replace")
        if response.status_code == 200:
            break  # taken: the link is used now
    request = UpdateRequest.objects.get()
    assert request.used_at is not None and request.proposal == SCRIPT
    client.force_login(world.coordinator_a)
    assert SCRIPT not in client.get(reverse("directory:stale")).content.decode()
