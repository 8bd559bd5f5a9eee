"""The schedule: jobs that run by the clock, on the task queue the mail already uses.

django-tasks-db runs what is queued, but has no clock. `manage.py run_schedule` is the clock:
run every minute (a systemd timer in production, a loop beside the worker in `make run`), it
queues each job of JOBS that is due as a task, and `db_worker` runs it. Each job has one row in
ScheduledRun; a due row is claimed by one conditional UPDATE (`next_run_at` moved on, only if it
still holds the value read), in the same transaction as the queued task. Two schedulers at
once, or one run twice, queue a due job exactly once; a scheduler that was stopped for days
queues it once, not once per missed day.

Retention is not here: it changes history rows, which only a session of the tables' owner may do
(wijkteam/db.py), and no long-running process holds the owner's password. It stays a nightly
command run as root with owner.env (README, "Deploying", step 7).
"""

import dataclasses
import datetime
import logging

from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from wijkteam.models import ScheduledRun

logger = logging.getLogger("wijkteam.schedule")


@dataclasses.dataclass(frozen=True)
class Every:
    """Every so many minutes, first at once."""

    minutes: int

    def first(self, now: datetime.datetime) -> datetime.datetime:
        return now

    def next_after(self, now: datetime.datetime) -> datetime.datetime:
        return now + datetime.timedelta(minutes=self.minutes)


@dataclasses.dataclass(frozen=True)
class Daily:
    """Once a day at a time of day, Europe/Amsterdam (summer time included); a check may run
    at once the first time (a new installation), a mail to everyone waits for its hour."""

    at: datetime.time
    first_at_once: bool = False

    def first(self, now: datetime.datetime) -> datetime.datetime:
        return now if self.first_at_once else self.next_after(now)

    def next_after(self, now: datetime.datetime) -> datetime.datetime:
        day = timezone.localdate(now)
        while True:
            when = timezone.make_aware(datetime.datetime.combine(day, self.at))
            if when > now:
                return when
            day += datetime.timedelta(days=1)


@dataclasses.dataclass(frozen=True)
class Job:
    task: str  # dotted path of a django.tasks task without arguments
    when: Every | Daily


# The checks run before the digest, so that the morning mail counts what they found.
JOBS: dict[str, Job] = {
    "deadline_checks": Job("cases.notifications.check_deadlines", Every(minutes=60)),
    "evaluation_checks": Job("cases.notifications.check_evaluations", Daily(datetime.time(6, 30), True)),
    "mandate_reviews": Job("mandates.notifications.remind_reviews", Daily(datetime.time(6, 30), True)),
    "daily_digest": Job("teams.notifications.send_daily_digests", Daily(datetime.time(7, 0))),
    "prune_notifications": Job("teams.notifications.prune", Daily(datetime.time(3, 0))),
    # Documents stored in quarantine while clamd was unreachable.
    "scan_quarantine": Job("documents.tasks.scan_pending", Every(minutes=15)),
    # Webhook deliveries to partner systems whose queued attempt was lost.
    "webhook_resume": Job("api.webhooks.resume_stalled", Every(minutes=15)),
    # The social map: one reminder to organisations that left an update request unanswered.
    "directory_update_reminders": Job("directory.updates.remind", Daily(datetime.time(9, 0))),
}


def _add_missing(now: datetime.datetime) -> None:
    existing = set(ScheduledRun.objects.values_list("name", flat=True))
    missing = [
        ScheduledRun(name=name, next_run_at=job.when.first(now))
        for name, job in JOBS.items()
        if name not in existing
    ]
    if missing:
        # Another scheduler adding the same rows at the same moment is no error.
        ScheduledRun.objects.bulk_create(missing, ignore_conflicts=True)


def run_due(now: datetime.datetime | None = None) -> list[str]:
    """Queue every job that is due, each once; the names of the jobs this call queued."""
    now = now or timezone.now()
    _add_missing(now)
    queued = []
    for row in ScheduledRun.objects.filter(name__in=JOBS, next_run_at__lte=now).order_by(
        "next_run_at", "name"
    ):
        job = JOBS[row.name]
        with transaction.atomic():
            claimed = ScheduledRun.objects.filter(name=row.name, next_run_at=row.next_run_at).update(
                next_run_at=job.when.next_after(now), last_run_at=now
            )
            if not claimed:
                continue  # another scheduler took it
            result = import_string(job.task).enqueue()
            ScheduledRun.objects.filter(name=row.name).update(last_task_id=str(result.id))
        logger.info("Scheduled job %s queued as task %s", row.name, result.id)
        queued.append(row.name)
    return queued
