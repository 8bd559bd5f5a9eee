"""Events for the partner's system (issue 19, item 4): a status change or new feedback reaches
the webhook of each active client of the signal's organisation, signed, without personal data,
tried again with back-off when the receiver fails, and sent again from the administration.

The receiver is a real HTTP server on 127.0.0.1; the worker is `manage.py db_worker`.
"""

import datetime
import hashlib
import hmac
import http.server
import json
import logging
import threading

import pytest
from django.core.exceptions import ValidationError
from django.tasks import TaskResultStatus
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks_db.models import DBTaskResult
from freezegun import freeze_time

from api import services as api_services
from api import webhooks
from api.models import WebhookDelivery
from api.tests.conftest import Partner
from cases import services
from cases.models import Referral
from cases.tests.factories import ReferralFactory
from cases.tests.test_sharing import feedback, give
from mandates.tests.factories import MandateFactory
from teams.tests.factories import OrganisationFactory
from tests.worker import run_worker

TASK = "api.webhooks.deliver_webhook"
PAYLOAD_KEYS = {"id", "type", "signal", "status", "url", "occurred_at"}


# --- A partner's receiver on 127.0.0.1 ----------------------------------------------------------


class _Receiver(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.server.received.append((dict(self.headers), body))
        code = self.server.answers.pop(0) if self.server.answers else 200
        self.send_response(code)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver(settings):
    """An HTTP server on a random port of 127.0.0.1; `answers` are the statuses it gives, in turn
    (200 once they run out)."""
    settings.WIJKTEAM_WEBHOOK_ALLOW_LOOPBACK = True
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    server.received, server.answers = [], []
    server.url = f"http://127.0.0.1:{server.server_address[1]}/wijkteam/events"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def waiting() -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(status=TaskResultStatus.READY, task_path=TASK))


def verified(secret: str, headers: dict, body: bytes) -> dict:
    """What a partner does with an event: check the signature and the time, then read it."""
    timestamp = headers["X-Wijkteam-Timestamp"]
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(headers["X-Wijkteam-Signature"], f"sha256={expected}")
    assert abs(int(timestamp) - datetime.datetime.now(tz=datetime.UTC).timestamp()) < 300
    return json.loads(body)


def listening(partner, url):
    return api_services.webhook_set(client=partner.client, url=url, by=None)


@pytest.fixture
def team_a_routes(world):
    world.team_a.postcode_areas = ["8021"]
    world.team_a.save()


# --- End to end, with the worker ----------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_status_change_reaches_the_receiver_signed_and_without_personal_data(
    client, world, receiver, caplog
):
    partner = Partner(client, world.partner.organisation)
    listening(partner, receiver.url)
    signal = ReferralFactory(
        team=world.team_a,
        sender_organisation=partner.organisation,
        subject_first_name="Sanne",
        subject_last_name="Jansen",
    )
    services.referral_decline(
        referral=signal, by=world.coordinator_a, reason_code="outside_area", reason="Geen taak"
    )
    [delivery] = WebhookDelivery.objects.all()
    assert len(waiting()) == 1

    with caplog.at_level(logging.INFO):
        run_worker()

    [(headers, body)] = receiver.received
    event = verified(partner.client.webhook_secret, headers, body)
    assert set(event) == PAYLOAD_KEYS
    assert event["id"] == str(delivery.pk) == headers["X-Wijkteam-Event-Id"]
    assert (event["type"], event["signal"], event["status"]) == (
        "signal.status_changed",
        str(signal.pk),
        "not_picked_up",
    )
    assert event["url"].endswith(reverse("api:signal", args=[signal.pk]))
    assert datetime.datetime.fromisoformat(event["occurred_at"]).tzinfo is not None
    for personal in ("Sanne", "Jansen", signal.postcode, signal.concern[:20], "Geen taak"):
        assert personal not in body.decode(), personal
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.last_status) == ("delivered", 1, 200)
    assert delivery.delivered_at is not None
    assert waiting() == []


@pytest.mark.django_db(transaction=True)
def test_a_receiver_that_fails_gets_the_same_event_again_later(client, world, receiver):
    partner = Partner(client, world.partner.organisation)
    listening(partner, receiver.url)
    signal = ReferralFactory(team=world.team_a, sender_organisation=partner.organisation)
    receiver.answers = [500]
    start = timezone.now()
    services.referral_decline(referral=signal, by=world.coordinator_a, reason_code="outside_area", reason="")
    run_worker()

    [delivery] = WebhookDelivery.objects.all()
    assert (delivery.state, delivery.attempts, delivery.last_status, delivery.last_error) == (
        "pending",
        1,
        500,
        "HTTP 500",
    )
    [retry] = waiting()
    assert retry.run_after >= start + webhooks.RETRY_DELAYS[0]
    assert delivery.next_attempt_at == retry.run_after

    run_worker()  # not due yet: left alone
    assert len(receiver.received) == 1

    with freeze_time(retry.run_after + datetime.timedelta(seconds=5), tick=True):
        run_worker()
    assert len(receiver.received) == 2
    first, second = (json.loads(body) for _headers, body in receiver.received)
    assert first == second, "the same event, the same id: the partner can drop a repeat"
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.last_status) == ("delivered", 2, 200)
    reasons = list(delivery.history.order_by("history_date").values_list("history_change_reason", flat=True))
    assert len(reasons) == 3 and "500" in reasons[1]


@pytest.mark.django_db(transaction=True)
def test_a_delivery_whose_task_was_lost_is_queued_again_by_the_schedule(client, world, receiver):
    from wijkteam.schedule import JOBS

    assert JOBS["webhook_resume"].task == "api.webhooks.resume_stalled"
    partner = Partner(client, world.partner.organisation)
    listening(partner, receiver.url)
    signal = ReferralFactory(team=world.team_a, sender_organisation=partner.organisation)
    services.referral_decline(referral=signal, by=world.coordinator_a, reason_code="outside_area", reason="")
    DBTaskResult.objects.filter(task_path=TASK).delete()  # the worker went down with its queue

    assert webhooks.resume_stalled.call() == {"resumed": 0}, "not overdue yet: its task may still come"
    assert waiting() == []
    with freeze_time(timezone.now() + webhooks.STALLED_AFTER + datetime.timedelta(minutes=1), tick=True):
        assert webhooks.resume_stalled.call() == {"resumed": 1}
        run_worker()
    assert len(receiver.received) == 1
    delivery = WebhookDelivery.objects.get()
    assert (delivery.state, delivery.attempts) == ("delivered", 1)
    assert webhooks.resume_stalled.call() == {"resumed": 0}, "a delivered event is left alone"


@pytest.mark.django_db(transaction=True)
def test_a_receiver_that_is_gone_is_given_up_after_the_last_attempt(client, world, receiver, settings):
    partner = Partner(client, world.partner.organisation)
    listening(partner, receiver.url)
    receiver.shutdown()
    receiver.server_close()  # the port refuses from now on
    signal = ReferralFactory(team=world.team_a, sender_organisation=partner.organisation)
    services.referral_decline(referral=signal, by=world.coordinator_a, reason_code="outside_area", reason="")
    moment = timezone.now()
    for delay in [datetime.timedelta(0), *webhooks.RETRY_DELAYS]:
        moment += delay + datetime.timedelta(seconds=5)
        with freeze_time(moment, tick=True):
            run_worker()
    delivery = WebhookDelivery.objects.get()
    assert (delivery.state, delivery.attempts) == ("failed", webhooks.MAX_ATTEMPTS)
    assert delivery.last_status is None and "Connection" in delivery.last_error
    assert waiting() == []


@pytest.mark.django_db(transaction=True)
def test_the_administrator_sends_a_failed_event_again(client, world, receiver, caplog):
    partner = Partner(client, world.partner.organisation)
    listening(partner, receiver.url)
    signal = ReferralFactory(team=world.team_a, sender_organisation=partner.organisation)
    delivery = WebhookDelivery(
        client=partner.client,
        event_type="signal.status_changed",
        signal_id=signal.pk,
        payload={"id": "x", "type": "signal.status_changed", "signal": str(signal.pk)},
        state="failed",
        attempts=webhooks.MAX_ATTEMPTS,
        last_error="HTTP 503",
    )
    delivery.save()
    changelist = reverse("admin:api_webhookdelivery_changelist")
    client.force_login(world.admin)
    listing = client.get(changelist, {"state__exact": "failed"})
    assert listing.status_code == 200 and "HTTP 503" in listing.text
    with caplog.at_level(logging.INFO, logger="wijkteam.security"):
        response = client.post(changelist, {"action": "resend", "_selected_action": [str(delivery.pk)]})
    assert response.status_code == 302
    assert [r for r in caplog.records if getattr(r, "event", "") == "webhook_resend"]
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == ("pending", 0)
    latest = delivery.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (world.admin, _("Sent again"))
    run_worker()
    assert len(receiver.received) == 1
    delivery.refresh_from_db()
    assert delivery.state == "delivered"


# --- Which events, for whom (the commit's callbacks run here; the worker does not) ---------------


@pytest.mark.django_db
def test_only_the_signals_organisation_hears_of_it(
    client, world, django_capture_on_commit_callbacks, settings
):
    settings.WIJKTEAM_WEBHOOK_ALLOW_LOOPBACK = True
    partner = Partner(client, world.partner.organisation)
    other = Partner(client, OrganisationFactory(sector="gp", is_partner=True))
    silent = Partner(client, world.partner.organisation)  # no webhook URL: nothing to send
    for listener in (partner, other):
        listening(listener, "http://127.0.0.1:9/events")
    signal = ReferralFactory(team=world.team_a, sender_organisation=partner.organisation)
    with django_capture_on_commit_callbacks(execute=True):
        services.referral_decline(
            referral=signal, by=world.coordinator_a, reason_code="outside_area", reason=""
        )
    assert [(d.client, d.event_type) for d in WebhookDelivery.objects.all()] == [
        (partner.client, "signal.status_changed")
    ]
    assert silent.client.deliveries.count() == 0 == other.client.deliveries.count()


@pytest.mark.django_db
def test_a_revoked_client_hears_nothing(client, world, django_capture_on_commit_callbacks, settings):
    settings.WIJKTEAM_WEBHOOK_ALLOW_LOOPBACK = True
    partner = Partner(client, world.partner.organisation)
    listening(partner, "http://127.0.0.1:9/events")
    api_services.client_revoke(client=partner.client, by=None)
    signal = ReferralFactory(team=world.team_a, sender_organisation=partner.organisation)
    with django_capture_on_commit_callbacks(execute=True):
        services.referral_decline(
            referral=signal, by=world.coordinator_a, reason_code="outside_area", reason=""
        )
    assert not WebhookDelivery.objects.exists()


@pytest.mark.django_db
def test_accept_and_assign_in_one_step_is_one_event_and_nothing_is_sent_on_rollback(
    client, world, family, django_capture_on_commit_callbacks, settings
):
    settings.WIJKTEAM_WEBHOOK_ALLOW_LOOPBACK = True
    household, _people = family
    partner = Partner(client, world.partner.organisation)
    listening(partner, "http://127.0.0.1:9/events")
    signal = ReferralFactory(team=world.team_a, sender_organisation=partner.organisation)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.referral_accept(
            referral=signal, by=world.coordinator_a, household=household, worker=world.worker_a
        )
    assert len(callbacks) == 1
    [delivery] = WebhookDelivery.objects.all()
    assert delivery.payload["status"] == "picked_up"
    assert [t.args_kwargs for t in DBTaskResult.objects.filter(task_path=TASK)] == [
        {"args": [str(delivery.pk)], "kwargs": {"attempt": 1}}
    ]

    other = ReferralFactory(team=world.team_a, sender_organisation=partner.organisation)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.referral_decline(
            referral=other, by=world.coordinator_a, reason_code="outside_area", reason=""
        )
    # The test's transaction never commits: the callbacks were only captured, none ran.
    assert WebhookDelivery.objects.count() == 1


@pytest.mark.django_db
def test_a_signal_merged_into_another_hears_of_the_others_status(
    client, world, family, django_capture_on_commit_callbacks, settings
):
    """A merged signal shows the status of the one it joined: that one's change is its change."""
    settings.WIJKTEAM_WEBHOOK_ALLOW_LOOPBACK = True
    household, _people = family
    partner = Partner(client, world.partner.organisation)
    listening(partner, "http://127.0.0.1:9/events")
    earlier = ReferralFactory(team=world.team_a, received_at=timezone.now() - datetime.timedelta(days=2))
    later = ReferralFactory(team=world.team_a, sender_organisation=partner.organisation)
    with django_capture_on_commit_callbacks(execute=True):
        services.referral_merge(referral=later, into_id=earlier.pk, by=world.coordinator_a, reason="dubbel")
    assert not WebhookDelivery.objects.exists(), "still 'received' for the partner"
    with django_capture_on_commit_callbacks(execute=True):
        services.referral_accept(referral=earlier, by=world.coordinator_a, household=household)
    [delivery] = WebhookDelivery.objects.all()
    assert (delivery.signal_id, delivery.payload["status"]) == (later.pk, "picked_up")


@pytest.mark.django_db
def test_feedback_for_the_sender_is_an_event(
    client, world, family, django_capture_on_commit_callbacks, settings
):
    settings.WIJKTEAM_WEBHOOK_ALLOW_LOOPBACK = True
    household, people = family
    partner = Partner(client, world.partner.organisation)
    listening(partner, "http://127.0.0.1:9/events")
    signal = ReferralFactory(team=world.team_a, sender_organisation=partner.organisation)
    with django_capture_on_commit_callbacks(execute=True):
        services.referral_accept(
            referral=signal, by=world.coordinator_a, household=household, worker=world.worker_a
        )
    MandateFactory(team=world.team_a, organisation=partner.organisation, feedback_level="full")
    give(world, people["mother"], categories=["situation"])
    with django_capture_on_commit_callbacks(execute=True):
        feedback(world, household, [people["mother"]], ["situation"], content="Wij zijn in gesprek.")
    events = list(WebhookDelivery.objects.order_by("created_at").values_list("event_type", "signal_id"))
    assert events == [("signal.status_changed", signal.pk), ("signal.feedback", signal.pk)]
    assert "gesprek" not in json.dumps(WebhookDelivery.objects.get(event_type="signal.feedback").payload)


# --- The URL and the secrets ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "loopback", "ok"),
    [
        ("https://lvs.regenboog.example/hooks", False, True),
        ("http://lvs.regenboog.example/hooks", False, False),
        ("http://127.0.0.1:8080/hooks", False, False),
        ("http://127.0.0.1:8080/hooks", True, True),
        ("http://localhost/hooks", True, True),
        ("https://10.0.0.5/hooks", False, False),
        ("https://169.254.169.254/latest", True, False),
        ("https://user:pw@lvs.example/hooks", False, False),
        ("ftp://lvs.example/hooks", False, False),
        ("javascript:alert(1)", True, False),
    ],
)
def test_a_webhook_url_is_https_and_not_internal(settings, url, loopback, ok):
    settings.WIJKTEAM_WEBHOOK_ALLOW_LOOPBACK = loopback
    if ok:
        webhooks.check_url(url)
    else:
        with pytest.raises(ValidationError):
            webhooks.check_url(url)


@pytest.mark.django_db
def test_setting_the_url_and_rotating_the_secret_leave_history(client, world):
    partner = Partner(client, world.partner.organisation)
    first = partner.client.webhook_secret
    assert first.startswith("whsec_")
    with pytest.raises(ValidationError) as refused:
        api_services.webhook_set(client=partner.client, url="http://lvs.example/", by=world.admin)
    assert "webhook_url" in refused.value.message_dict
    api_services.webhook_set(client=partner.client, url="https://lvs.example/h", by=world.admin)
    second = api_services.webhook_secret_rotate(client=partner.client, by=world.admin)
    partner.client.refresh_from_db()
    assert second != first and partner.client.webhook_secret == second
    rows = list(partner.client.history.order_by("history_date"))
    assert [(r.history_user, r.history_change_reason) for r in rows[-2:]] == [
        (world.admin, _("Webhook URL changed")),
        (world.admin, _("Webhook secret rotated")),
    ]
    assert not hasattr(rows[-1], "webhook_secret"), "the secret stays out of the history"


def test_the_signature_is_hmac_sha256_of_timestamp_dot_body():
    body = b'{"id":"1"}'
    expected = hmac.new(b"geheim", b"1700000000." + body, hashlib.sha256).hexdigest()
    assert webhooks.sign("geheim", "1700000000", body) == f"sha256={expected}"


@pytest.mark.django_db
def test_payload_keys_have_no_room_for_personal_data(world):
    signal = ReferralFactory(team=world.team_a, subject_last_name="Jansen")
    payload = webhooks._payload("e1", "signal.feedback", Referral.objects.get(pk=signal.pk))
    assert set(payload) == PAYLOAD_KEYS
    assert "Jansen" not in json.dumps(payload)
