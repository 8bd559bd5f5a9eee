"""The task queue in the administration: what ran when, and how it ended, not what it carries.

A waiting mail's arguments hold its text, and a password reset's text holds a link that sets
the account's password: not for an administrator's eyes. The list and the detail page of
django-tasks-db's admin stay, without the arguments and the return value.
"""

from django.contrib import admin
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

HIDDEN = {"args_kwargs", "return_value"}


class TaskResultAdmin(DBTaskResultAdmin):
    def get_readonly_fields(self, request, obj=None):
        return [name for name in super().get_readonly_fields(request, obj) if name not in HIDDEN]


def register(site: admin.AdminSite) -> None:
    if site.is_registered(DBTaskResult):
        site.unregister(DBTaskResult)
    site.register(DBTaskResult, TaskResultAdmin)
