"""Ask the team (consultvragen, issue 24): a question from a household to a colleague or the
team, answers in a thread, on the next case review's agenda, and never a household shown to
anyone outside the question's team (nor to a team member outside need-to-know)."""

import uuid

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from cases.models import AccessEvent, ConsultAnswer, ConsultQuestion
from cases.services import consult as consult_services
from cases.tests.factories import HouseholdFactory
from teams.models import Notification
from teams.tests.factories import PositionFactory
from wijkteam.history import HistoryBypassError

pytestmark = pytest.mark.django_db
QUESTION = "Wie heeft ervaring met schuldregelingen bij zelfstandigen?"


def dutch(text: str) -> str:
    """The Dutch of a message (the English until the catalogue has it: issue 24's strings)."""
    with translation.override("nl"):
        return translation.gettext(text)


@pytest.fixture
def household(world):
    return HouseholdFactory(team=world.team_a, name="Familie Kwakernaak", lead_worker=world.worker_a)


def ask(client, household, **fields):
    data = {"submission_id": str(uuid.uuid4()), "question": QUESTION, **fields}
    return client.post(reverse("cases:consult_ask", args=[household.pk]), data)


def detail(question):
    return reverse("cases:consult_detail", args=[question.pk])


def test_done_when_the_worker_asks_the_team_and_the_coordinator_answers(client, world, household):
    """worker asks the team from the household; the coordinator sees it, answers; the worker
    sees the answer. Each hears of it by a notification without personal data."""
    client.force_login(world.worker_a)
    page = client.get(household.get_absolute_url()).text
    assert reverse("cases:consult_ask", args=[household.pk]) in page
    form = client.get(reverse("cases:consult_ask", args=[household.pk])).text
    assert 'name="link_household"' in form and "checked" not in form.split('name="link_household"')[1][:80]
    response = ask(client, household)
    question = ConsultQuestion.objects.get()
    assert response.status_code == 302 and response.url == detail(question)
    assert (question.team, question.addressed_to, question.household) == (world.team_a, None, None)

    client.force_login(world.coordinator_a)
    listing = client.get(reverse("cases:consult_list")).text
    assert QUESTION in listing
    assert client.get(detail(question)).status_code == 200
    response = client.post(detail(question), {"text": "Bel Budgetcoach Zwolle, die kent de regels."})
    assert response.status_code == 302

    client.force_login(world.worker_a)
    thread = client.get(detail(question)).text
    assert "Bel Budgetcoach Zwolle" in thread
    asked = Notification.objects.get(user=world.coordinator_a, kind=Notification.Kind.CONSULT_ASKED)
    answered = Notification.objects.get(user=world.worker_a, kind=Notification.Kind.CONSULT_ANSWERED)
    assert not Notification.objects.filter(user=world.worker_b).exists(), "another team hears nothing"
    for notification in (asked, answered):
        assert notification.url == detail(question) and notification.reference == ""
        stored = " ".join(str(value) for value in vars(notification).values())
        assert "Kwakernaak" not in stored and "schuld" not in stored.lower()


def test_a_question_to_one_colleague_notifies_only_them(client, world, household):
    client.force_login(world.worker_a)
    ask(client, household, addressed_to=str(world.colleague_a.pk))
    assert list(Notification.objects.values_list("user", flat=True)) == [world.colleague_a.pk]


def test_a_colleague_of_another_team_cannot_be_addressed(client, world, household):
    """The choice is the team's colleagues: another team's worker is refused at the field, in
    Dutch, and what was typed is kept."""
    client.force_login(world.worker_a)
    response = ask(client, household, addressed_to=str(world.worker_b.pk))
    assert response.status_code == 400
    assert "Selecteer een geldige keuze" in response.text and QUESTION in response.text
    assert not ConsultQuestion.objects.exists()


def test_a_question_never_shows_its_household_outside_its_team(client, world, household):
    """Another team's coordinator and worker get 404 (logged); a partner and a manager 403."""
    question = consult_services.consult_ask(
        household=household, by=world.worker_a, question=QUESTION, addressed_to=None, link_household=True
    )
    coordinator_b = PositionFactory(team=world.team_b, access_role="coordinator").user
    for outsider in (coordinator_b, world.worker_b):
        client.force_login(outsider)
        for response in (
            client.get(detail(question)),
            client.post(detail(question), {"text": "x"}),
            client.post(reverse("cases:consult_agenda", args=[question.pk])),
        ):
            assert response.status_code == 404
            assert "Kwakernaak" not in response.text
        assert QUESTION not in client.get(reverse("cases:consult_list")).text
        refused = AccessEvent.objects.filter(user=outsider, result=AccessEvent.Result.DENIED)
        assert refused.filter(object_type="consult_question", object_id=str(question.pk)).exists()
    for outsider in (world.partner, world.manager_ab):
        client.force_login(outsider)
        response = client.get(detail(question))
        assert response.status_code == 403 and "Kwakernaak" not in response.text
    assert not question.answers.exists()


def test_the_household_link_follows_need_to_know(client, world):
    """A closed household is seen by its lead worker and the coordinator only: a colleague in
    the team reads the question without the household, and the household page is a 404."""
    closed = HouseholdFactory(
        team=world.team_a, name="Familie Gesloten", lead_worker=world.worker_a, closed=True
    )
    question = ConsultQuestion.objects.create(
        team=world.team_a, asked_by=world.worker_a, household=closed, question=QUESTION
    )
    client.force_login(world.colleague_a)
    page = client.get(detail(question))
    assert page.status_code == 200 and QUESTION in page.text
    assert "Familie Gesloten" not in page.text and closed.get_absolute_url() not in page.text
    row = AccessEvent.objects.filter(user=world.colleague_a).latest("at")
    assert (row.household, row.object_type) == (None, "consult_question")
    assert client.get(closed.get_absolute_url()).status_code == 404

    client.force_login(world.coordinator_a)
    page = client.get(detail(question)).text
    assert "Familie Gesloten" in page
    row = AccessEvent.objects.filter(user=world.coordinator_a).latest("at")
    assert (row.household, row.result) == (closed, AccessEvent.Result.ALLOWED)


def test_answers_form_a_thread_with_history(client, world, household):
    question = consult_services.consult_ask(
        household=household, by=world.worker_a, question=QUESTION, addressed_to=None, link_household=False
    )
    consult_services.consult_answer(question=question, by=world.coordinator_a, text="Eerst het overzicht.")
    consult_services.consult_answer(question=question, by=world.colleague_a, text="En de budgetcoach.")
    client.force_login(world.worker_a)
    thread = client.get(detail(question)).text
    assert thread.index("Eerst het overzicht.") < thread.index("En de budgetcoach.")
    question.refresh_from_db()
    assert question.answer_count == 2
    first = ConsultAnswer.objects.order_by("written_at", "id").first()
    record = first.history.get()
    assert (record.history_user, record.history_change_reason) == (
        world.coordinator_a,
        dutch("Consult question answered"),
    )
    assert question.history.filter(history_user=world.colleague_a).exists()
    with pytest.raises(HistoryBypassError):
        ConsultAnswer.objects.filter(pk=first.pk).update(text="Anders")
    # Bad input: a Dutch message at the field, and what was typed is kept.
    response = client.post(detail(question), {"text": "Te lang " + "x" * 2000})
    assert response.status_code == 400
    assert "is-invalid" in response.text and "Te lang xxx" in response.text
    assert "2000 tekens" in response.text, "Django's own message, in Dutch"


def test_on_the_agenda_of_the_next_case_review_and_discussed_on_save(client, world, household):
    question = consult_services.consult_ask(
        household=household, by=world.colleague_a, question=QUESTION, addressed_to=None, link_household=True
    )
    client.force_login(world.worker_a)
    assert client.post(reverse("cases:consult_agenda", args=[question.pk])).status_code == 302
    question.refresh_from_db()
    assert question.pending_on_agenda
    review_add = reverse("cases:review_add", args=[household.pk])
    page = client.get(review_add).text
    assert dutch("On the agenda: consult questions") in page and QUESTION in page
    assert f"{QUESTION}</textarea>" in page, "the review's question is prefilled"
    response = client.post(
        review_add,
        {
            "submission_id": str(uuid.uuid4()),
            "held_on": timezone.localdate().isoformat(),
            "workers": [str(world.worker_a.pk)],
            "question": QUESTION,
        },
    )
    assert response.status_code == 302
    review = household.reviews.get()
    question.refresh_from_db()
    assert question.discussed_in == review and not question.pending_on_agenda
    assert question.history.latest().history_change_reason == dutch("Discussed in the case review")
    assert QUESTION not in client.get(review_add).text, "the next review starts without it"


def test_a_question_without_household_cannot_go_on_an_agenda(client, world, household):
    question = consult_services.consult_ask(
        household=household, by=world.worker_a, question=QUESTION, addressed_to=None, link_household=False
    )
    client.force_login(world.worker_a)
    assert "consult_agenda" not in client.get(detail(question)).text
    client.post(reverse("cases:consult_agenda", args=[question.pk]))
    question.refresh_from_db()
    assert question.on_agenda_at is None


def test_the_list_costs_the_same_for_one_question_as_for_many(client, world, household):
    """Open questions to me, to my team, and mine: one query per section, however many."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world.coordinator_a)

    def count():
        client.get(
            reverse("cases:consult_list")
        )  # the session is saved once after login: not part of the page
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("cases:consult_list")).status_code == 200
        return len(queries)

    consult_services.consult_ask(
        household=household, by=world.worker_a, question=QUESTION, addressed_to=None, link_household=True
    )
    one = count()
    for asker in (world.worker_a, world.colleague_a) * 3:
        consult_services.consult_ask(
            household=household,
            by=asker,
            question=QUESTION,
            addressed_to=world.coordinator_a,
            link_household=True,
        )
    assert count() == one
