"""Create-once submission ids (cases/once.py) are purged by the nightly retention job after
WIJKTEAM_SUBMISSION_KEEP_DAYS; a purged id that comes back is handled as documented in
cases/retention.py."""

import datetime
import io
import re
import uuid

import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from cases import retention
from cases.models import Note, Person, RetentionRun, Submission
from cases.tests.factories import HouseholdFactory

pytestmark = pytest.mark.django_db

PASSWORD = "een-lang-en-goed-wachtwoord"
PERSON = {"first_name": "Tim", "last_name": "Twee", "relation": "child"}


def submission(world, days_ago: float) -> Submission:
    return Submission.objects.create(
        id=uuid.uuid4(),
        user=world.worker_a,
        created_at=timezone.now() - datetime.timedelta(days=days_ago),
        result_url="/households/",
    )


@override_settings(WIJKTEAM_SUBMISSION_KEEP_DAYS=7)
def test_the_nightly_run_purges_old_submission_ids_and_keeps_recent_ones(world):
    with freeze_time("2026-03-20 02:00"):
        old = submission(world, days_ago=30)
        just_past = submission(world, days_ago=8)
        recent = submission(world, days_ago=6)
        today = submission(world, days_ago=0)
        call_command("apply_retention", stdout=io.StringIO())
    assert set(Submission.objects.values_list("pk", flat=True)) == {recent.pk, today.pk}
    assert not Submission.objects.filter(pk__in=[old.pk, just_past.pk]).exists()
    run = RetentionRun.objects.get()
    assert run.counts["submissions"] == 2


@override_settings(WIJKTEAM_SUBMISSION_KEEP_DAYS=2)
def test_the_keep_period_is_a_setting(world):
    with freeze_time("2026-03-20 02:00"):
        submission(world, days_ago=3)
        kept = submission(world, days_ago=1)
        assert retention.apply()["submissions"] == 1
    assert list(Submission.objects.values_list("pk", flat=True)) == [kept.pk]


def test_a_dry_run_counts_them_and_deletes_nothing(world):
    with freeze_time("2026-03-20 02:00"):
        submission(world, days_ago=30)
        submission(world, days_ago=1)
        out = io.StringIO()
        call_command("apply_retention", dry_run=True, stdout=out)
    assert "1 submission ids would be purged" in out.getvalue()
    assert Submission.objects.count() == 2
    assert not RetentionRun.objects.exists()


@override_settings(WIJKTEAM_SUBMISSION_KEEP_DAYS=7)
def test_a_purged_id_sent_again_creates_once_more_and_is_guarded_again(client, world):
    """The edge the keep period leaves: with a valid session, an id older than the keep period is a
    first submission again (one more record), and from then on it is guarded as before. A journal
    entry shows it; a member sent again is caught by the duplicate check as well (below)."""
    household = HouseholdFactory(team=world.team_a, lead_worker=world.worker_a)
    url = reverse("cases:note_add", args=[household.pk])
    sent = {"note-text": "Buurvrouw gesproken", "submission_id": str(uuid.uuid4())}
    with freeze_time(timezone.now()) as frozen:
        client.force_login(world.worker_a)
        first = client.post(url, sent)
        assert client.post(url, sent).url == first.url  # the double submit: one entry
        assert Note.objects.filter(household=household).count() == 1
        frozen.tick(datetime.timedelta(days=9))
        call_command("apply_retention", stdout=io.StringIO())
        assert not Submission.objects.filter(pk=sent["submission_id"]).exists()
        client.force_login(world.worker_a)
        assert client.post(url, sent).status_code == 302
        assert client.post(url, sent).status_code == 302
    assert Note.objects.filter(household=household).count() == 2
    assert Submission.objects.filter(pk=sent["submission_id"]).count() == 1


@override_settings(WIJKTEAM_SUBMISSION_KEEP_DAYS=7)
def test_a_member_sent_again_after_the_purge_is_refused_as_a_duplicate(client, world):
    """For a member the duplicate check closes the edge: the same name in the same household is
    refused at the field, with what was typed kept."""
    household = HouseholdFactory(team=world.team_a, lead_worker=world.worker_a)
    url = reverse("cases:person_add", args=[household.pk])
    sent = {**PERSON, "submission_id": str(uuid.uuid4())}
    with freeze_time(timezone.now()) as frozen:
        client.force_login(world.worker_a)
        assert client.post(url, sent).status_code == 302
        frozen.tick(datetime.timedelta(days=9))
        call_command("apply_retention", stdout=io.StringIO())
        client.force_login(world.worker_a)
        again = client.post(url, sent)
    assert again.status_code == 200
    assert again.context["form"].errors["last_name"]
    assert again.context["form"]["first_name"].value() == "Tim"
    assert Person.objects.filter(household=household).count() == 1


@override_settings(WIJKTEAM_SUBMISSION_KEEP_DAYS=7)
def test_in_practice_a_form_page_older_than_the_keep_period_cannot_be_sent(world):
    """Why the edge above does not happen: by then the session has ended (12 hours at most), and
    after logging in again the old page's CSRF token is refused. Nothing is created."""
    household = HouseholdFactory(team=world.team_a, lead_worker=world.worker_a)
    url = reverse("cases:person_add", args=[household.pk])
    world.worker_a.set_password(PASSWORD)
    world.worker_a.save()
    browser = Client(enforce_csrf_checks=True)
    with freeze_time(timezone.now()) as frozen:
        browser.force_login(world.worker_a)
        page = browser.get(url).text
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        submission_id = re.search(r"name=.submission_id.[^>]*value=.([-0-9a-f]{36})", page).group(1)
        sent = {**PERSON, "csrfmiddlewaretoken": token, "submission_id": submission_id}
        assert browser.post(url, sent).status_code == 302
        assert Person.objects.filter(household=household).count() == 1
        frozen.tick(datetime.timedelta(days=9))
        call_command("apply_retention", stdout=io.StringIO())
        expired = browser.post(url, sent)
        assert expired.status_code == 302 and "/accounts/login/" in expired.url
        login = browser.get(reverse("account_login")).text
        again = {
            "login": world.worker_a.username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login).group(1),
        }
        assert browser.post(reverse("account_login"), again).status_code == 302
        assert "_auth_user_id" in browser.session
        assert browser.post(url, sent).status_code == 403
    assert Person.objects.filter(household=household).count() == 1
