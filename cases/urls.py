from django.urls import path

from cases import views

app_name = "cases"

urlpatterns = [
    path("households/", views.household_list, name="household_list"),
    path("households/new/", views.household_create, name="household_create"),
    path("households/<uuid:pk>/", views.household_detail, name="household_detail"),
    path("households/<uuid:pk>/edit/", views.household_edit, name="household_edit"),
    path("households/<uuid:pk>/members/new/", views.person_edit, name="person_add"),
    path("households/<uuid:pk>/members/<uuid:person_pk>/", views.person_edit, name="person_edit"),
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
]
