"""The app's URLconf plus three views that fail on purpose, for tests/test_error_pages.py."""

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.urls import path

from wijkteam import urls

handler400 = urls.handler400
handler403 = urls.handler403
handler404 = urls.handler404
handler500 = urls.handler500
handler429 = urls.handler429

SECRET = "Familie Geheim, BSN 111222333"


@login_not_required
def suspicious(request):
    raise SuspiciousOperation(SECRET)


@login_not_required
def refused(request):
    raise PermissionDenied(SECRET)


@login_not_required
def broken(request):
    raise RuntimeError(SECRET)


urlpatterns = [
    path("test-errors/400/", suspicious),
    path("test-errors/403/", refused),
    path("test-errors/500/", broken),
    *urls.urlpatterns,
]
