"""Events for partner systems: a signal's status changed, or it got feedback the partner may see.

When a signal of an organisation changes its status *as the partner sees it* (received, picked
up, not picked up, closed: `Referral.partner_status`), or gets feedback shared with that
organisation (`cases.services.sharing.share`, read back by `partner_feedback`), each active API
client of that organisation with a webhook URL gets one event, after the change committed
(`transaction.on_commit`): a WebhookDelivery row and a task of the task queue, written together.

The worker (`manage.py db_worker`) runs `deliver_webhook`: a POST of JSON without personal data
(the event id, its type, the signal's id, its partner status, the signal's API URL, the time),
signed with the client's webhook secret:

    X-Wijkteam-Timestamp: <unix seconds>
    X-Wijkteam-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">

Any 2xx is delivered. Anything else (another status, a timeout, a refused connection, a
redirect) is tried again after RETRY_DELAYS (1 min, 5 min, 30 min, 2 h, 12 h), by queueing the
task again with `run_after`; after the last it is failed, visible in the administration, where
it can be sent again.

A webhook URL is https; plain http only to this machine (127.0.0.1, localhost, ::1) where
WIJKTEAM_WEBHOOK_ALLOW_LOOPBACK allows it (default: as DEBUG). An address in a private, loopback
or link-local range is refused otherwise, at entry and again before every attempt.
"""

import datetime
import hashlib
import hmac
import ipaddress
import json
import logging
import secrets
import time
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.tasks import task
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from api.models import ApiClient, WebhookDelivery

logger = logging.getLogger("wijkteam.webhooks")

RETRY_DELAYS = [
    datetime.timedelta(minutes=1),
    datetime.timedelta(minutes=5),
    datetime.timedelta(minutes=30),
    datetime.timedelta(hours=2),
    datetime.timedelta(hours=12),
]
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1"}
SIGNATURE_HEADER = "X-Wijkteam-Signature"
TIMESTAMP_HEADER = "X-Wijkteam-Timestamp"


# --- The URL ------------------------------------------------------------------------------------


def _is_loopback(host: str) -> bool:
    return host.lower() in LOOPBACK_NAMES


def _is_internal(host: str) -> bool:
    """An IP literal of this machine or a private network (a webhook is no way into those)."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host.lower() == "localhost" or host.lower().endswith(".localhost")
    return not address.is_global


def check_url(url: str) -> None:
    """Raise ValidationError unless `url` is a webhook URL this installation sends to."""
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    allow_loopback = settings.WIJKTEAM_WEBHOOK_ALLOW_LOOPBACK and _is_loopback(host)
    if parts.scheme not in ("https", "http") or not host or parts.username or parts.password:
        raise ValidationError(_("Enter a web address that starts with https://."), code="scheme")
    if parts.scheme == "http" and not allow_loopback:
        raise ValidationError(_("Enter a web address that starts with https://."), code="scheme")
    if _is_internal(host) and not allow_loopback:
        raise ValidationError(_("This address is not reachable from the internet."), code="internal")


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


# --- Events -------------------------------------------------------------------------------------


def _payload(delivery_id, event_type: str, referral) -> dict:
    return {
        "id": str(delivery_id),
        "type": event_type,
        "signal": str(referral.pk),
        "status": str(referral.partner_status),
        "url": settings.WIJKTEAM_SITE_URL + reverse("api:signal", args=[referral.pk]),
        "occurred_at": timezone.now().isoformat(timespec="seconds"),
    }


def _listeners(organisation_id):
    if organisation_id is None:
        return ApiClient.objects.none()
    return ApiClient.objects.active().filter(organisation_id=organisation_id).exclude(webhook_url="")


@transaction.atomic
def _emit(referral_id, event_type: str) -> list[WebhookDelivery]:
    """One delivery and one queued task per listening client of the signal's sender."""
    from cases.models import Referral

    referral = Referral.objects.filter(pk=referral_id).first()
    if referral is None:
        return []
    made = []
    for client in _listeners(referral.sender_organisation_id):
        delivery = WebhookDelivery(client=client, event_type=event_type, signal_id=referral.pk, payload={})
        delivery.payload = _payload(delivery.pk, event_type, referral)
        delivery.next_attempt_at = timezone.now()
        delivery._change_reason = _("Event queued")
        delivery.save(force_insert=True)
        deliver_webhook.enqueue(str(delivery.pk), attempt=1)
        made.append(delivery)
    return made


def _watched(referral) -> dict:
    """The partner status of the signal and of the signals merged into it (they show its status)."""
    from cases.models import Referral

    statuses = {referral.pk: str(referral.partner_status)}
    layer = [referral.pk]
    for _hop in range(5):
        merged = list(Referral.objects.filter(merged_into_id__in=layer).exclude(pk__in=statuses))
        if not merged:
            break
        for signal in merged:
            statuses[signal.pk] = str(signal.partner_status)
        layer = [signal.pk for signal in merged]
    return statuses


def watch_status(referral):
    """Call before a signal's status changes (in the service's transaction): after the commit,
    each watched signal whose partner status differs from now gets a status event. Returns a
    function to call after the change, which compares and schedules the events."""
    before = _watched(referral)

    def changed():
        after = _watched(referral)
        for pk in set(before) | set(after):
            if pk in after and after[pk] != before.get(pk):
                transaction.on_commit(
                    lambda pk=pk: _emit(pk, WebhookDelivery.Event.STATUS_CHANGED), robust=True
                )

    return changed


def feedback_shared(share) -> None:
    """Feedback about a signal, shared with the organisation that sent it: an event after commit."""
    referral = share.referral
    if referral is None or referral.sender_organisation_id != share.recipient_id:
        return
    transaction.on_commit(lambda: _emit(referral.pk, WebhookDelivery.Event.FEEDBACK), robust=True)


# --- Sending ------------------------------------------------------------------------------------


def sign(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect is an answer that is not 2xx: tried again later


def _post(url: str, body: bytes, headers: dict) -> int:
    """POST and return the HTTP status; OSError (refused, timed out, DNS) for no answer."""
    opener = urllib.request.build_opener(_NoRedirects)
    # check_url() allowed only http(s) before this attempt.
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
    try:
        with opener.open(request, timeout=settings.WIJKTEAM_WEBHOOK_TIMEOUT) as response:
            response.read(1024)
            return response.status
    except urllib.error.HTTPError as error:
        error.close()
        return error.code


def _attempt(delivery: WebhookDelivery) -> tuple[int | None, str]:
    """(HTTP status or None, what failed or "")."""
    client = delivery.client
    if not client.is_active:
        return None, "client revoked"
    try:
        check_url(client.webhook_url)
    except ValidationError:
        return None, "webhook URL refused"
    body = json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode()
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Wijkteam-Webhook/1",
        "X-Wijkteam-Event": delivery.event_type,
        "X-Wijkteam-Event-Id": str(delivery.pk),
        TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: sign(client.webhook_secret, timestamp, body),
    }
    try:
        status = _post(client.webhook_url, body, headers)
    except (OSError, ValueError) as error:  # refused, timed out, unreachable, bad URL
        reason = getattr(error, "reason", None)
        return None, type(reason if isinstance(reason, Exception) else error).__name__[:200]
    return status, "" if 200 <= status < 300 else f"HTTP {status}"


def _due(delivery: WebhookDelivery, attempt: int) -> bool:
    return delivery.state == WebhookDelivery.State.PENDING and delivery.attempts == attempt - 1


@task
def deliver_webhook(delivery_id: str, *, attempt: int) -> dict:
    """One attempt of one delivery; on failure it queues the next one, or gives up."""
    delivery = WebhookDelivery.objects.select_related("client__user").filter(pk=delivery_id).first()
    if delivery is None or not _due(delivery, attempt):
        return {"skipped": True}  # delivered, given up, or another attempt was queued since
    status, failure = _attempt(delivery)
    now = timezone.now()
    with transaction.atomic():
        delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery_id)
        if not _due(delivery, attempt):
            return {"skipped": True}
        delivery.attempts = attempt
        delivery.last_status = status
        delivery.last_error = failure
        if not failure:
            delivery.state = WebhookDelivery.State.DELIVERED
            delivery.delivered_at = now
            delivery.next_attempt_at = None
            delivery._change_reason = _("Attempt %(attempt)s: delivered") % {"attempt": attempt}
        elif attempt >= MAX_ATTEMPTS or failure in ("client revoked", "webhook URL refused"):
            delivery.state = WebhookDelivery.State.FAILED
            delivery.next_attempt_at = None
            delivery._change_reason = _("Attempt %(attempt)s: %(failure)s; given up") % {
                "attempt": attempt,
                "failure": failure,
            }
        else:
            delivery.next_attempt_at = now + RETRY_DELAYS[attempt - 1]
            delivery._change_reason = _("Attempt %(attempt)s: %(failure)s") % {
                "attempt": attempt,
                "failure": failure,
            }
            deliver_webhook.using(run_after=delivery.next_attempt_at).enqueue(
                str(delivery.pk), attempt=attempt + 1
            )
        delivery.save()
    log = logger.info if not failure else logger.warning
    log(
        "Webhook %s to client %s, attempt %d: %s",
        delivery.pk,
        delivery.client_id,
        attempt,
        failure or "delivered",
        extra={"event": "webhook_attempt", "delivery": str(delivery.pk), "state": delivery.state},
    )
    return {"state": delivery.state, "attempt": attempt, "status": status}


# A pending delivery whose next attempt is this much overdue lost its task (the worker stopped
# mid-attempt, or the task row went with a restore): the schedule queues it again.
STALLED_AFTER = datetime.timedelta(minutes=15)


@task
def resume_stalled() -> dict:
    """Queue the next attempt of every pending delivery whose task did not come (schedule job
    `webhook_resume`). Should the lost task still run, the attempt number lets only one of the
    two through; at worst a partner gets an event twice, with the same id (they drop repeats)."""
    overdue = WebhookDelivery.objects.filter(
        state=WebhookDelivery.State.PENDING, next_attempt_at__lt=timezone.now() - STALLED_AFTER
    )
    resumed = 0
    for pk, attempts in overdue.values_list("pk", "attempts"):
        deliver_webhook.enqueue(str(pk), attempt=attempts + 1)
        resumed += 1
    if resumed:
        logger.warning("Webhook deliveries resumed after their task was lost: %d", resumed)
    return {"resumed": resumed}


@transaction.atomic
def delivery_resend(*, delivery: WebhookDelivery, by) -> WebhookDelivery:
    """Send a failed or delivered event again (the administration's action): the same event id,
    attempts anew. One still being tried is left alone (its next attempt is queued already)."""
    delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
    if delivery.state == WebhookDelivery.State.PENDING:
        raise ValidationError(_("This event is still being sent."))
    delivery.state = WebhookDelivery.State.PENDING
    delivery.attempts = 0
    delivery.delivered_at = None
    delivery.next_attempt_at = timezone.now()
    delivery._change_reason = _("Sent again")
    delivery._history_user = by
    delivery.save()
    deliver_webhook.enqueue(str(delivery.pk), attempt=1)
    return delivery
