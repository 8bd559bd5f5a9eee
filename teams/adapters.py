from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from teams import security, stepup, throttle


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are made by an administrator: nobody signs up."""

    error_messages = {
        **DefaultAccountAdapter.error_messages,
        # The same words for a wrong name and a wrong password: no hint which accounts exist.
        "username_password_mismatch": _("The username or password is not correct. Check both and try again."),
    }

    def is_open_for_signup(self, request):
        return False

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        """No step-up right after the login: the password typed there counts for a few minutes."""
        if stepup.password_entered_recently(context.request or self.request):
            return False
        return super().is_reauthentication_required(app=app, **kwargs)

    def pre_authenticate(self, request, **credentials):
        """The login's rules (teams/throttle.py) refuse before the password is checked, and the
        refusal is logged. Until the password proves right, the attempt counts as a failure."""
        username = credentials.get("username") or credentials.get("email") or ""
        attempt = throttle.Attempt(request, username)
        try:
            attempt.claim()
        except throttle.Refused as refused:
            # The lock's SecurityEvent was written when it began (Attempt.failed).
            security.log_rate_limited(request, username=username, action="login", record=False)
            if refused.wait is None:
                raise self.validation_error("too_many_login_attempts") from None
            raise ValidationError(
                ngettext(
                    "Too many failed logins for this username. Wait a moment: you can try again in "
                    "%(seconds)d second.",
                    "Too many failed logins for this username. Wait a moment: you can try again in "
                    "%(seconds)d seconds.",
                    refused.wait,
                ),
                code="login_delayed",
                params={"seconds": refused.wait},
            ) from None
        self._login_attempt = attempt

    def authenticate(self, request, **credentials):
        user = super().authenticate(request, **credentials)
        attempt = getattr(self, "_login_attempt", None)
        if user is not None and attempt is not None:
            attempt.rollback()  # the right password counts for none of the rules
        return user

    def authentication_failed(self, request, **credentials):
        """A wrong password: each rule that locks from now on writes its SecurityEvent."""
        attempt = getattr(self, "_login_attempt", None)
        if attempt is not None:
            attempt.failed()

    def post_login(self, request, user, **kwargs):
        """A complete login (after the second factor, where the account has one): this browser is
        known for the account from now on (teams/throttle.py, rule 4)."""
        response = super().post_login(request, user, **kwargs)
        throttle.remember_browser(request, response, user.get_username())
        return response
