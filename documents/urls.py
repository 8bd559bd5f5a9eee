from django.urls import path

from documents import views

app_name = "documents"

urlpatterns = [
    path("households/<uuid:pk>/documents/new/", views.document_add, name="document_add"),
    path(
        "households/<uuid:pk>/documents/<uuid:document_pk>/",
        views.document_download,
        name="document_download",
    ),
    path(
        "households/<uuid:pk>/documents/<uuid:document_pk>/edit/",
        views.document_edit,
        name="document_edit",
    ),
]
