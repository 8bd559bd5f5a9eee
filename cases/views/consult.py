"""Consult questions (consultvragen): ask the team from a household, answer in a thread, put a
question on the next case review's agenda, and the team's list of questions (issue 24).

A question belongs to its team (ConsultQuestion.objects.visible_to): another team's members get
404. Its household is shown only to who may see that household (gateway.consult_question).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cases import gateway, once
from cases.forms.consult import ConsultAnswerForm, ConsultAskForm
from cases.gateway import changes, reads
from cases.models import ConsultQuestion
from cases.services import consult as consult_services
from teams import policy


@require_http_methods(["GET", "POST"])
@changes("consult_question", perm="consult.ask")
@once.creates_once
def consult_ask(request, pk):
    """From a household: a question to one colleague or to the whole team. The form suggests no
    data beyond the question; linking the household is a choice."""
    household = gateway.household(request, pk)
    colleagues = consult_services.colleagues(household.team_id, besides=request.user)
    form = ConsultAskForm(request.POST or None, colleagues=colleagues)
    once.carry(request, form)
    if request.method == "POST" and form.is_valid():
        try:
            once.create(
                request,
                lambda: consult_services.consult_ask(
                    household=household,
                    by=request.user,
                    question=form.cleaned_data["question"],
                    addressed_to=form.cleaned_data["addressed_to"],
                    link_household=form.cleaned_data["link_household"],
                ),
                lambda asked: asked.get_absolute_url(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your question was sent."))
            return once.earlier_result(request) or redirect("cases:consult_list")
    return render(
        request,
        "cases/consult_ask.html",
        {"form": form, "household": household},
        status=400 if form.is_bound else 200,
    )


def _thread_context(request, question: ConsultQuestion, form=None) -> dict:
    household = question.visible_household
    return {
        "question": question,
        "household": household,
        "answers": list(question.answers.select_related("written_by")),
        "form": form or ConsultAnswerForm(),
        "may_put_on_agenda": household is not None
        and not question.pending_on_agenda
        and policy.can(request.user, "household.edit", household),
    }


@require_http_methods(["GET", "POST"])
@reads("consult_question", perm="consult.read", scope=None)
def consult_detail(request, pk):
    """The question and its answers; any colleague of the team answers here (append-only).

    Declared as a read: every page it shows, the thread, is one access-log row (with the
    household only for who may see it); an answer is a change with its own history."""
    question = gateway.consult_question(request, pk)
    form = ConsultAnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            consult_services.consult_answer(
                question=question, by=request.user, text=form.cleaned_data["text"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your answer was added."))
            return redirect(f"{question.get_absolute_url()}#answers")
    return render(
        request,
        "cases/consult_detail.html",
        _thread_context(request, question, form),
        status=400 if form.is_bound else 200,
    )


@require_POST
@changes("consult_question", perm="consult.read", scope=None)
def consult_agenda(request, pk):
    """One tap: the question goes on the agenda of the household's next case review."""
    question = gateway.consult_question(request, pk)
    try:
        consult_services.consult_put_on_agenda(question=question, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except policy.Refused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("On the agenda of the next case review."))
    return redirect(question)


LIST_LIMIT = 50


@reads("consult_questions", perm="consult.read", scope=None)
def consult_list(request):
    """Open questions to me and to my team, and my own questions (with their answers' count).
    No household is named on this page: only whether a question has one."""
    me = request.user
    questions = ConsultQuestion.objects.visible_to(me).select_related("asked_by", "addressed_to", "team")
    to_me = list(questions.unanswered().filter(addressed_to=me)[:LIST_LIMIT])
    to_team = list(questions.unanswered().filter(addressed_to__isnull=True).exclude(asked_by=me)[:LIST_LIMIT])
    mine = list(questions.filter(asked_by=me)[:LIST_LIMIT])
    answered = list(
        questions.filter(
            ~Q(asked_by=me), Q(addressed_to=me) | Q(addressed_to__isnull=True), answer_count__gt=0
        )[:LIST_LIMIT]
    )
    return render(
        request,
        "cases/consult_list.html",
        {"to_me": to_me, "to_team": to_team, "mine": mine, "answered": answered},
    )
