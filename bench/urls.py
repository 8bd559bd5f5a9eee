"""The application's URLs plus the two references of the benchmark."""

from django.urls import path

from bench import views
from bench.admin import site
from wijkteam.urls import handler400, handler403, handler404, handler429, handler500
from wijkteam.urls import urlpatterns as app_urlpatterns

urlpatterns = [
    path("bench/bare/<int:team_pk>/", views.bare, name="bench_bare"),
    path("bench/admin/", site.urls),
    *app_urlpatterns,
]

__all__ = ["handler400", "handler403", "handler404", "handler429", "handler500", "urlpatterns"]
