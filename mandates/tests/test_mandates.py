"""Mandates, their reviews, and the manager's overview per partner (the team profile and
positions: teams/tests/)."""

import csv
import datetime
import io
import re

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from cases import services as case_services
from cases.models import Share
from cases.tests.factories import ContactFactory, HouseholdFactory, ReferralFactory
from mandates.models import Mandate
from mandates.tests.factories import MandateFactory
from teams.tests.factories import OrganisationFactory, PositionFactory
from tests.svg import svg_numbers

pytestmark = pytest.mark.django_db

MANAGEMENT_PAGES = [
    "mandates:list",
    "mandates:add",
    "mandates:partners",
    "mandates:partners_csv",
]


def mandate_post(world, organisation, **overrides):
    today = timezone.localdate()
    data = {
        "team": world.team_a.pk,
        "organisation": organisation.pk,
        "domain": "youth_care",
        "kind": "mandaat",
        "scope": "Lichte hulp inzetten",
        "sharing_basis": "agreement",
        "feedback_level": "status",
        "valid_from": today.isoformat(),
        "status": "active",
        "next_review_on": (today + datetime.timedelta(days=180)).isoformat(),
        "reason": "Convenant 2027",
    }
    data.update(overrides)
    return data


# --- Who reaches the management pages -------------------------------------------------------


@pytest.mark.parametrize("role", ["worker_a", "partner", "admin", "former_a"])
def test_workers_partners_and_outsiders_cannot_reach_management(client, world, role):
    client.force_login(getattr(world, role))
    for name in MANAGEMENT_PAGES:
        assert client.get(reverse(name)).status_code == 403, name
    mandate = MandateFactory(team=world.team_a)
    assert client.get(reverse("mandates:detail", args=[mandate.pk])).status_code == 403


def test_coordinators_read_mandates_but_do_not_change_them(client, world):
    mandate = MandateFactory(team=world.team_a)
    client.force_login(world.coordinator_a)
    assert client.get(reverse("mandates:detail", args=[mandate.pk])).status_code == 200
    assert client.get(reverse("mandates:edit", args=[mandate.pk])).status_code == 403
    assert client.get(reverse("mandates:review", args=[mandate.pk])).status_code == 403


def test_a_manager_of_another_team_sees_nothing_of_this_one(client, world):
    other_manager = PositionFactory(team=world.team_c, access_role="manager").user
    mandate = MandateFactory(team=world.team_a)
    client.force_login(other_manager)
    assert client.get(reverse("mandates:detail", args=[mandate.pk])).status_code == 404
    response = client.post(reverse("mandates:add"), mandate_post(world, OrganisationFactory()))
    assert response.status_code == 200 and Mandate.objects.count() == 1, "team A is not a choice"


# --- Mandates and reviews -------------------------------------------------------------------


def test_manager_records_a_mandate_and_reviews_it(client, world):
    partner = OrganisationFactory(name="Jeugdzorg Oost", sector="youth_care")
    client.force_login(world.manager_ab)
    response = client.post(reverse("mandates:add"), mandate_post(world, partner, next_review_on=""))
    assert "Een actief mandaat heeft een evaluatiedatum nodig" in response.text
    response = client.post(reverse("mandates:add"), mandate_post(world, partner))
    mandate = Mandate.objects.get()
    assert response.url == reverse("mandates:detail", args=[mandate.pk])
    second = client.post(reverse("mandates:add"), mandate_post(world, partner))
    assert "al een actief mandaat" in second.text and Mandate.objects.count() == 1

    today = timezone.localdate()
    review = {"reviewed_on": today.isoformat(), "decision": "continue", "notes": "Goed", "next_review_on": ""}
    assert (
        "Wanneer wordt het mandaat opnieuw"
        in client.post(reverse("mandates:review", args=[mandate.pk]), review).text
    )
    review["next_review_on"] = (today + datetime.timedelta(days=365)).isoformat()
    client.post(reverse("mandates:review", args=[mandate.pk]), review)
    mandate.refresh_from_db()
    assert mandate.next_review_on == today + datetime.timedelta(days=365)
    client.post(
        reverse("mandates:review", args=[mandate.pk]),
        {"reviewed_on": today.isoformat(), "decision": "end", "notes": "Convenant loopt af"},
    )
    mandate.refresh_from_db()
    assert (mandate.status, mandate.valid_until, mandate.next_review_on) == ("ended", today, None)
    reasons = [h.history_change_reason for h in mandate.history.order_by("history_date")]
    assert reasons == ["Convenant 2027", "Geëvalueerd: voortzetten", "Geëvalueerd: beëindigen"]
    detail = client.get(reverse("mandates:detail", args=[mandate.pk])).text
    assert "Convenant loopt af" in detail and "Geëvalueerd: beëindigen" in detail


def test_one_active_mandate_per_team_partner_and_domain_in_the_database(world):
    mandate = MandateFactory(team=world.team_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        Mandate.objects.create(
            team=mandate.team,
            organisation=mandate.organisation,
            domain=mandate.domain,
            kind="mandaat",
            scope="x",
            sharing_basis="agreement",
            feedback_level="status",
            valid_from=timezone.localdate(),
            status="active",
            next_review_on=timezone.localdate(),
        )


def test_start_page_flags_reviews_due_and_mandates_ending(client, world):
    today = timezone.localdate()
    due = MandateFactory(team=world.team_a, next_review_on=today - datetime.timedelta(days=1))
    ending = MandateFactory(team=world.team_a, valid_until=today + datetime.timedelta(days=20))
    quiet = MandateFactory(team=world.team_a)
    draft = MandateFactory(
        team=world.team_a, status="draft", next_review_on=today - datetime.timedelta(days=5)
    )
    client.force_login(world.manager_ab)
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0] == reverse("teams:overview")
    assert set(response.context["attention"]) == {due, ending}
    assert quiet not in response.context["attention"] and draft not in response.context["attention"]


# --- At the point of work -------------------------------------------------------------------


def test_the_triage_queue_flags_senders_without_a_mandate(client, world):
    with_mandate = MandateFactory(team=world.team_a, organisation=world.partner.organisation)
    covered = ReferralFactory(team=world.team_a, sender_organisation=world.partner.organisation)
    uncovered = ReferralFactory(team=world.team_a)
    client.force_login(world.coordinator_a)
    rows = {
        r.pk: r.has_mandate for r in client.get(reverse("cases:referral_queue")).context["page"].object_list
    }
    assert rows == {covered.pk: True, uncovered.pk: False}
    page = client.get(covered.get_absolute_url()).text
    assert with_mandate.scope in page and "Actief" in page
    assert "Geen mandaat of afspraak met deze partner" in client.get(uncovered.get_absolute_url()).text


# --- The overview per partner ---------------------------------------------------------------


def _signals_for(world, organisation, n=3):
    """n signals of a partner: one accepted with first attempt and contact, one declined, the rest new."""
    household = HouseholdFactory(team=world.team_a)
    received = timezone.now() - datetime.timedelta(days=20)
    signals = ReferralFactory.create_batch(
        n, team=world.team_a, sender_organisation=organisation, received_at=received
    )
    case_services.referral_accept(referral=signals[0], by=world.coordinator_a, household=household)
    case_services.referral_decline(
        referral=signals[1], by=world.coordinator_a, reason_code="other", reason="x"
    )
    ContactFactory(household=household, recorded_by=world.worker_a, at=received + datetime.timedelta(days=3))
    ContactFactory(
        household=household,
        recorded_by=world.worker_a,
        reached=True,
        at=received + datetime.timedelta(days=7),
    )
    return signals


def test_the_times_to_first_contact_count_local_working_days_signal_by_signal(world):
    """Working days between the Dutch days, not the UTC ones, and every signal counts, also when
    several share their days (the overview counts them per pair of days)."""
    from mandates import figures

    school = world.partner.organisation
    amsterdam = timezone.get_current_timezone()

    def signal(received, attempt):
        household = HouseholdFactory(team=world.team_a)
        ReferralFactory(
            team=world.team_a,
            sender_organisation=school,
            household=household,
            received_at=datetime.datetime(*received, tzinfo=amsterdam),
        )
        at = datetime.datetime(*attempt, tzinfo=amsterdam)
        ContactFactory(household=household, recorded_by=world.worker_a, reached=False, at=at)

    # Friday 29 May 2026 late in the evening, the first attempt just after midnight on Monday:
    # one working day (in UTC both are a day earlier: Friday to Sunday, none).
    signal((2026, 5, 29, 23, 30), (2026, 6, 1, 0, 30))
    signal((2026, 5, 29, 23, 30), (2026, 6, 1, 0, 30))
    # Tuesday to Friday: three working days.
    signal((2026, 6, 2, 10, 0), (2026, 6, 5, 10, 0))
    [row] = figures.partner_overview(
        team_ids=[world.team_a.pk],
        start=datetime.date(2026, 5, 1),
        end=datetime.date(2026, 6, 30),
        organisation_id=school.pk,
    )
    assert row.received == 3
    assert row.days_to_attempt == 1  # the median of 1, 1 and 3
    assert row.days_to_success is None


def _closed(coordinator, team, organisation, end_result):
    signal = ReferralFactory(team=team, sender_organisation=organisation)
    case_services.referral_accept(referral=signal, by=coordinator, household=HouseholdFactory(team=team))
    case_services.referral_close(referral=signal, by=coordinator, end_result=end_result, reason="Klaar")
    return signal


def test_the_end_results_count_each_partners_closed_signals_by_their_end_result(world):
    """A declined signal's reason is no end result, and another team's signals are not counted."""
    from mandates import figures

    school, police = world.partner.organisation, OrganisationFactory(name="Politie", is_partner=True)
    for end_result in ("quick_fix", "quick_fix", "handed_over"):
        _closed(world.coordinator_a, world.team_a, school, end_result)
    _closed(world.coordinator_a, world.team_a, police, "no_contact")
    declined = ReferralFactory(team=world.team_a, sender_organisation=school)
    case_services.referral_decline(referral=declined, by=world.coordinator_a, reason_code="other", reason="x")
    coordinator_b = PositionFactory(team=world.team_b, access_role="coordinator").user
    _closed(coordinator_b, world.team_b, school, "no_response")
    today = timezone.localdate()
    rows = {
        row.organisation: row.end_results
        for row in figures.partner_overview(
            team_ids=[world.team_a.pk], start=today - datetime.timedelta(days=7), end=today
        )
    }
    assert rows[school] == {"Snelle oplossing": 2, "Overgedragen aan een andere organisatie": 1}
    assert rows[police] == {"Geen contact mogelijk": 1}


def test_the_end_results_read_the_closing_decisions_from_their_index_alone(world):
    """From the signals to their closing decisions: the statement asks of the decisions only what
    the partial index holds, under its condition, and reads the signals once (bench/run at
    500,000 households: 30-34 ms with every decision read from the table and each signal twice)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cases.models import ReferralDecision
    from mandates import figures

    today = timezone.localdate()
    with CaptureQueriesContext(connection) as queries:
        figures.partner_overview(team_ids=[world.team_a.pk], start=today, end=today)
    [sql] = [q["sql"] for q in queries.captured_queries if "cases_referraldecision" in q["sql"]]
    table = ReferralDecision._meta.db_table
    (index,) = [index for index in ReferralDecision._meta.indexes if index.name == "referraldecision_close"]
    held = {ReferralDecision._meta.get_field(name).column for name in [*index.fields, *index.include]}
    assert index.condition.children == [("kind", "close")]
    assert f'"{table}"."kind" = \'close\'' in sql
    assert set(re.findall(rf'"{table}"\."(\w+)"', sql)) - {"kind"} <= held
    assert len(re.findall(r'(?:FROM|JOIN) "cases_referral"', sql)) == 1, sql


def test_partner_overview_counts_and_times(client, world):
    school = world.partner.organisation
    _signals_for(world, school)
    MandateFactory(team=world.team_a, organisation=school)
    ReferralFactory(team=world.team_b, sender_organisation=school)  # another team's: not counted
    client.force_login(world.manager_ab)
    rows = client.get(reverse("mandates:partners")).context["rows"]
    row = next(r for r in rows if r.organisation == school)
    # manager_ab manages both teams: team B's signal counts too.
    assert (row.received, row.accepted, row.declined, row.open) == (4, 1, 1, 2)
    assert row.days_to_attempt is not None and 1 <= row.days_to_attempt <= 3
    assert row.days_to_success is not None and row.days_to_success >= row.days_to_attempt
    assert row.mandate_status == "Actief"
    assert row.feedback == 0
    row_household = HouseholdFactory(team=world.team_a)
    signal = ReferralFactory(
        team=world.team_a, sender_organisation=school, household=row_household, status="accepted"
    )
    Share.objects.create(
        household=row_household,
        referral=signal,
        recipient=school,
        purpose="feedback",
        content="Opgepakt",
        ground="mandate",
        ground_reference="convenant",
        shared_by=world.coordinator_a,
    )
    rows = client.get(reverse("mandates:partners")).context["rows"]
    assert next(r for r in rows if r.organisation == school).feedback == 1


def test_partner_overview_exports_csv_without_formula_injection(client, world):
    tricky = OrganisationFactory(name="=HYPERLINK(evil)", sector="school")
    _signals_for(world, tricky, n=2)
    client.force_login(world.manager_ab)
    response = client.get(reverse("mandates:partners_csv"))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:2] == ["Partnerorganisatie", "Ontvangen signalen"]
    assert rows[1][:4] == ["'=HYPERLINK(evil)", "2", "1", "1"]


def test_every_signal_of_a_partner_row_is_in_one_column_and_the_row_adds_up_as_in_the_csv(client, world):
    """A signal in every state the workflow knows: the page's row shows merged and waiting
    signals too, its columns add up to its total, and the CSV says the same."""
    from cases.workflow import Status

    school = world.partner.organisation
    received = timezone.now() - datetime.timedelta(days=5)
    household = HouseholdFactory(team=world.team_a)
    # The fields each state needs (the database's constraints on a signal).
    needs = {
        "accepted": {"household": household},
        "assigned": {"household": household, "assigned_to": world.worker_a},
        "forwarded": {"forwarded_to": OrganisationFactory(sector="debt_help")},
        "merged": {"merged_into": ReferralFactory(team=world.team_a, received_at=received)},
    }
    for status in Status.values:
        ReferralFactory(
            team=world.team_a,
            sender_organisation=school,
            status=status,
            received_at=received,
            **needs.get(status, {}),
        )
    client.force_login(world.manager_ab)
    page = client.get(reverse("mandates:partners")).text
    row = re.search(rf'<tr data-partner="{school.pk}">(.*?)</tr>', page, re.S).group(1)
    shown = {key: int(n) for key, n in re.findall(r'data-column="(\w+)">(\d+)<', row)}
    columns = ["accepted", "declined", "forwarded", "merged", "open"]
    assert shown["received"] == len(Status.values) == sum(shown[key] for key in columns), shown
    assert all(shown[key] for key in columns), f"a state without its column: {shown}"
    lines = list(
        csv.reader(
            io.StringIO(client.get(reverse("mandates:partners_csv")).content.decode("utf-8-sig")),
            delimiter=";",
        )
    )
    from_csv = dict(zip(lines[0], next(line for line in lines if line[0] == school.name), strict=True))
    headers = ["Ontvangen signalen", "Geaccepteerd", "Afgewezen", "Doorgestuurd", "Samengevoegd", "Wachtend"]
    assert [int(from_csv[header]) for header in headers] == [shown[key] for key in ["received", *columns]]


def test_partner_page_shows_signals_per_month(client, world):
    school = world.partner.organisation
    _signals_for(world, school)
    client.force_login(world.manager_ab)
    page = client.get(reverse("mandates:partner", args=[school.pk]))
    counts = [count for _month, count, _x, _y, _h in page.context["bars"]]
    assert len(counts) == 12 and sum(counts) == 3
    assert "<svg" in page.text and '<caption id="months-caption">' in page.text
    drawn = svg_numbers(page.text)
    # Twelve slots of 10 units: the viewBox is exactly as wide, so each bar lies over its column.
    assert ("svg", "viewbox", "0 0 120 60") in drawn
    assert len([n for n in drawn if n[:2] == ("rect", "x")]) == 12
    # A year across New Year is named at its first month.
    headers = re.findall(r'<th scope="col">([^<]*)(?:<br>(\d{4}))?</th>', page.text)
    years = sorted({month.year for month, *_bar in page.context["bars"]})
    assert len(headers) == 12 and headers[0][1] and [int(y) for _m, y in headers if y] == years


@pytest.mark.parametrize("partners", [1, 15])
def test_partner_overview_query_count_is_flat(client, django_assert_num_queries, world, partners):
    for index in range(partners):
        organisation = OrganisationFactory(name=f"Partner {index}", sector="school")
        _signals_for(world, organisation)
        MandateFactory(team=world.team_a, organisation=organisation)
    client.force_login(world.manager_ab)
    with django_assert_num_queries(12):
        # 1 session, 2 user, 3 positions (roles), 4 counts per partner, 5 mandates with their
        # last review, 6 partner names, 7 feedback given, 8 end results, 9 times to first
        # contact, 10-12 savepoint, session expiry refresh, release
        response = client.get(reverse("mandates:partners"))
    assert len(response.context["rows"]) == partners


# --- What the basis covers (the sharing gate reads it) --------------------------------------


def test_the_manager_says_which_data_the_basis_covers_and_the_page_shows_it(client, world):
    organisation = OrganisationFactory(is_partner=True)
    client.force_login(world.manager_ab)
    data = mandate_post(world, organisation, categories=["contact", "debt"])
    assert client.post(reverse("mandates:add"), data).status_code == 302
    mandate = Mandate.objects.get(organisation=organisation)
    assert mandate.covered_categories == ["contact", "debt"]
    page = client.get(reverse("mandates:detail", args=[mandate.pk])).text
    assert "Contactgegevens, Geld en schulden" in page


def test_on_consent_only_the_basis_covers_no_data(client, world):
    organisation = OrganisationFactory(is_partner=True)
    client.force_login(world.manager_ab)
    data = mandate_post(world, organisation, sharing_basis="consent_only", categories=["health"])
    response = client.post(reverse("mandates:add"), data)
    assert response.status_code == 200 and response.context["form"].errors["categories"]
    assert not Mandate.objects.filter(organisation=organisation).exists()
