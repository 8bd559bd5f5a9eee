"""History that nobody bypasses.

django-simple-history writes its rows from model signals, which `QuerySet.update()`,
`bulk_create()`, `bulk_update()` and `QuerySet.delete()` never send. Audited models use a
QuerySet that refuses those calls, so every change goes through `save()`/`delete()` on an
instance and leaves a history row with who, when and why.
"""

from django.db import models
from django.utils.text import Truncator

# django-simple-history keeps a change's reason in 100 characters.
REASON_LENGTH = 100


def fit_reason(sender, history_instance, **kwargs) -> None:
    """pre_create_historical_record: a reason longer than its column (a handover's or a decision's
    written reason) is cut with an ellipsis instead of failing the whole change; the full text
    stays where the service keeps it (the decision, the note)."""
    reason = history_instance.history_change_reason
    if reason and len(reason) > REASON_LENGTH:
        history_instance.history_change_reason = Truncator(reason).chars(REASON_LENGTH)


class HistoryBypassError(Exception):
    """Raised when code tries a bulk write that would leave no history."""

    def __init__(self, model: type[models.Model], operation: str):
        super().__init__(
            f"{model._meta.label}.{operation}() is refused: it skips the history of an audited "
            f"model. Change each object with save() or delete() in a service function."
        )


class AuditedQuerySet(models.QuerySet):
    """A QuerySet whose bulk writes are refused because they would skip history."""

    def update(self, **kwargs):
        raise HistoryBypassError(self.model, "update")

    def bulk_create(self, objs, *args, **kwargs):
        raise HistoryBypassError(self.model, "bulk_create")

    def bulk_update(self, objs, fields, *args, **kwargs):
        raise HistoryBypassError(self.model, "bulk_update")

    def delete(self):
        raise HistoryBypassError(self.model, "delete")

    delete.alters_data = True
    delete.queryset_only = True
    update.alters_data = True


def audited_models() -> list[type[models.Model]]:
    """Every model that django-simple-history tracks (the set the guard must cover)."""
    from simple_history.models import registered_models

    return sorted(
        (m for m in registered_models.values() if not m._meta.abstract and not m._meta.auto_created),
        key=lambda m: m._meta.label,
    )


def history_tables() -> list[str]:
    """Every history table, the many-to-many ones (e.g. who attended a case review) included."""
    from django.apps import apps
    from simple_history.models import HistoricalChanges

    return sorted(m._meta.db_table for m in apps.get_models() if issubclass(m, HistoricalChanges))
