from django.urls import path

from walkin import views

app_name = "walkin"

urlpatterns = [
    path("inloop/", views.hour_list, name="hours"),
    path("inloop/nieuw/", views.hour_edit, name="hour_add"),
    path("inloop/cijfers/", views.figures, name="figures"),
    path("inloop/<int:pk>/", views.hour_detail, name="hour"),
    path("inloop/<int:pk>/wijzigen/", views.hour_edit, name="hour_edit"),
    path("inloop/<int:pk>/bezoek/", views.visit_add, name="visit_add"),
    path("inloop/bezoek/<int:pk>/", views.visit_edit, name="visit_edit"),
    path("inloop/bezoek/<int:pk>/ongedaan/", views.visit_undo, name="visit_undo"),
]
