from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Cases")

    def ready(self):
        from django.db.backends.signals import connection_created

        from cases.search import register_sqlite_functions

        connection_created.connect(register_sqlite_functions, dispatch_uid="cases.search.sqlite_functions")
