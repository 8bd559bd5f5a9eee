"""The schedule (wijkteam/schedule.py): a due job is queued once, whoever runs the clock and how
often, and never before it is due; the worker runs it (issue 16.5)."""

import datetime
import threading
import zoneinfo

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from freezegun import freeze_time

from teams.models import Notification
from teams.tests.factories import PositionFactory
from tests.worker import run_worker
from wijkteam import schedule
from wijkteam.models import ScheduledRun

AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=AMSTERDAM)


def queued(name: str) -> int:
    return DBTaskResult.objects.filter(task_path=schedule.JOBS[name].task).count()


@pytest.mark.django_db
def test_a_due_job_is_queued_once_when_the_clock_runs_twice():
    now = at(2026, 3, 2, 7, 0, 30)
    first = schedule.run_due(now)
    # A new installation checks at once; the digest waits for 07:00 …
    assert set(first) == {
        "deadline_checks",
        "evaluation_checks",
        "mandate_reviews",
        "scan_quarantine",
        "webhook_resume",
    }
    assert schedule.run_due(now) == []
    assert queued("deadline_checks") == 1
    digest = ScheduledRun.objects.get(name="daily_digest")
    assert digest.next_run_at == at(2026, 3, 3, 7, 0)  # … of the next day: 07:00:00 had passed
    assert "daily_digest" not in schedule.run_due(at(2026, 3, 3, 6, 59))  # not before it is due
    assert schedule.run_due(at(2026, 3, 3, 7, 0, 1)) == ["daily_digest"]
    assert schedule.run_due(at(2026, 3, 3, 7, 0, 2)) == []
    assert queued("daily_digest") == 1


@pytest.mark.django_db
def test_a_stopped_clock_queues_a_missed_job_once():
    schedule.run_due(at(2026, 3, 2, 6, 0))
    assert schedule.run_due(at(2026, 3, 9, 12, 0)).count("daily_digest") == 1
    assert ScheduledRun.objects.get(name="daily_digest").next_run_at == at(2026, 3, 10, 7, 0)


def test_daily_keeps_to_amsterdam_time_across_summer_time():
    daily = schedule.Daily(datetime.time(7, 0))
    assert daily.next_after(at(2026, 3, 28, 8, 0)) == at(2026, 3, 29, 7, 0)
    assert daily.next_after(at(2026, 3, 28, 8, 0)).utcoffset() == datetime.timedelta(hours=2)


@pytest.mark.django_db(transaction=True)
def test_two_clocks_at_the_same_moment_queue_a_job_once():
    """Two schedulers in two threads (each its own connection and transaction) released together."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrent transactions need PostgreSQL")
    now = at(2026, 3, 2, 7, 0, 30)
    schedule.run_due(now - datetime.timedelta(hours=2))  # the rows exist; the hourly check is due again
    DBTaskResult.objects.all().delete()
    barrier = threading.Barrier(2)
    results = []

    def clock():
        try:
            barrier.wait(timeout=10)
            results.append(schedule.run_due(now))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=clock) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    names = sorted(name for names in results for name in names)
    # Due at 07:00:30: the hourly check, the two 06:30 checks, the digest and the quarantine's
    # scan and the webhooks' resume (every 15 minutes); each queued once.
    names_due = [
        "daily_digest",
        "deadline_checks",
        "evaluation_checks",
        "mandate_reviews",
        "scan_quarantine",
        "webhook_resume",
    ]
    assert names == names_due
    assert DBTaskResult.objects.count() == len(names_due)


@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_what_the_clock_queued(world):
    """run_schedule queues the jobs, db_worker runs them: a signal past its deadline becomes a
    notification for the team's coordinator."""
    from cases.tests.factories import ReferralFactory

    PositionFactory(team=world.team_a, access_role="coordinator")
    ReferralFactory(team=world.team_a, status="received", first_contact_due=datetime.date(2020, 1, 6))
    call_command("run_schedule", verbosity=0)
    run_worker()
    assert not DBTaskResult.objects.exclude(status=TaskResultStatus.SUCCESSFUL).exists()
    assert Notification.objects.filter(user=world.coordinator_a, kind="overdue").count() == 1


@pytest.mark.django_db
def test_every_job_is_a_task_of_the_queue():
    from django.utils.module_loading import import_string

    for job in schedule.JOBS.values():
        assert hasattr(import_string(job.task), "enqueue"), job.task


@freeze_time("2026-03-02 05:00:00")
@pytest.mark.django_db
def test_the_command_queues_once():
    call_command("run_schedule", verbosity=0)
    call_command("run_schedule", verbosity=0)
    assert queued("deadline_checks") == 1
