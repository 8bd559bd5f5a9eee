"""The walk-in hour: one-tap visits that hold no personal data and leave no access-log row, named
visits that are scoped and logged, a visit turned into a household with its history, retention,
and the figures (counts only, flat queries, the CSV the same as the page)."""

import csv
import datetime
import io
import uuid

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from cases import zrm
from cases.models import AccessEvent, Household
from walkin import figures, retention, services
from walkin.models import Visit
from walkin.testing import hour_of, visit_at

pytestmark = pytest.mark.django_db


def nl(text: str) -> str:
    """The Dutch of a msgid (the English itself until the catalogue has it)."""
    with translation.override("nl"):
        return translation.gettext(text)


@pytest.fixture
def hour(world):
    return hour_of(world.team_a, [world.worker_a], world.coordinator_a)


def _tap(client, hour, topic=None, **chips):
    data = {"submission_id": str(uuid.uuid4()), "topic": str((topic or zrm.domains().first()).pk), **chips}
    return client.post(reverse("walkin:visit_add", args=[hour.pk]), data)


# --- Anonymous visits ------------------------------------------------------------------------


def test_a_tap_records_an_anonymous_visit_with_the_chips_defaults_and_no_access_log(client, world, hour):
    """One POST per tap; kind and outcome default to question and answered; the visit holds no
    name, phone or household; recording it and reading the hour page leave no access-log row."""
    client.force_login(world.worker_a)
    before = AccessEvent.objects.count()
    page = client.get(hour.get_absolute_url())
    assert page.status_code == 200
    assert 'value="question" autocomplete="off" checked' in page.text
    assert 'value="answered" autocomplete="off" checked' in page.text
    response = _tap(client, hour, kind="question", outcome="answered")
    assert response.status_code == 302
    _tap(client, hour, zrm.domains()[3], kind="letter", outcome="referred")
    assert client.get(hour.get_absolute_url()).status_code == 200
    visits = list(Visit.objects.order_by("occurred_at"))
    assert [(v.kind, v.outcome) for v in visits] == [("question", "answered"), ("letter", "referred")]
    assert all(not v.is_named and v.name == "" and v.phone == "" and v.household_id is None for v in visits)
    assert AccessEvent.objects.count() == before
    history = visits[0].history.get()
    assert (history.history_user, history.history_change_reason) == (world.worker_a, nl("Visit recorded"))


def test_a_double_tap_records_once(client, world, hour):
    client.force_login(world.worker_a)
    data = {"submission_id": str(uuid.uuid4()), "topic": str(zrm.domains().first().pk)}
    url = reverse("walkin:visit_add", args=[hour.pk])
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    assert hour.visits.count() == 1


def test_htmx_swaps_the_recorder_in_place(client, world, hour):
    """With htmx the form posts the same way; the redirect's page carries the recorder to swap."""
    client.force_login(world.worker_a)
    page = client.get(hour.get_absolute_url())
    assert 'hx-post="{}"'.format(reverse("walkin:visit_add", args=[hour.pk])) in page.text
    assert 'hx-select="#recorder"' in page.text
    response = client.post(
        reverse("walkin:visit_add", args=[hour.pk]),
        {"submission_id": str(uuid.uuid4()), "topic": str(zrm.domains().first().pk)},
        headers={"HX-Request": "true"},
        follow=True,
    )
    assert response.status_code == 200 and 'id="recorder"' in response.text
    assert hour.visits.count() == 1


def test_undo_takes_a_visit_out_of_the_page_and_the_figures_but_keeps_its_history(client, world, hour):
    visit = visit_at(hour, world.worker_a)
    client.force_login(world.worker_a)
    assert client.post(reverse("walkin:visit_undo", args=[visit.pk])).status_code == 302
    visit.refresh_from_db()
    assert visit.undone
    assert f'id="visit-{visit.pk}"' not in client.get(hour.get_absolute_url()).text
    assert figures.figures([world.team_a.pk], *figures.default_period()).total == 0
    assert [h.history_change_reason for h in visit.history.order_by("history_date")] == [
        nl("Visit recorded"),
        nl("Visit undone"),
    ]


def test_the_hour_page_costs_the_same_queries_for_one_visit_as_for_many(client, world, hour):
    client.force_login(world.worker_a)
    visit_at(hour, world.worker_a)
    url = hour.get_absolute_url()
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _n in range(6):
        visit_at(hour, world.worker_a)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(one)


# --- Named visits ----------------------------------------------------------------------------


def test_a_named_visit_is_logged_when_read_and_hidden_from_another_team(client, world, hour):
    """Name and phone make the visit personal data: the hour page and the visit's page each
    leave one access-log row; a worker of another team gets 404 (and nothing of it)."""
    client.force_login(world.worker_a)
    visit = visit_at(hour, world.worker_a)
    response = client.post(
        reverse("walkin:visit_edit", args=[visit.pk]),
        {
            "outcome": "follow_up",
            "note": "Belt terug over de brief",
            "name": "Fatima el Amrani",
            "phone": "06-12345678",
        },
    )
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.is_named and visit.phone == "+31612345678"
    for url in (hour.get_absolute_url(), reverse("walkin:visit_edit", args=[visit.pk])):
        before = AccessEvent.objects.count()
        page = client.get(url)
        assert page.status_code == 200 and "Fatima el Amrani" in page.text
        rows = list(AccessEvent.objects.order_by("at", "id")[before:])
        assert [(r.user, r.object_type, r.result, r.team, r.role) for r in rows] == [
            (world.worker_a, "walkin_visit", AccessEvent.Result.ALLOWED, hour.team, "worker")
        ], url
    client.force_login(world.worker_b)
    for url in (
        hour.get_absolute_url(),
        reverse("walkin:visit_edit", args=[visit.pk]),
        reverse("cases:household_create") + f"?visit={visit.pk}",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Fatima" not in response.text
    assert client.post(reverse("walkin:visit_undo", args=[visit.pk])).status_code == 404
    assert not Visit.objects.get(pk=visit.pk).undone


def test_bad_input_on_a_visit_is_refused_at_the_field_and_kept(client, world, hour):
    visit = visit_at(hour, world.worker_a)
    client.force_login(world.worker_a)
    response = client.post(
        reverse("walkin:visit_edit", args=[visit.pk]),
        {"outcome": "answered", "phone": "12345", "name": "Bram"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["phone"]
    assert 'value="12345"' in response.text and 'value="Bram"' in response.text
    assert Visit.objects.get(pk=visit.pk).name == ""


def test_a_referral_names_a_service_found_on_the_social_map(client, world, hour):
    from directory.testing import matrix_service

    service = matrix_service()
    visit = visit_at(hour, world.worker_a)
    client.force_login(world.worker_a)
    page = client.get(reverse("walkin:visit_edit", args=[visit.pk]), {"zoek": service.name})
    assert f'value="{service.pk}"' in page.text
    response = client.post(
        reverse("walkin:visit_edit", args=[visit.pk]), {"outcome": "referred", "referred_to": str(service.pk)}
    )
    assert response.status_code == 302
    assert Visit.objects.get(pk=visit.pk).referred_to == service


# --- Maak huishouden aan -----------------------------------------------------------------------


def test_a_visit_turned_into_a_household_keeps_its_history(client, world, hour):
    """The registration starts from the visit (prefilled), links it in the same transaction, and
    both histories give the reason; the household's first journal entry has the topic and note."""
    visit = visit_at(hour, world.worker_a, note="Brief van de Belastingdienst", name="Anna de Vries")
    client.force_login(world.worker_a)
    url = reverse("cases:household_create") + f"?visit={visit.pk}"
    page = client.get(url)
    assert page.status_code == 200
    assert f'name="visit" value="{visit.pk}"' in page.text and "Brief van de Belastingdienst" in page.text
    assert 'value="Anna"' in page.text and 'value="de Vries"' in page.text  # the member, prefilled
    response = client.post(
        reverse("cases:household_create"),
        {
            "submission_id": str(uuid.uuid4()),
            "visit": str(visit.pk),
            "household-team": world.team_a.pk,
            "household-name": "Familie de Vries",
            "household-street": "Kerkstraat",
            "household-house_number": "12",
            "household-postcode": "8021AB",
            "household-city": "Zwolle",
            "member-first_name": "Anna",
            "member-last_name": "de Vries",
            "member-birth_date": "1985-03-01",
            "member-relation": "main_resident",
        },
    )
    assert response.status_code == 302
    household = Household.objects.get(name="Familie de Vries")
    visit.refresh_from_db()
    assert visit.household == household
    reason = services.origin_reason(visit)
    assert reason.startswith(nl("From the walk-in hour %(place)s on %(date)s").split("%")[0])
    assert "Buurthuis De Kern" in reason
    latest = visit.history.latest("history_date")
    assert (latest.household_id, latest.history_change_reason, latest.history_user) == (
        household.pk,
        reason,
        world.worker_a,
    )
    assert visit.history.earliest("history_date").household_id is None
    assert household.history.get().history_change_reason == reason
    note = household.notes.get()
    assert "Financiën" in note.text and "Brief van de Belastingdienst" in note.text
    # Linked once: the same visit cannot start a second household.
    assert client.get(url).status_code == 404


def test_a_failed_registration_leaves_the_visit_unlinked(client, world, hour):
    """One transaction: a visit of another team's hour cannot be linked, and nothing is saved."""
    visit = visit_at(hour, world.worker_a)
    other_hour = hour_of(world.team_b, [world.worker_b], world.manager_ab)
    other_visit = visit_at(other_hour, world.worker_b)
    household = Household(
        team=world.team_b, name="X", street="Y", house_number=1, postcode="8021AB", city="Z"
    )
    with pytest.raises(PermissionDenied), transaction.atomic():
        household.municipality_id = world.team_b.municipality_id
        household.save()
        services.visit_link(visit=visit, household=household, by=world.worker_a)
    assert Household.objects.filter(name="X").count() == 0
    assert Visit.objects.get(pk=visit.pk).household_id is None
    assert other_visit.household_id is None


# --- Retention -------------------------------------------------------------------------------


def test_retention_blanks_a_named_visit_without_household_after_its_term(world, hour, settings):
    settings.WIJKTEAM_WALKIN_NAMED_KEEP_DAYS = 30
    named = visit_at(hour, world.worker_a, name="Piet", phone="0612345678", note="Belt terug")
    anonymous = visit_at(hour, world.worker_a)
    today = timezone.localdate()
    assert retention.blank_named(today + datetime.timedelta(days=30)) == 0  # within the term
    assert retention.blank_named(today + datetime.timedelta(days=31)) == 1
    named.refresh_from_db()
    assert (named.name, named.phone, named.note) == ("", "", "")
    assert not named.history.exclude(name="").exists()
    assert Visit.objects.counted().count() == 2 and anonymous.pk


# --- Figures ---------------------------------------------------------------------------------


def _visits_on(hour, by, rows):
    zone = timezone.get_current_timezone()
    for day, at, topic, outcome in rows:
        services.visit_record(
            hour=hour,
            topic=zrm.domains()[topic],
            kind="question",
            outcome=outcome,
            by=by,
            occurred_at=datetime.datetime.combine(day, at, tzinfo=zone),
        )


def test_figures_count_per_hour_topic_and_part_of_the_week(client, world, hour):
    monday = timezone.localdate() - datetime.timedelta(days=timezone.localdate().weekday() + 7)
    _visits_on(
        hour,
        world.worker_a,
        [
            (monday, datetime.time(9, 30), 0, "answered"),
            (monday, datetime.time(10, 0), 0, "referred"),
            (monday, datetime.time(14, 0), 3, "answered"),
            (monday + datetime.timedelta(days=2), datetime.time(19, 0), 3, "follow_up"),
        ],
    )
    other = hour_of(world.team_b, [world.worker_b], world.manager_ab, place="Elders")
    _visits_on(other, world.worker_b, [(monday, datetime.time(9, 0), 0, "answered")])
    data = figures.figures([world.team_a.pk], *figures.default_period())
    assert (data.total, data.referred, data.referred_share, data.households) == (4, 1, 25, 0)
    assert [(r["hour__place"], r["visits"]) for r in data.by_hour] == [("Buurthuis De Kern", 4)]
    assert [(r["topic__name"], r["visits"]) for r in data.by_topic] == [("Financiën", 2), ("Huisvesting", 2)]
    assert data.week[0]["parts"] == [2, 1, 0] and data.week[2]["parts"] == [0, 0, 1]

    client.force_login(world.coordinator_a)
    page = client.get(reverse("walkin:figures"))
    assert page.status_code == 200 and "Buurthuis De Kern" in page.text and "Elders" not in page.text
    csv_response = client.get(reverse("walkin:figures"), {"format": "csv"})
    rows = list(csv.reader(io.StringIO(csv_response.content.decode()), delimiter=";"))
    assert [nl("Visits"), "4"] in rows and [nl("Referred"), "1", "25%"] in rows
    assert ["Buurthuis De Kern", "Noord", hour.get_weekday_display(), "00:00", "4", "1", "0"] in rows
    assert ["Financiën", "2"] in rows and [nl("Monday"), "2", "1", "0", "3"] in rows
    # A period without the visits: nothing counted.
    empty = client.get(reverse("walkin:figures"), {"start": "2020-01-01", "end": "2020-02-01"})
    assert "01-01-2020" in empty.text and nl("No visits in this period.") in empty.text


def test_the_figures_cost_the_same_queries_for_one_visit_as_for_many(client, world, hour):
    client.force_login(world.coordinator_a)
    url = reverse("walkin:figures")
    visit_at(hour, world.worker_a)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    more = hour_of(world.team_a, [world.worker_a], world.coordinator_a, place="Bibliotheek", today=False)
    for index in range(5):
        _visits_on(
            more, world.worker_a, [(timezone.localdate(), datetime.time(8 + 3 * index, 0), index, "referred")]
        )
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(many) == len(one)
    assert "Bibliotheek" in response.text


def test_workers_get_no_figures_and_managers_record_nothing(client, world, hour):
    client.force_login(world.worker_a)
    assert client.get(reverse("walkin:figures")).status_code == 403
    client.force_login(world.manager_ab)
    assert client.get(reverse("walkin:figures")).status_code == 200
    assert _tap(client, hour).status_code == 403
