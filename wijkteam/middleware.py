import time
import uuid
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import redirect, resolve_url
from django.urls import resolve
from django.urls.exceptions import Resolver404
from django.utils import translation
from django.utils.cache import add_never_cache_headers

# What a user without a second factor may still reach: setting one up, and leaving.
MFA_SETUP_URL_NAMES = {
    "mfa_activate_totp",
    "mfa_index",
    "mfa_view_recovery_codes",
    "mfa_generate_recovery_codes",
    "mfa_download_recovery_codes",
    "mfa_reauthenticate",
    "account_reauthenticate",
    "account_logout",
    "set_language",
    "healthz",
}


class RequireMFAMiddleware:
    """With WIJKTEAM_REQUIRE_MFA on, a logged-in user without a TOTP device can only set one up.

    The login itself never lets a user with a device in before the second factor (allauth keeps
    them in a login stage, not logged in); this closes the other gap, an account without one.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.WIJKTEAM_REQUIRE_MFA and request.user.is_authenticated and not self._allowed(request):
            from teams.roles import has_totp

            # Read with the user's roles (one query for both), fresh on every request.
            if not has_totp(request.user):
                return redirect("mfa_activate_totp")
        return self.get_response(request)

    @staticmethod
    def _allowed(request) -> bool:
        try:
            return resolve(request.path_info).url_name in MFA_SETUP_URL_NAMES
        except Resolver404:
            return True


class NoStoreMiddleware:
    """Pages for a logged-in user hold personal data: no browser or proxy may keep them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.user.is_authenticated:
            add_never_cache_headers(response)
        return response


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Dutch unless the user chose another language with the switch (a cookie).

    The browser's Accept-Language is ignored on purpose: a Dutch team's worker with an English
    phone still gets the Dutch interface that colleagues and documents use.
    """

    def process_request(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class RequestIdMiddleware:
    """A short id per request: in the X-Request-ID header, on error pages, and in the log, so a
    user can quote it and an administrator can find the request without seeing its data."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = uuid.uuid4().hex[:12]
        response = self.get_response(request)
        response["X-Request-ID"] = request.request_id
        return response


LOGIN_AT = "wijkteam.login_at"


class AbsoluteSessionTimeoutMiddleware:
    """A session ends 12 hours after login, however active (the idle timeout is 30 minutes)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            started = request.session.setdefault(LOGIN_AT, now)
            if now - started > settings.WIJKTEAM_SESSION_ABSOLUTE_SECONDS:
                logout(request)
                return redirect_to_login(request.get_full_path())
        return self.get_response(request)


REFRESHED_AT = "wijkteam.refreshed_at"


class IdleTimeoutMiddleware:
    """The 30-minute idle timeout, with one session write a minute instead of one per request.

    Every save moves the session's expiry SESSION_COOKIE_AGE ahead. Saving on every request
    (SESSION_SAVE_EVERY_REQUEST) costs a write and a commit per click on the one database that
    all app servers share; saving when the last save is a minute old keeps the timeout within a
    minute of exact (never longer) for one write per minute per active user.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if session is not None and user is not None and user.is_authenticated:
            now = time.time()
            last = session.get(REFRESHED_AT, 0)
            # Written anyway (a login, a message), or due: note when, so the next minute is free.
            if session.modified or now - last >= settings.WIJKTEAM_SESSION_REFRESH_SECONDS:
                session[REFRESHED_AT] = now
        return response


class SessionExpiredMiddleware:
    """A script's request (htmx, or the outbox's) that meets the login page gets 401, not the page.

    Without it the browser follows the redirect and htmx swaps the whole login page, menu and all,
    into a row of the caseload, and what was typed is gone. With a 401 the script keeps the form
    as it is and offers to log in again (static/js/wijkteam.js).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        scripted = (
            request.headers.get("HX-Request") == "true" or request.headers.get("X-Wijkteam-Outbox") == "1"
        )
        if scripted and response.status_code in (301, 302, 303, 307) and self._to_login(response):
            answer = JsonResponse({"ok": False, "reason": "session"}, status=401)
            answer["HX-Reswap"] = "none"
            return answer
        return response

    @staticmethod
    def _to_login(response) -> bool:
        return urlsplit(response.get("Location", "")).path == resolve_url(settings.LOGIN_URL)
