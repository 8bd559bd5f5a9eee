from django.urls import path

from mandates import views

app_name = "mandates"

urlpatterns = [
    path("mandates/", views.mandate_list, name="list"),
    path("mandates/new/", views.mandate_edit, name="add"),
    path("mandates/<int:pk>/", views.mandate_detail, name="detail"),
    path("mandates/<int:pk>/edit/", views.mandate_edit, name="edit"),
    path("mandates/<int:pk>/review/", views.mandate_review, name="review"),
    path("partners/", views.partner_overview, name="partners"),
    path("partners/export.csv", views.partner_csv, name="partners_csv"),
    path("partners/<int:pk>/", views.partner_detail, name="partner"),
]
