from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import redirect
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
            from allauth.mfa.models import Authenticator

            if not Authenticator.objects.filter(user=request.user, type=Authenticator.Type.TOTP).exists():
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
