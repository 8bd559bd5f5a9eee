"""Documents in quarantine: scanned when clamd is back (the task queue, and the schedule)."""

import logging

from django.tasks import task

from documents.models import Document

logger = logging.getLogger("wijkteam.documents")


@task()
def scan_pending() -> dict:
    """Scan every document waiting in quarantine; those clamd cannot reach yet stay pending."""
    results: dict[str, int] = {}
    from documents import services

    for document in Document.objects.filter(scan_status=Document.ScanStatus.PENDING).order_by("added_at"):
        result = services.rescan(document)
        results[result] = results.get(result, 0) + 1
        if result == "unavailable":
            break  # clamd is still away: the schedule tries again in 15 minutes
    if results:
        logger.info("Documents in quarantine scanned: %s", results)
    return results
