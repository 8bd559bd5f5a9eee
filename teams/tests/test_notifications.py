"""Notifications without personal data (issue 16.5): the bell, the page, and the e-mail digest.

A notification is a kind, a link and at most a signal's reference; the e-mail holds counts and
one link. The tests fill the case record with distinctive names, addresses and concerns and
look for every one of them in what leaves the app.
"""

import datetime

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from cases import notifications as case_notifications
from cases import services
from cases.models import Contact, Referral
from cases.tests.factories import HouseholdFactory, PersonFactory, PlanFactory, ReferralFactory
from mandates import notifications as mandate_notifications
from mandates.tests.factories import MandateFactory
from teams import notifications
from teams.models import DigestFrequency, Notification
from teams.notifications import Event

pytestmark = pytest.mark.django_db

# What must never leave the app: every one of these is put in the case record below.
SECRETS = [
    "Zwanenburgxq",  # the household's and the member's family name
    "Quirine",  # a member's first name
    "Klaproosxqlaan",  # the street
    "8021XQ",
    "8021 XQ",
    "slaapt in de auto",  # the signal's concern
    "Zoek een woning",  # the partner's request
    "Ottoxq",  # the signal's subject
]


def past_deadline(referral, *, days):
    referral.refresh_from_db()
    referral.first_contact_due = timezone.localdate() - datetime.timedelta(days=days)
    referral.save()


def urgent_users():
    return [
        row.args_kwargs["args"][0] for row in DBTaskResult.objects.filter(task_path__endswith="send_urgent")
    ]


@pytest.fixture
def record(world):
    """A household of team A led by worker_a, with a member, and a new crisis signal about it."""
    household = HouseholdFactory(
        team=world.team_a,
        lead_worker=world.worker_a,
        name="Familie Zwanenburgxq",
        street="Klaproosxqlaan",
        postcode="8021XQ",
    )
    person = PersonFactory(household=household, first_name="Quirine", last_name="Zwanenburgxq")
    referral = ReferralFactory(
        team=world.team_a,
        status="accepted",
        household=household,
        urgency=Referral.Urgency.CRISIS,
        concern="Moeder slaapt in de auto met de kinderen.",
        request="Zoek een woning voor het gezin.",
        subject_first_name="Ottoxq",
        subject_last_name="Zwanenburgxq",
        street="Klaproosxqlaan",
        postcode="8021XQ",
    )
    return household, person, referral


def everything_new(world, household, person, referral):
    """Every kind of event for worker_a: an assignment, a colleague's change, an overdue signal
    and a due evaluation."""
    services.referral_assign(referral=referral, worker=world.worker_a, by=world.coordinator_a)
    person.first_name = "Quirine Anna"
    services.person_save(person=person, household=household, by=world.colleague_a, reason="Tweede naam")
    past_deadline(referral, days=3)
    PlanFactory(household=household, evaluation_date=timezone.localdate() - datetime.timedelta(days=1))
    notifications.notify_once(case_notifications.overdue_events() + case_notifications.evaluation_events())


# --- The digest holds no personal data ----------------------------------------------------------


def test_the_digest_holds_counts_and_a_link_and_no_personal_data(world, record):
    """Subject, text and HTML of the digest name no person, address, signal or reference."""
    household, person, referral = record
    everything_new(world, household, person, referral)
    assert notifications.send_daily_digests.call() >= 1
    [message] = [m for m in mail.outbox if m.to == [world.worker_a.email]]
    html = message.alternatives[0][0]
    for text in (message.subject, message.body, html):
        for secret in [*SECRETS, referral.reference, str(household.pk), str(referral.pk)]:
            assert secret not in text, secret
        assert "/me/notifications/" in text or text == message.subject
    # Counts: one of each kind that happened to worker_a.
    assert "4" in message.subject
    for kind in ("assigned", "overdue", "evaluation_due", "household_changed"):
        assert f"{Notification.Kind(kind).label}: 1" in message.body
    # Sent once: the next digest has nothing new.
    mail.outbox.clear()
    notifications.send_daily_digests.call()
    assert not [m for m in mail.outbox if m.to == [world.worker_a.email]]


def test_the_in_app_notifications_hold_no_personal_data(world, record):
    """What is stored is a kind, a link into the app and at most a signal's reference."""
    household, person, referral = record
    everything_new(world, household, person, referral)
    rows = list(Notification.objects.values("kind", "url", "reference", "key"))
    assert rows
    for row in rows:
        for secret in SECRETS:
            assert secret not in str(row), secret
        assert row["reference"] in ("", referral.reference)
        assert row["url"].startswith("/")


def test_the_digest_is_in_the_users_language(world, record):
    household, person, referral = record
    everything_new(world, household, person, referral)
    world.worker_a.mail_language = "en"
    world.worker_a.save()
    notifications.send_daily_digests.call()
    [message] = [m for m in mail.outbox if m.to == [world.worker_a.email]]
    assert message.subject == "Wijkteam: 4 new notifications"


def test_no_mail_when_the_user_chose_off(world, record):
    household, person, referral = record
    world.worker_a.digest = DigestFrequency.OFF
    world.worker_a.save()
    everything_new(world, household, person, referral)
    notifications.send_daily_digests.call()
    assert not [m for m in mail.outbox if m.to == [world.worker_a.email]]
    assert urgent_users() == [] or world.worker_a.pk not in urgent_users()
    assert Notification.objects.filter(user=world.worker_a).count() == 4  # the bell still tells


# --- Urgent at once -----------------------------------------------------------------------------


def test_an_urgent_assignment_is_mailed_at_once_to_who_asked_for_it(world, record):
    """A crisis signal assigned queues a mail for its worker at once: counts and a link only."""
    household, person, referral = record
    world.worker_a.digest = DigestFrequency.URGENT_AT_ONCE
    world.worker_a.save()
    services.referral_assign(referral=referral, worker=world.worker_a, by=world.coordinator_a)
    assert urgent_users() == [world.worker_a.pk]
    assert notifications.send_urgent.call(world.worker_a.pk) is True
    [message] = mail.outbox
    assert "1" in message.subject
    for secret in [*SECRETS, referral.reference]:
        assert secret not in message.subject + message.body + message.alternatives[0][0]
    # Mailed: the daily digest does not count it again.
    assert notifications.send_daily_digests.call() == 0


def test_a_daily_user_gets_no_mail_at_once(world, record):
    household, person, referral = record
    services.referral_assign(referral=referral, worker=world.worker_a, by=world.coordinator_a)
    assert urgent_users() == []


def test_a_normal_assignment_is_not_urgent(world, record):
    household, _person, _referral = record
    world.worker_a.digest = DigestFrequency.URGENT_AT_ONCE
    world.worker_a.save()
    normal = ReferralFactory(team=world.team_a, status="accepted", household=household)
    services.referral_assign(referral=normal, worker=world.worker_a, by=world.coordinator_a)
    assert urgent_users() == []
    assert Notification.objects.get(user=world.worker_a).urgent is False


def test_a_passed_deadline_is_mailed_at_once(world, record):
    """The deadline check finds an undecided signal past its deadline: its coordinator, who asked
    for urgent mail, gets one at once."""
    _household, _person, referral = record
    world.coordinator_a.digest = DigestFrequency.URGENT_AT_ONCE
    world.coordinator_a.save()
    past_deadline(referral, days=1)
    assert case_notifications.check_deadlines.call() == 1
    assert urgent_users() == [world.coordinator_a.pk]


# --- Who hears of what --------------------------------------------------------------------------


def test_an_assignment_notifies_the_assignee(world, record):
    _household, _person, referral = record
    services.referral_assign(referral=referral, worker=world.worker_a, by=world.coordinator_a)
    notification = Notification.objects.get(user=world.worker_a)
    assert notification.kind == Notification.Kind.ASSIGNED
    assert notification.url == reverse("cases:referral_detail", args=[referral.pk])
    assert notification.reference == referral.reference
    assert notification.urgent is True  # a crisis signal


def test_a_new_lead_hears_of_the_assignment_only(world):
    """A signal on a household without a lead makes its worker the lead: one notification."""
    household = HouseholdFactory(team=world.team_a)
    referral = ReferralFactory(team=world.team_a, status="accepted", household=household)
    services.referral_assign(referral=referral, worker=world.worker_a, by=world.coordinator_a)
    household.refresh_from_db()
    assert household.lead_worker == world.worker_a
    assert list(Notification.objects.values_list("user", "kind")) == [(world.worker_a.pk, "assigned")]


def test_taking_a_signal_oneself_notifies_nobody(world, record):
    household, _person, _referral = record
    mine = ReferralFactory(team=world.team_a, status="accepted", household=household)
    services.referral_assign(referral=mine, worker=world.coordinator_a, by=world.coordinator_a)
    assert not Notification.objects.exists()


def test_a_colleagues_change_notifies_the_lead_worker_and_adds_up(world, record):
    household, person, _referral = record
    for name in ("Quirine A", "Quirine B"):
        person.first_name = name
        services.person_save(person=person, household=household, by=world.colleague_a, reason="Naam")
    notification = Notification.objects.get(user=world.worker_a)
    assert notification.kind == Notification.Kind.HOUSEHOLD_CHANGED
    assert notification.count == 2
    assert notification.url == reverse("cases:household_detail", args=[household.pk])


def test_the_lead_workers_own_change_notifies_nobody(world, record):
    household, person, _referral = record
    person.first_name = "Quirine B"
    services.person_save(person=person, household=household, by=world.worker_a, reason="Naam")
    contact = Contact(kind=Contact.Kind.PHONE, reached=True)
    services.contact_log(contact=contact, household=household, by=world.worker_a, workers=[], persons=[])
    assert not Notification.objects.exists()


def test_a_colleagues_contact_notifies_the_lead_worker(world, record):
    household, _person, _referral = record
    contact = Contact(kind=Contact.Kind.PHONE, reached=False)
    services.contact_log(contact=contact, household=household, by=world.colleague_a, workers=[], persons=[])
    assert Notification.objects.get(user=world.worker_a).kind == Notification.Kind.HOUSEHOLD_CHANGED


def test_the_checks_notify_once(world, record):
    """The deadline check runs every hour: a signal past its deadline is told once."""
    household, _person, referral = record
    services.referral_assign(referral=referral, worker=world.worker_a, by=world.coordinator_a)
    Notification.objects.all().delete()
    past_deadline(referral, days=1)
    assert case_notifications.check_deadlines.call() == 1
    Notification.objects.update(read_at=timezone.now())
    assert case_notifications.check_deadlines.call() == 0
    assert Notification.objects.get().kind == Notification.Kind.OVERDUE
    # A successful contact since the signal came in: no longer past its deadline.
    Notification.objects.all().delete()
    contact = Contact(kind=Contact.Kind.HOME_VISIT, reached=True)
    services.contact_log(contact=contact, household=household, by=world.worker_a, workers=[], persons=[])
    assert case_notifications.overdue_events() == []


def test_evaluations_due_and_mandate_reviews(world, record):
    household, _person, _referral = record
    PlanFactory(household=household, evaluation_date=timezone.localdate() - datetime.timedelta(days=1))
    assert case_notifications.check_evaluations.call() == 1
    assert Notification.objects.get(user=world.worker_a).kind == Notification.Kind.EVALUATION_DUE
    mandate = MandateFactory(team=world.team_a, status="active", next_review_on=timezone.localdate())
    assert mandate_notifications.remind_reviews.call() == 1
    notification = Notification.objects.get(kind=Notification.Kind.MANDATE_REVIEW)
    assert notification.user == world.manager_ab
    assert notification.url == reverse("mandates:detail", args=[mandate.pk])
    assert mandate_notifications.remind_reviews.call() == 0


# --- The bell and the page ----------------------------------------------------------------------


def page_queries(client, url) -> int:
    client.get(url)  # the first request of a session refreshes it: count the second
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_bell_costs_no_query_of_its_own(client, world):
    """The unread count comes with the positions query: the caseload costs the same with no
    notification and with 50, and shows the count."""
    client.force_login(world.worker_a)
    caseload = reverse("cases:caseload")
    client.get(caseload)
    with CaptureQueriesContext(connection) as queries:
        client.get(caseload)
    bell = [query["sql"] for query in queries if "teams_notification" in query["sql"]]
    assert len(bell) == 1 and "teams_position" in bell[0]
    before = len(queries)
    for index in range(50):
        notifications.notify(Event(user_id=world.worker_a.pk, kind="assigned", url="/", key=f"k{index}"))
    assert page_queries(client, caseload) == before
    page = client.get(caseload).text
    assert 'class="badge rounded-pill text-bg-danger" aria-hidden="true">50</span>' in page


def test_the_notifications_page_is_flat(client, world):
    client.force_login(world.worker_a)
    url = reverse("teams:notifications")
    notifications.notify(Event(user_id=world.worker_a.pk, kind="assigned", url="/", key="first"))
    one = page_queries(client, url)
    for index in range(49):
        notifications.notify(Event(user_id=world.worker_a.pk, kind="overdue", url="/", key=f"k{index}"))
    assert page_queries(client, url) == one


def test_anothers_notifications_are_not_shown_and_cannot_be_opened(client, world):
    theirs = Notification.objects.create(
        user=world.colleague_a, kind="assigned", url="/x/", key="x", reference="WT-AAAA-BBBB"
    )
    client.force_login(world.worker_a)
    assert "WT-AAAA-BBBB" not in client.get(reverse("teams:notifications")).text
    response = client.post(reverse("teams:notification_open"), {"notification": theirs.pk})
    assert response.status_code == 404
    client.post(reverse("teams:notifications_read"))
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_opening_marks_read_and_follows_the_link(client, world, record):
    household, _person, _referral = record
    mine = Notification.objects.create(
        user=world.worker_a, kind="household_changed", url=f"/households/{household.pk}/", key="h"
    )
    client.force_login(world.worker_a)
    response = client.post(reverse("teams:notification_open"), {"notification": mine.pk})
    assert response.status_code == 302 and response.url == mine.url
    mine.refresh_from_db()
    assert mine.read_at is not None


def test_a_link_elsewhere_is_not_followed(client, world):
    """A stored link is a path of the app; anything else goes back to the list."""
    mine = Notification.objects.create(
        user=world.worker_a, kind="assigned", url="https://evil.example/", key="e"
    )
    client.force_login(world.worker_a)
    response = client.post(reverse("teams:notification_open"), {"notification": mine.pk})
    assert response.url == reverse("teams:notifications")


def test_all_read(client, world):
    for index in range(3):
        notifications.notify(Event(user_id=world.worker_a.pk, kind="assigned", url="/", key=f"k{index}"))
    client.force_login(world.worker_a)
    assert client.post(reverse("teams:notifications_read")).status_code == 302
    assert not Notification.objects.filter(user=world.worker_a, read_at__isnull=True).exists()


def test_the_user_chooses_how_often_mail_comes(client, world):
    client.force_login(world.worker_a)
    response = client.post(reverse("teams:notification_settings"), {"digest": "off", "mail_language": "nl"})
    assert response.status_code == 302
    world.worker_a.refresh_from_db()
    assert world.worker_a.digest == DigestFrequency.OFF
    assert world.worker_a.history.first().history_user == world.worker_a
    bad = client.post(reverse("teams:notification_settings"), {"digest": "hourly", "mail_language": "nl"})
    assert bad.status_code == 200 and bad.context["form"].errors["digest"]


def test_partners_and_administrators_have_no_bell(client, world):
    for user in (world.partner, world.admin):
        client.force_login(user)
        assert client.get(reverse("teams:notifications")).status_code == 403
