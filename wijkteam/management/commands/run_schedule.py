"""Queue the scheduled jobs that are due (wijkteam/schedule.py); the task worker runs them."""

import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from wijkteam import schedule


class Command(BaseCommand):
    help = (
        "Queue each scheduled job that is due (deadline checks, digests, reminders), once even "
        "with several schedulers; `db_worker` runs them. Once, or with --every SECONDS in a loop."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--every",
            type=int,
            default=0,
            metavar="SECONDS",
            help="Keep running, looking every SECONDS (make run); without it, look once (a timer).",
        )

    def handle(self, *args, every=0, **options):
        while True:
            queued = schedule.run_due()
            if queued and options["verbosity"] > 0:
                self.stdout.write(f"Queued: {', '.join(queued)}")
            if not every:
                return
            close_old_connections()
            time.sleep(every)
