from django.urls import path

from cases import views
from cases.views import agenda, consult, handover, notes

app_name = "cases"

urlpatterns = [
    path("households/", views.household_list, name="household_list"),
    path("households/new/", views.household_create, name="household_create"),
    path("households/<uuid:pk>/", views.household_detail, name="household_detail"),
    path("households/<uuid:pk>/edit/", views.household_edit, name="household_edit"),
    path("households/<uuid:pk>/members/new/", views.person_edit, name="person_add"),
    path("households/<uuid:pk>/members/<uuid:person_pk>/", views.person_edit, name="person_edit"),
    path("households/<uuid:pk>/history/", views.household_history, name="household_history"),
    path("households/<uuid:pk>/access-log/", views.household_access_log, name="household_access_log"),
    path("access-log/users/<int:user_pk>/", views.user_access_log, name="user_access_log"),
    # The plan and what surrounds it.
    path("households/<uuid:pk>/plan/", views.plan_detail, name="plan_detail"),
    path("households/<uuid:pk>/plan/start/", views.plan_start, name="plan_start"),
    path("households/<uuid:pk>/plan/edit/", views.plan_edit, name="plan_edit"),
    path("households/<uuid:pk>/plan/evaluate/", views.plan_evaluate, name="plan_evaluate"),
    path("households/<uuid:pk>/plan/approval/", views.plan_approval, name="plan_approval"),
    path("households/<uuid:pk>/plan/print/", views.plan_print, name="plan_print"),
    path("households/<uuid:pk>/plan/versions/<int:number>/", views.plan_version, name="plan_version"),
    path("households/<uuid:pk>/plan/goals/new/", views.goal_edit, name="goal_add"),
    path("households/<uuid:pk>/plan/goals/<int:goal_pk>/", views.goal_edit, name="goal_edit"),
    path("households/<uuid:pk>/plan/actions/new/", views.action_edit, name="action_add"),
    path("households/<uuid:pk>/plan/actions/<int:action_pk>/", views.action_edit, name="action_edit"),
    path("households/<uuid:pk>/plan/actions/<int:action_pk>/done/", views.action_done, name="action_done"),
    path("households/<uuid:pk>/network/new/", views.network_edit, name="network_add"),
    path("households/<uuid:pk>/network/<int:member_pk>/", views.network_edit, name="network_edit"),
    path("households/<uuid:pk>/assessments/", views.assessments, name="assessments"),
    path("households/<uuid:pk>/assessments/new/", views.assessment_new, name="assessment_add"),
    path("households/<uuid:pk>/reviews/new/", views.review_edit, name="review_add"),
    path("households/<uuid:pk>/reviews/<int:review_pk>/", views.review_edit, name="review_edit"),
    path(
        "households/<uuid:pk>/reviews/<int:review_pk>/follow-up/<int:line>/",
        views.review_follow_up,
        name="review_follow_up",
    ),
    # On the road: contacts, safety warnings, households out of contact, closing.
    path("households/<uuid:pk>/contacts/new/", views.contact_new, name="contact_add"),
    path("households/<uuid:pk>/notes/new/", notes.note_add, name="note_add"),
    # Ask the team (consultvragen, issue 24).
    path("households/<uuid:pk>/consult/new/", consult.consult_ask, name="consult_ask"),
    path("consult/", consult.consult_list, name="consult_list"),
    path("consult/<int:pk>/", consult.consult_detail, name="consult_detail"),
    path("consult/<int:pk>/agenda/", consult.consult_agenda, name="consult_agenda"),
    path("households/<uuid:pk>/warnings/new/", views.warning_add, name="warning_add"),
    path("households/<uuid:pk>/warnings/<int:warning_pk>/end/", views.warning_end, name="warning_end"),
    path("households/<uuid:pk>/follow-up/", views.follow_up_decide, name="follow_up_decide"),
    path("households/<uuid:pk>/close/", views.household_close, name="household_close"),
    path("households/<uuid:pk>/reopen/", views.household_reopen, name="household_reopen"),
    # Consent and sharing.
    path("households/<uuid:pk>/consent/<uuid:person_pk>/new/", views.consent_new, name="consent_add"),
    path(
        "households/<uuid:pk>/consent/<int:decision_pk>/withdraw/",
        views.consent_withdraw,
        name="consent_withdraw",
    ),
    path("households/<uuid:pk>/share/", views.share_new, name="share_add"),
    path("households/<uuid:pk>/members/<uuid:person_pk>/export/", views.person_export, name="person_export"),
    path(
        "households/<uuid:pk>/members/<uuid:person_pk>/access-request/",
        views.access_request_new,
        name="access_request_add",
    ),
    path(
        "households/<uuid:pk>/access-requests/<int:request_pk>/answered/",
        views.access_request_answered,
        name="access_request_answered",
    ),
    path("referrals/<uuid:pk>/emergency/", views.referral_emergency, name="referral_emergency"),
    path("caseload/", views.caseload, name="caseload"),
    path("teams/<int:team_pk>/handover/", handover.handover, name="handover"),
    path("teams/<int:team_pk>/handover/cover/", handover.cover_add, name="cover_add"),
    # The agenda: today, the week, appointments, the next attempt, the calendar feed.
    path("agenda/", agenda.agenda_today, name="agenda_today"),
    path("agenda/week/", agenda.agenda_week, name="agenda_week"),
    path("agenda/calendar/", agenda.calendar_feed_settings, name="calendar_feed_settings"),
    path("agenda/calendar/<str:token>.ics", agenda.calendar_feed, name="calendar_feed"),
    path("households/<uuid:pk>/appointments/new/", agenda.appointment_add, name="appointment_add"),
    path("households/<uuid:pk>/appointments/next/", agenda.next_attempt_accept, name="next_attempt_accept"),
    path(
        "households/<uuid:pk>/appointments/<int:appointment_pk>/",
        agenda.appointment_edit,
        name="appointment_edit",
    ),
    path(
        "households/<uuid:pk>/appointments/<int:appointment_pk>/cancel/",
        agenda.appointment_cancel,
        name="appointment_cancel",
    ),
    path("follow-up/", views.follow_up_list, name="follow_up_list"),
    path("outreach/", views.outreach_figures, name="outreach_figures"),
    path("tasks/<int:pk>/done/", views.task_complete, name="task_complete"),
    # Coordinators (managers read along): the triage queue and the signal page.
    path("referrals/", views.referral_queue, name="referral_queue"),
    path("referrals/new/", views.referral_create, name="referral_create"),
    path("referrals/<uuid:pk>/", views.referral_detail, name="referral_detail"),
    path(
        "referrals/<uuid:pk>/households/", views.referral_household_search, name="referral_household_search"
    ),
    *(
        path(
            f"referrals/<uuid:pk>/{action}/",
            views.referral_decide,
            {"action": action},
            name=f"referral_{action}",
        )
        for action in ("accept", "assign", "reassign", "decline", "forward", "merge", "close", "interests")
    ),
    # Partner reporters: send a signal and follow the status of their organisation's signals.
    path("signal/", views.partner_referral_send, name="partner_referral_send"),
    path("signal/sent/", views.partner_referral_list, name="partner_referral_list"),
    path("signal/sent/<str:reference>/", views.partner_referral_status, name="partner_referral_status"),
    path(
        "signal/sent/<str:reference>/supplement/",
        views.partner_referral_supplement,
        name="partner_referral_supplement",
    ),
]
