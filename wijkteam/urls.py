from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from django.views.i18n import set_language

from directory import urls as directory_urls
from wijkteam import offline, tasks_admin, views

# The admin logs in through allauth too, so it gets the same rate limits and second factor.
admin.site.login = login_required(admin.site.login)
admin.site.site_header = admin.site.site_title = "Wijkteam beheer"
# The task queue without the tasks' arguments (a queued mail's text).
tasks_admin.register(admin.site)

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz/", views.healthz, name="healthz"),
    # Work without a connection (wijkteam/offline.py, static/js/wijkteam.js).
    path("sessie/", offline.session_state, name="session_state"),
    path("sessie/hersteld/", offline.session_restored, name="session_restored"),
    path("offline/", offline.offline_page, name="offline"),
    path("sw.js", offline.service_worker, name="service_worker"),
    # The JSON API for partner systems (api/): token, signals, its description and docs.
    path("", include(directory_urls.api_patterns)),  # before api/'s catch-all of /api/
    path("", include("api.urls")),
    path("", include("cases.urls")),
    path("", include("teams.urls")),
    path("", include("mandates.urls")),
    path("", include("documents.urls")),
    path("", include("directory.urls")),
    path("", include("walkin.urls")),
    path("", include(directory_urls.public_patterns)),
    path("accounts/", include("allauth.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path(settings.ADMIN_URL_PATH, admin.site.urls),
]

handler400 = "wijkteam.views.bad_request"
handler403 = "wijkteam.views.permission_denied"
handler404 = "wijkteam.views.page_not_found"
handler500 = "wijkteam.views.server_error"
# Not a Django handler: allauth's rate limits look it up here (allauth.core.internal.ratelimit).
handler429 = "wijkteam.views.too_many_requests"
