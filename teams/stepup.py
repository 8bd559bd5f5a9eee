"""Step-up (docs/security.md AU-5): a sensitive action asks for the password again, unless it was
typed in the last few minutes (ACCOUNT_REAUTHENTICATION_TIMEOUT), at the login or at the step-up.

allauth counts only its own step-up page as a recent check, so a user who has just logged in
(password, and the second factor where they have one) would be asked again at once, for
example on the way to setting up TOTP after the first login. The login's password entry is
in the same session records (allauth's "account_authentication_methods"); this reads them.
"""

import time

from allauth.account import app_settings
from allauth.account.internal.flows.login import get_authentication_records


def password_entered_recently(request) -> bool:
    """The last password this session's user typed (login or step-up) is younger than the
    step-up timeout."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    entered = [
        record["at"]
        for record in get_authentication_records(request, user)
        if record.get("method") == "password" and isinstance(record.get("at"), int | float)
    ]
    return bool(entered) and time.time() - max(entered) < app_settings.REAUTHENTICATION_TIMEOUT
