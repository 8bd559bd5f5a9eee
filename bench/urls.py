"""The application's URLs plus the benchmark's references: the two floors and the admin changelist.

Only bench/settings.py uses this URLconf; the product's (wijkteam/urls.py) has none of them.
"""

from django.urls import path

from bench import views
from bench.admin import site
from wijkteam.urls import handler400, handler403, handler404, handler429, handler500
from wijkteam.urls import urlpatterns as app_urlpatterns

urlpatterns = [
    path("bench/bare/<int:team_pk>/", views.bare, name="bench_bare"),
    path("bench/floor/", views.floor, name="bench_floor"),
    path("bench/admin/", site.urls),
    *app_urlpatterns,
]

__all__ = ["handler400", "handler403", "handler404", "handler429", "handler500", "urlpatterns"]
