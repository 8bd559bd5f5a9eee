"""The task worker in a test: as the service runs it, until nothing is ready."""

import signal

from django.core.management import call_command


def run_worker() -> None:
    """`manage.py db_worker --batch` (its signal handlers are put back afterwards, for the rest
    of the test run)."""
    saved = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    finally:
        for number, handler in saved.items():
            signal.signal(number, handler)
