from django.urls import path

from teams import expertise_views, views

app_name = "teams"

urlpatterns = [
    path("team/", views.team_overview, name="overview"),
    path("team/<int:pk>/edit/", views.team_edit, name="team_edit"),
    path("team/<int:pk>/positions/", views.positions, name="positions"),
    path("team/<int:pk>/positions/new/", views.position_edit, name="position_add"),
    path("team/<int:pk>/positions/<int:position_pk>/", views.position_edit, name="position_edit"),
    path("me/position/", views.my_position, name="my_position"),
    path("me/notifications/", views.notifications, name="notifications"),
    path("me/notifications/open/", views.notification_open, name="notification_open"),
    path("me/notifications/read/", views.notifications_read, name="notifications_read"),
    path("me/notifications/settings/", views.notification_settings, name="notification_settings"),
    # The team as a support group (issue 24).
    path("me/expertise/", expertise_views.expertise_mine, name="expertise_mine"),
    path("team/expertise/<int:user_pk>/", expertise_views.expertise_edit, name="expertise_edit"),
    path("team/who-knows/", expertise_views.who_knows, name="who_knows"),
]
