from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WalkinConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "walkin"
    verbose_name = _("Walk-in hours")
