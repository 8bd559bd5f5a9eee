"""Changes to mandates: managers only, one transaction, history with who and why."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from mandates import workflow
from mandates.models import Mandate, MandateReview
from teams import policy
from teams.models import User


def _check(by, team_id: int) -> None:
    if team_id not in policy.teams_for(by, "mandate.edit"):
        raise PermissionDenied(_("Only a manager of the team can change its mandates."))


@transaction.atomic
def mandate_save(*, mandate: Mandate, by: User, reason: str) -> Mandate:
    if mandate.pk:
        original = Mandate.objects.select_for_update().get(pk=mandate.pk)
        _check(by, original.team_id)
        mandate.team_id = original.team_id  # a mandate never moves to another team
        workflow.MANDATE.clean_change(original.status, mandate.status, field="status")
    _check(by, mandate.team_id)
    mandate._change_reason = reason or (_("Mandate changed") if mandate.pk else _("Mandate recorded"))
    mandate._history_user = by
    mandate.full_clean()
    mandate.save()
    return mandate


@transaction.atomic
def mandate_review(*, mandate: Mandate, review: MandateReview, by: User) -> MandateReview:
    """Record a review; it sets the next review date, and 'end' ends the mandate today."""
    mandate = Mandate.objects.select_for_update().get(pk=mandate.pk)
    _check(by, mandate.team_id)
    review.mandate = mandate
    review.reviewed_by = by
    review._change_reason = _("Mandate reviewed")
    review._history_user = by
    review.full_clean()
    review.save()
    mandate.next_review_on = review.next_review_on
    if review.decision == MandateReview.Decision.END:
        mandate.status = workflow.MANDATE.clean(mandate.status, "end", field="decision")
        mandate.valid_until = max(review.reviewed_on, mandate.valid_from)
        mandate.next_review_on = None
    mandate._change_reason = _("Reviewed: %(decision)s") % {"decision": review.get_decision_display().lower()}
    mandate._history_user = by
    mandate.full_clean()
    mandate.save()
    return review
