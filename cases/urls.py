from django.urls import path

from cases import views

app_name = "cases"

urlpatterns = [
    path("", views.household_list, name="household_list"),
    path("new/", views.household_create, name="household_create"),
    path("<uuid:pk>/", views.household_detail, name="household_detail"),
    path("<uuid:pk>/edit/", views.household_edit, name="household_edit"),
    path("<uuid:pk>/members/new/", views.person_edit, name="person_add"),
    path("<uuid:pk>/members/<uuid:person_pk>/", views.person_edit, name="person_edit"),
]
