from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TeamsConfig(AppConfig):
    name = "teams"
    verbose_name = _("Teams and accounts")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in, user_login_failed

        from teams.security import log_failed_login, record_login_time
        from wijkteam import checks  # noqa: F401  (registers the deploy checks)

        user_login_failed.connect(log_failed_login, dispatch_uid="wijkteam.log_failed_login")
        user_logged_in.connect(record_login_time, dispatch_uid="wijkteam.record_login_time")
