from django.urls import path

from directory import api as hsds_api
from directory import public, views

app_name = "directory"

urlpatterns = [
    path("sociale-kaart/", views.service_search, name="search"),
    path("sociale-kaart/controle/", views.stale_list, name="stale"),
    path("sociale-kaart/export/hsds.json", views.export_json, name="export_json"),
    path("sociale-kaart/export/hsds-csv.zip", views.export_tabular, name="export_tabular"),
    path("sociale-kaart/diensten/nieuw/", views.service_edit, name="service_add"),
    path("sociale-kaart/diensten/<uuid:pk>/", views.service_detail, name="service"),
    path("sociale-kaart/diensten/<uuid:pk>/wijzigen/", views.service_edit, name="service_edit"),
    path("sociale-kaart/diensten/<uuid:pk>/gecontroleerd/", views.service_verify, name="service_verify"),
    path("sociale-kaart/diensten/<uuid:pk>/contactpersonen/nieuw/", views.contact_add, name="contact_add"),
    path(
        "sociale-kaart/diensten/<uuid:pk>/contactpersonen/<uuid:contact_pk>/",
        views.contact_edit,
        name="contact_edit",
    ),
    path(
        "sociale-kaart/diensten/<uuid:pk>/contactpersonen/<uuid:contact_pk>/verwijderen/",
        views.contact_remove,
        name="contact_remove",
    ),
    path("sociale-kaart/diensten/<uuid:pk>/locaties/nieuw/", views.location_edit, name="location_add"),
    path(
        "sociale-kaart/diensten/<uuid:pk>/locaties/<uuid:location_pk>/",
        views.location_edit,
        name="location_edit",
    ),
    path(
        "sociale-kaart/diensten/<uuid:pk>/locaties/<uuid:location_pk>/verwijderen/",
        views.location_remove,
        name="location_remove",
    ),
    path(
        "sociale-kaart/organisaties/<int:pk>/bijwerkverzoek/",
        views.update_request_send,
        name="update_request_send",
    ),
    path(
        "households/<uuid:pk>/plan/actions/<int:action_pk>/service/",
        views.action_refer,
        name="action_refer",
    ),
    path(
        "households/<uuid:pk>/reviews/<int:review_pk>/follow-up/<int:line>/service/",
        views.review_refer,
        name="review_refer",
    ),
]

# Without login: the link of an update request (its token is the authentication).
public_patterns = (
    [path("sociale-kaart/bijwerken/<str:token>/", public.update_answer, name="update_answer")],
    "directory_public",
)

# The read-only HSDS API for partners' systems (directory/api.py): a bearer token is its login.
api_patterns = (
    [
        path("api/hsds/", hsds_api.root, name="root"),
        path("api/hsds/services", hsds_api.services, name="services"),
        path("api/hsds/services/<uuid:pk>", hsds_api.service, name="service"),
    ],
    "directory_api",
)
