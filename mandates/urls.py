from django.urls import path

from mandates import api_clients, views

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
    # The API clients of the partners (issue 19): made, changed and revoked by their manager.
    path("partners/api-clients/", api_clients.api_client_list, name="api_clients"),
    path("partners/api-clients/new/", api_clients.api_client_add, name="api_client_add"),
    path("partners/api-clients/<int:pk>/", api_clients.api_client_detail, name="api_client"),
    path("partners/api-clients/<int:pk>/webhook/", api_clients.api_client_webhook, name="api_client_webhook"),
    path("partners/api-clients/<int:pk>/scopes/", api_clients.api_client_scopes, name="api_client_scopes"),
    path("partners/api-clients/<int:pk>/secret/", api_clients.api_client_rotate, name="api_client_rotate"),
    path("partners/api-clients/<int:pk>/revoke/", api_clients.api_client_revoke, name="api_client_revoke"),
]
