"""Notifications: what is new for one user, in the app (the bell) and by e-mail (the digest).

A notification holds no personal data: a kind, a link into the app, at most a signal's
reference number. The e-mail holds less still: how many of each kind, and a link to the
notifications page. Mail passes through providers outside the municipality; what a
notification is about stays behind the login, where the gateway decides who may read it.

Who is notified of what is decided where it happens (cases/notifications.py for signals,
households and plans; mandates/notifications.py for reviews); this module only stores and
sends. Each user chooses how often mail comes (User.digest): never, once a day, or urgent
matters at once and the rest once a day. The daily digest is a job of the schedule
(wijkteam/schedule.py); an urgent notification queues `send_urgent` for its user.
"""

import dataclasses
import datetime

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import F
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import ngettext

from teams import policy
from teams.models import DigestFrequency, Notification, Position, User

# Read notifications are kept this long, then pruned by the schedule.
KEEP_READ_DAYS = 90


@dataclasses.dataclass(frozen=True)
class Event:
    """One notification to make: for whom, of what kind, where it links, and what it is about."""

    user_id: int
    kind: str
    url: str
    key: str
    reference: str = ""
    urgent: bool = False


def notify(event: Event) -> None:
    """Tell one user, adding up: an unread notification with the same key counts one more (and
    comes back to the top) instead of a second row. Runs in the caller's transaction."""
    now = timezone.now()
    unread = Notification.objects.filter(user_id=event.user_id, key=event.key, read_at__isnull=True)
    again = {"count": F("count") + 1, "created_at": now, "mailed_at": None}
    if event.urgent:
        again["urgent"] = True
    if not unread.update(**again):
        try:
            with transaction.atomic():
                _row(event, now).save()
        except IntegrityError:  # the same event for the same user a moment ago: count it there
            unread.update(**again)
    if event.urgent:
        _mail_urgent([event.user_id])


def notify_once(events: list[Event]) -> list[Notification]:
    """Tell each user once per key, ever (while the notification is kept): for the scheduled
    checks, which find the same overdue signal every time they run."""
    if not events:
        return []
    seen = set(
        Notification.objects.filter(key__in={event.key for event in events}).values_list("user_id", "key")
    )
    now = timezone.now()
    new, planned = [], set()
    for event in events:
        if (event.user_id, event.key) in seen or (event.user_id, event.key) in planned:
            continue
        planned.add((event.user_id, event.key))
        new.append(_row(event, now))
    Notification.objects.bulk_create(new, ignore_conflicts=True)
    _mail_urgent(sorted({row.user_id for row in new if row.urgent}))
    return new


def holders_by_team(perm: str, team_ids) -> dict[int, list[int]]:
    """Per team, the users who hold `perm` there today (teams/policy.py): whom a team's event
    concerns. Administrators and partner reporters hold no team role (teams/roles.py)."""
    holders: dict[int, list[int]] = {}
    rows = (
        Position.objects.active()
        .filter(
            team_id__in=team_ids,
            access_role__in=policy.holders(perm),
            user__is_active=True,
            user__is_staff=False,
            user__is_superuser=False,
            user__organisation__isnull=True,
        )
        .values_list("team_id", "user_id")
        .distinct()
    )
    for team_id, user_id in rows:
        holders.setdefault(team_id, []).append(user_id)
    return holders


def _row(event: Event, now: datetime.datetime) -> Notification:
    return Notification(
        user_id=event.user_id,
        kind=event.kind,
        url=event.url,
        key=event.key,
        reference=event.reference,
        urgent=event.urgent,
        created_at=now,
    )


def _mail_urgent(user_ids: list[int]) -> None:
    """Queue the mail at once for those who asked for it: the worker writes and sends it."""
    for user_id in User.objects.filter(pk__in=user_ids, digest=DigestFrequency.URGENT_AT_ONCE).values_list(
        "pk", flat=True
    ):
        send_urgent.enqueue(user_id)


# --- In the app ------------------------------------------------------------------------------


def mark_read(user, pk) -> Notification | None:
    """The user's own notification, marked read (None when it is not theirs: a 404)."""
    notification = Notification.objects.filter(user=user, pk=pk).first()
    if notification is not None and notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def mark_all_read(user) -> int:
    """Everything of the user's read now; how many were unread."""
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())


# --- By e-mail -------------------------------------------------------------------------------


def counts(notifications) -> list[tuple[str, int]]:
    """(label, how many) per kind, in the order of Notification.Kind: what a digest says."""
    per_kind: dict[str, int] = {}
    for notification in notifications:
        per_kind[notification.kind] = per_kind.get(notification.kind, 0) + notification.count
    return [(str(label), per_kind[kind]) for kind, label in Notification.Kind.choices if kind in per_kind]


def digest_message(user: User, notifications, *, urgent: bool = False) -> EmailMultiAlternatives:
    """The mail: how many of each kind, a link to the notifications page, a link to change how
    often. In the user's language. Never a name, an address, a reference or a signal's content."""
    with translation.override(user.mail_language or settings.LANGUAGE_CODE):
        rows = counts(notifications)
        total = sum(count for _label, count in rows)
        if urgent:
            subject = ngettext(
                "Wijkteam: %(count)s urgent notification", "Wijkteam: %(count)s urgent notifications", total
            ) % {"count": total}
        else:
            subject = ngettext(
                "Wijkteam: %(count)s new notification", "Wijkteam: %(count)s new notifications", total
            ) % {"count": total}
        context = {
            "rows": rows,
            "total": total,
            "urgent": urgent,
            "link": settings.WIJKTEAM_SITE_URL + reverse("teams:notifications"),
        }
        text = render_to_string("teams/email/digest.txt", context)
        html = render_to_string("teams/email/digest.html", context)
    message = EmailMultiAlternatives(subject, text, None, [user.email])
    message.attach_alternative(html, "text/html")
    return message


def _send(user: User, notifications: list[Notification], *, urgent: bool) -> bool:
    if not notifications or not user.email:
        return False
    digest_message(user, notifications, urgent=urgent).send()
    Notification.objects.filter(pk__in=[n.pk for n in notifications]).update(mailed_at=timezone.now())
    return True


def _unmailed():
    return Notification.objects.filter(read_at__isnull=True, mailed_at__isnull=True).order_by("created_at")


@task()
def send_urgent(user_id: int) -> bool:
    """The urgent notifications not mailed yet, in one mail, now (for User.digest "urgent")."""
    with transaction.atomic():
        user = User.objects.filter(pk=user_id, digest=DigestFrequency.URGENT_AT_ONCE).first()
        if user is None:
            return False
        pending = list(_unmailed().select_for_update().filter(user=user, urgent=True))
        return _send(user, pending, urgent=True)


@task()
def send_daily_digests() -> int:
    """Once a day: each user who wants mail gets one with what is new and unread since the last."""
    sent = 0
    users = User.objects.filter(
        is_active=True, digest__in=[DigestFrequency.DAILY, DigestFrequency.URGENT_AT_ONCE]
    ).exclude(email="")
    for user in users.filter(pk__in=_unmailed().values("user_id")):
        with transaction.atomic():
            pending = list(_unmailed().select_for_update().filter(user=user))
            sent += _send(user, pending, urgent=False)
    return sent


@task()
def prune() -> int:
    """Read notifications older than KEEP_READ_DAYS go."""
    before = timezone.now() - datetime.timedelta(days=KEEP_READ_DAYS)
    deleted, _per_model = Notification.objects.filter(read_at__lt=before).delete()
    return deleted
