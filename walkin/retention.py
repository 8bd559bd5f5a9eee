"""Retention of walk-in visits (called by cases/retention.py `apply`, in its transaction).

An anonymous visit holds no personal data and is kept as a count. A visit that named someone:
- linked to a household, it follows the household: when the household is pseudonymised, the
  visit's name, phone and note are blanked with the household's other free text (cases.retention
  TEXT);
- never a household, its name, phone and note are blanked WIJKTEAM_WALKIN_NAMED_KEEP_DAYS after
  the visit, history rows and change reasons included; the visit stays as a count for the figures.
"""

import datetime

from django.conf import settings
from django.db import connection
from django.db.models import Q
from django.utils import timezone

from walkin.models import Visit

BLANK = {"name": "", "phone": "", "note": ""}


def due(today: datetime.date | None = None):
    """Named visits without a household older than the keep period (whole local days)."""
    today = today or timezone.localdate()
    first_kept_day = today - datetime.timedelta(days=settings.WIJKTEAM_WALKIN_NAMED_KEEP_DAYS)
    cutoff = datetime.datetime.combine(
        first_kept_day, datetime.time.min, tzinfo=timezone.get_current_timezone()
    )
    return Visit.objects.filter(household__isnull=True, occurred_at__lt=cutoff).filter(
        ~Q(name="") | ~Q(phone="") | ~Q(note="")
    )


def blank_named(today: datetime.date | None = None) -> int:
    """Blank the due visits and their history; returns how many. Bulk on purpose: the retention
    job is the one documented path past the audit guard (cases/retention.py)."""
    ids = list(due(today).values_list("pk", flat=True))
    if not ids:
        return 0
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL wijkteam.retention = 'on'")
    Visit._base_manager.filter(pk__in=ids).update(**BLANK)
    Visit.history.filter(id__in=ids).update(history_change_reason="", **BLANK)
    return len(ids)
