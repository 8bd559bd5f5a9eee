from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MandatesConfig(AppConfig):
    """Mandates per team × partner organisation and their reviews (the mandates issue)."""

    name = "mandates"
    verbose_name = _("Mandates")
