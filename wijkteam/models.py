"""The scheduler's table: one row per scheduled job, with when it is due next (wijkteam/schedule.py)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ScheduledRun(models.Model):
    """When a job of the schedule last ran and is due next.

    `run_schedule` claims a due row by moving `next_run_at` on in one conditional UPDATE; only
    the process whose UPDATE matched enqueues the job, so two schedulers never enqueue it twice.
    """

    name = models.CharField(_("job"), max_length=60, primary_key=True)
    next_run_at = models.DateTimeField(_("next run at"))
    last_run_at = models.DateTimeField(_("last run at"), null=True, blank=True)
    last_task_id = models.CharField(_("last task"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("scheduled run")
        verbose_name_plural = _("scheduled runs")
        ordering = ["name"]

    def __str__(self):
        return self.name
