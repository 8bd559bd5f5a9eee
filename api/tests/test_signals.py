"""The API for partner systems: tokens and scopes, the acting person, signals in through the
partner's form and service, only the organisation's own signals out, one access-log row a call."""

import datetime

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from oauth2_provider.models import AccessToken

from api.models import SignalSubmission
from api.services import client_revoke
from api.tests.conftest import ACTING, problem_of, signal_payload
from cases import services, workflow
from cases.models import AccessEvent, Referral, Share
from cases.services.sharing import partner_feedback
from cases.tests.factories import ReferralFactory
from cases.tests.test_sharing import feedback, give, signal_from
from mandates.tests.factories import MandateFactory
from teams.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/signals/"


def detail(referral) -> str:
    return reverse("api:signal", args=[referral.pk])


def sent_by(organisation, world, **fields):
    return ReferralFactory(team=world.team_a, sender_organisation=organisation, **fields)


# --- Tokens, scopes, the acting person ------------------------------------------------------


def test_a_token_lives_at_most_an_hour_and_the_secret_is_stored_hashed(partner):
    response = partner.token_response()
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "Bearer" and 0 < body["expires_in"] <= 3600
    assert set(body["scope"].split()) == {"signals:create", "signals:read"}
    stored = partner.client.application.client_secret
    assert partner.secret not in stored and stored.startswith(("pbkdf2", "argon2", "md5"))


def test_a_wrong_secret_gets_no_token_and_a_problem(partner):
    response = partner.token_response(secret="geraden")
    assert response.status_code == 401
    body = response.json()
    assert body["error"] == "invalid_client" and body["status"] == 401 and body["detail"]


def test_without_a_token_the_answer_is_401_problem_details(client, partner):
    response = client.get(LIST, HTTP_X_ACTING_PERSON=ACTING)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert problem_of(response)["code"] == "not_authenticated"
    assert response["Content-Language"] == "nl"


def test_an_expired_token_is_refused(partner):
    token = partner.token()
    stored = AccessToken.objects.get()
    stored.expires = timezone.now() - datetime.timedelta(seconds=1)
    stored.save()
    assert partner.get(LIST, token=token).status_code == 401


def test_a_revoked_client_is_refused_at_once(partner):
    token = partner.token()
    assert partner.get(LIST, token=token).status_code == 200
    client_revoke(client=partner.client, by=None)
    response = partner.get(LIST, token=token)
    assert response.status_code == 401
    assert response.json()["status"] == 401
    assert partner.token_response().status_code == 401  # and it gets no new token


def test_a_client_whose_account_is_deactivated_is_refused_at_once(partner):
    """Every call reads the client again: a token that still exists stops working too."""
    token = partner.token()
    account = partner.client.user
    account.is_active = False
    account.save()
    assert partner.get(LIST, token=token).status_code == 401


def test_a_token_of_another_scope_is_refused(partner, world):
    read_only = partner.token(scope="signals:read")
    response = partner.post(LIST, signal_payload(), token=read_only)
    assert response.status_code == 403
    assert "signals:create" in response.json()["detail"]
    assert not Referral.objects.exists()
    create_only = partner.token(scope="signals:create")
    assert partner.get(LIST, token=create_only).status_code == 403


def test_a_client_cannot_ask_for_a_scope_it_was_not_given(client, world):
    from api.tests.conftest import Partner

    reader = Partner(client, world.partner.organisation, scopes=["signals:read"])
    assert reader.token_response(scope="signals:create").status_code == 400
    assert reader.token_response().json()["scope"] == "signals:read"


@pytest.mark.parametrize("acting", [None, "", "   ", "Anna\x07"])
def test_a_call_without_an_acting_person_is_refused(partner, acting):
    response = partner.get(LIST, acting=acting)
    assert response.status_code == 400
    assert response.json()["code"] == "acting_person_missing"


# --- Sending a signal -------------------------------------------------------------------------


def test_a_signal_is_made_through_the_partners_service(partner, world):
    payload = signal_payload()
    response = partner.post(LIST, payload)
    assert response.status_code == 201, response.content
    body = response.json()
    referral = Referral.objects.get()
    assert body["id"] == str(referral.pk) and response["Location"] == detail(referral)
    assert (body["status"], body["status_label"], body["feedback"]) == ("received", "Ontvangen", [])
    assert referral.team == world.team_a  # routed by the postcode, as the web form does
    assert referral.sender_organisation == world.partner.organisation
    assert referral.channel == Referral.Channel.PORTAL and referral.submitted_by == partner.client.user
    assert str(referral.submission_id) == payload["submission_id"]
    assert referral.history.get().history_user == partner.client.user
    submission = SignalSubmission.objects.get()
    assert (submission.referral, submission.client, submission.acting_person) == (
        referral,
        partner.client,
        ACTING,
    )
    event = AccessEvent.objects.get()
    assert (event.action, event.result, event.object_id) == ("create", "allowed", str(referral.pk))
    assert (event.user, event.api_client, event.acting_person) == (
        partner.client.user,
        partner.client.client_id,
        ACTING,
    )
    assert not set(body) & {"household", "concern", "subject_last_name", "postcode", "assigned_to"}


def test_a_retry_with_the_same_id_makes_one_signal(partner):
    payload = signal_payload()
    first = partner.post(LIST, payload)
    again = partner.post(LIST, payload)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert Referral.objects.count() == 1 == SignalSubmission.objects.count()


def test_the_same_id_with_other_content_is_a_conflict(partner):
    payload = signal_payload()
    assert partner.post(LIST, payload).status_code == 201
    response = partner.post(LIST, {**payload, "concern": "Iets heel anders."})
    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
    assert Referral.objects.count() == 1


def test_the_web_forms_checks_apply_in_dutch_or_english(partner):
    payload = signal_payload(subject_last_name="", postcode="", house_number=None)
    response = partner.post(LIST, payload)
    assert response.status_code == 400
    problem = problem_of(response)
    assert "achternaam" in problem["errors"]["subject_last_name"][0]
    assert response["Content-Language"] == "nl"
    english = partner.post(LIST, payload, language="en-GB,en;q=0.8")
    assert "last name" in problem_of(english)["errors"]["subject_last_name"][0]
    assert english["Content-Language"] == "en"
    assert not Referral.objects.exists()


def test_the_partners_hourly_limit_holds_for_the_api_too_as_429(partner):
    with override_settings(WIJKTEAM_PARTNER_SIGNALS_PER_HOUR=1):
        assert partner.post(LIST, signal_payload()).status_code == 201
        response = partner.post(LIST, signal_payload())
        english = partner.post(LIST, signal_payload(), language="en")
    assert response.status_code == 429
    problem = problem_of(response)
    assert problem["code"] == "limit_reached" and "uur" in problem["detail"]
    assert 3500 <= int(response["Retry-After"]) <= 3601
    assert "hour" in problem_of(english)["detail"]
    assert Referral.objects.count() == 1
    event = AccessEvent.objects.order_by("-at").first()
    assert (event.result, event.acting_person) == ("error", ACTING)


# --- Reading: only the organisation's own signals -------------------------------------------------


def test_the_list_holds_only_the_organisations_signals_on_every_page_and_filter(
    partner, other_partner, world
):
    own = [sent_by(partner.organisation, world) for _ in range(27)]
    theirs = [sent_by(other_partner.organisation, world) for _ in range(5)]
    seen = []
    page = partner.get(LIST).json()
    assert page["count"] == 27
    while True:
        seen += [item["id"] for item in page["results"]]
        if not page["next"]:
            break
        page = partner.http.get(page["next"], **partner.headers()).json()
    assert sorted(seen) == sorted(str(r.pk) for r in own)
    for params in [{"status": "received"}, {"received_from": timezone.localdate().isoformat()}, {"page": 2}]:
        found = {item["id"] for item in partner.get(LIST, params).json()["results"]}
        assert found and not found & {str(r.pk) for r in theirs}, params
    assert other_partner.get(LIST).json()["count"] == 5


def test_the_filters_by_status_and_date(partner, world):
    old = sent_by(partner.organisation, world, received_at=timezone.now() - datetime.timedelta(days=40))
    declined = sent_by(partner.organisation, world, status=workflow.Status.DECLINED)
    new = sent_by(partner.organisation, world)
    merged = sent_by(partner.organisation, world, status=workflow.Status.MERGED, merged_into=declined)

    def ids(**params):
        return {item["id"] for item in partner.get(LIST, params).json()["results"]}

    assert ids(status="not_picked_up") == {str(declined.pk), str(merged.pk)}
    assert ids(status="received") == {str(old.pk), str(new.pk)}
    since = (timezone.localdate() - datetime.timedelta(days=7)).isoformat()
    assert ids(received_from=since) == {str(declined.pk), str(new.pk), str(merged.pk)}
    until = (timezone.localdate() - datetime.timedelta(days=30)).isoformat()
    assert ids(received_until=until) == {str(old.pk)}
    bad = partner.get(LIST, {"status": "accepted", "received_from": "gisteren"})
    assert bad.status_code == 400 and set(problem_of(bad)["errors"]) == {"status", "received_from"}


def test_the_status_filter_agrees_with_the_status_the_partner_sees(world):
    """with_partner_status is the query of Referral.partner_status, merged chains included."""
    first = ReferralFactory(team=world.team_a)
    chain = [ReferralFactory(team=world.team_a, status=workflow.Status.DECLINED)]
    for _ in range(6):
        chain.append(ReferralFactory(team=world.team_a, status=workflow.Status.MERGED, merged_into=chain[-1]))
    signals = [first, *chain]
    for status in workflow.PartnerStatus.values:
        expected = {r.pk for r in signals if r.partner_status == status}
        assert set(Referral.objects.with_partner_status(status).values_list("pk", flat=True)) == expected


def test_the_list_costs_the_same_queries_for_one_signal_as_for_many(partner, world):
    sent_by(partner.organisation, world)
    partner.get(LIST)  # the token and the cache table are warm

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert partner.get(LIST).status_code == 200
        return len(captured)

    one = queries()
    for _ in range(20):
        sent_by(partner.organisation, world)
    assert queries() == one


def test_another_organisations_signal_is_404_and_the_attempt_is_logged(partner, other_partner, world):
    theirs = sent_by(other_partner.organisation, world)
    response = partner.get(detail(theirs))
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    refusal = AccessEvent.objects.get()
    assert (refusal.result, refusal.object_id, refusal.acting_person) == ("denied", str(theirs.pk), ACTING)
    assert (
        partner.get(reverse("api:signal", args=["6f1c7a7e-0000-4000-8000-000000000000"])).status_code == 404
    )
    assert partner.get("/api/v1/signals/niet-een-id/").status_code == 404


def test_the_detail_shows_exactly_the_feedback_of_the_status_page(client, partner, world, family):
    household, people = family
    signal = signal_from(world, household, organisation=partner.organisation)
    MandateFactory(team=world.team_a, organisation=partner.organisation, feedback_level="full")
    give(world, people["mother"], categories=["situation"])
    feedback(world, household, [people["mother"]], ["situation"], content="We zijn met het gezin in gesprek.")
    # Shared about the same signal with another organisation: not this partner's feedback.
    Share(
        household=household,
        referral=signal,
        recipient=OrganisationFactory(sector="gp"),
        purpose="coordination",
        categories=["situation"],
        content="Alleen voor de huisarts.",
        ground="consent",
        ground_reference="test",
        shared_by=world.worker_a,
    ).save()
    body = partner.get(detail(signal)).json()
    assert body["status"] == "picked_up"
    shown = partner_feedback(signal, partner.organisation.pk)
    assert [item["content"] for item in body["feedback"]] == [share.content for share in shown]
    assert body["feedback"][0]["categories"] == ["situation"]
    client.force_login(world.partner)
    page = client.get(reverse("cases:partner_referral_status", args=[signal.reference]))
    assert list(page.context["feedback"]) == list(shown)
    assert "household" not in body and "Ilse" not in str(body)
    assert "huisarts" not in str(body)


# --- Same rules, same logs ----------------------------------------------------------------------


def test_every_authenticated_call_leaves_one_access_log_row(partner, other_partner, world):
    own = sent_by(partner.organisation, world)
    theirs = sent_by(other_partner.organisation, world)
    payload = signal_payload()
    calls = [
        lambda: partner.get(LIST),
        lambda: partner.get(detail(own)),
        lambda: partner.get(detail(theirs)),
        lambda: partner.post(LIST, payload),
        lambda: partner.post(LIST, payload),
        lambda: partner.post(LIST, {**payload, "concern": "Anders"}),
        lambda: partner.post(LIST, {"submission_id": 3}),
        lambda: partner.post(LIST, signal_payload(), token=partner.token(scope="signals:read")),
        lambda: partner.get(LIST, {"status": "onzin"}),
    ]
    for call in calls:
        before = AccessEvent.objects.count()
        response = call()
        new = list(AccessEvent.objects.order_by("-at", "-id")[: AccessEvent.objects.count() - before])
        assert len(new) == 1, (response.status_code, response.content)
        event = new[0]
        assert (event.user, event.api_client, event.acting_person) == (
            partner.client.user,
            partner.client.client_id,
            ACTING,
        )
        expected = (
            "allowed"
            if response.status_code < 400
            else "denied"
            if response.status_code in (403, 404)
            else "error"
        )
        assert event.result == expected, response.status_code


def test_the_rate_is_limited_per_client(partner, other_partner):
    rates = {"client": "2/min"}
    with override_settings(REST_FRAMEWORK={**_rest_framework(), "DEFAULT_THROTTLE_RATES": rates}):
        assert [partner.get(LIST).status_code for _ in range(3)] == [200, 200, 429]
        response = partner.get(LIST)
        assert response.json()["code"] == "throttled" and int(response["Retry-After"]) > 0
        assert other_partner.get(LIST).status_code == 200  # another client has its own count


def _rest_framework():
    from django.conf import settings

    return dict(settings.REST_FRAMEWORK)


def test_a_session_of_the_web_app_is_no_api_login(client, world):
    client.force_login(world.partner)
    response = client.get(LIST, HTTP_X_ACTING_PERSON=ACTING)
    assert response.status_code == 401


def test_an_unknown_api_address_is_a_problem_not_a_page(client):
    response = client.get("/api/v2/huishoudens/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_nothing_about_households_persons_or_plans_is_reachable():
    from django.urls import get_resolver

    from tests.test_urls import walk

    routes = [route for _name, route, _p in walk(get_resolver().url_patterns) if route.startswith("api/")]
    assert not [r for r in routes if any(word in r for word in ("household", "person", "plan", "huishoud"))]


def test_a_triaged_signal_shows_its_new_status(partner, world, family):
    household, _people = family
    payload = signal_payload()
    created = partner.post(LIST, payload).json()
    referral = Referral.objects.get(pk=created["id"])
    services.referral_accept(referral=referral, by=world.coordinator_a, household=household)
    assert partner.get(detail(referral)).json()["status"] == "picked_up"
