from allauth.account.adapter import DefaultAccountAdapter
from django.utils.translation import gettext_lazy as _


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are made by an administrator: nobody signs up."""

    error_messages = {
        **DefaultAccountAdapter.error_messages,
        # The same words for a wrong name and a wrong password: no hint which accounts exist.
        "username_password_mismatch": _("The username or password is not correct. Check both and try again."),
    }

    def is_open_for_signup(self, request):
        return False
