from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from teams import security


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are made by an administrator: nobody signs up."""

    error_messages = {
        **DefaultAccountAdapter.error_messages,
        # The same words for a wrong name and a wrong password: no hint which accounts exist.
        "username_password_mismatch": _("The username or password is not correct. Check both and try again."),
    }

    def is_open_for_signup(self, request):
        return False

    def pre_authenticate(self, request, **credentials):
        """The login-failed rate limit refuses before the password is checked: log that lockout."""
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError as error:
            if error.code == "too_many_login_attempts":
                username = credentials.get("username") or credentials.get("email") or ""
                security.log_rate_limited(request, username=username, action="login")
            raise
