"""Consult questions (cases/models/consult.py): ask, answer, put on the case review's agenda.

Each change is one transaction with history (who, why). Notifications carry a kind and a link
only: never the question, a name or the household (teams/notifications.py).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import CaseReview, ConsultAnswer, ConsultQuestion, Household
from teams import policy
from teams.models import Notification, Position, User
from teams.notifications import Event, holders_by_team, notify


def colleagues(team_id: int, *, besides: User | None = None):
    """Who a question of the team can be put to: its workers and coordinators today."""
    members = Position.objects.active().filter(
        team_id=team_id, access_role__in=policy.holders("consult.read")
    )
    users = User.objects.filter(is_active=True, pk__in=members.values("user_id")).order_by(
        "first_name", "last_name", "username"
    )
    return users.exclude(pk=besides.pk) if besides is not None else users


def _audit(obj, by: User, reason: str) -> None:
    obj._history_user = by
    obj._change_reason = reason


@transaction.atomic
def consult_ask(
    *, household: Household, by: User, question: str, addressed_to: User | None, link_household: bool
) -> ConsultQuestion:
    """A question to the household's team (or one colleague in it), asked from the household.

    The household is linked only when the asker chooses to; the team is the household's."""
    policy.require(by, "consult.ask", household)
    if (
        addressed_to is not None
        and not colleagues(household.team_id, besides=by).filter(pk=addressed_to.pk).exists()
    ):
        raise ValidationError({"addressed_to": _("Choose a colleague of the team.")})
    asked = ConsultQuestion(
        team_id=household.team_id,
        asked_by=by,
        addressed_to=addressed_to,
        household=household if link_household else None,
        question=question.strip(),
        asked_at=timezone.now(),
    )
    _audit(asked, by, _("Consult question asked"))
    asked.full_clean()
    asked.save()
    _notify_asked(asked)
    return asked


@transaction.atomic
def consult_answer(*, question: ConsultQuestion, by: User, text: str) -> ConsultAnswer:
    """An answer in the thread (append-only); the asker hears of it."""
    question = ConsultQuestion.objects.select_for_update().get(pk=question.pk)
    policy.require(by, "consult.read", question)
    answer = ConsultAnswer(question=question, text=text.strip(), written_by=by, written_at=timezone.now())
    _audit(answer, by, _("Consult question answered"))
    answer.full_clean()
    answer.save()
    question.answer_count += 1
    _audit(question, by, _("Consult question answered"))
    question.save()
    if question.asked_by_id != by.pk:
        notify(
            Event(
                user_id=question.asked_by_id,
                kind=Notification.Kind.CONSULT_ANSWERED,
                url=reverse("cases:consult_detail", args=[question.pk]),
                key=f"consult:{question.pk}:answered",
            )
        )
    return answer


@transaction.atomic
def consult_put_on_agenda(*, question: ConsultQuestion, by: User) -> ConsultQuestion:
    """On the agenda of the household's next case review (one tap); once is enough."""
    question = ConsultQuestion.objects.select_for_update().get(pk=question.pk)
    policy.require(by, "consult.read", question)
    if question.household_id is None:
        raise ValidationError(_("Only a question linked to a household can go on its case review's agenda."))
    if not Household.objects.visible_to(by).filter(pk=question.household_id).exists():
        raise policy.Refused(_("You cannot see this household."))
    policy.require(by, "household.edit", question.household)
    if question.pending_on_agenda:
        raise ValidationError(_("This question is already on the agenda of the next case review."))
    question.on_agenda_at = timezone.now()
    question.discussed_in = None
    _audit(question, by, _("On the agenda of the next case review"))
    question.full_clean()
    question.save()
    return question


def on_agenda(household: Household):
    """The household's questions waiting for its next case review, oldest first."""
    return household.consult_questions.filter(on_agenda_at__isnull=False, discussed_in__isnull=True).order_by(
        "on_agenda_at", "id"
    )


def consult_discussed(*, review: CaseReview, by: User, question_ids) -> int:
    """The questions that were on the agenda of this review are discussed in it (inside the
    review's own transaction: the caller's). Returns how many."""
    count = 0
    for question in on_agenda(review.household).select_for_update().filter(pk__in=list(question_ids)):
        question.discussed_in = review
        _audit(question, by, _("Discussed in the case review"))
        question.save()
        count += 1
    return count


def _notify_asked(question: ConsultQuestion) -> None:
    url = reverse("cases:consult_detail", args=[question.pk])
    if question.addressed_to_id is not None:
        users = [question.addressed_to_id]
    else:
        users = holders_by_team("consult.read", [question.team_id]).get(question.team_id, [])
    for user_id in sorted(set(users) - {question.asked_by_id}):
        notify(
            Event(
                user_id=user_id,
                kind=Notification.Kind.CONSULT_ASKED,
                url=url,
                key=f"consult:{question.pk}:asked",
            )
        )
