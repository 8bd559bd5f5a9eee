from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Cases")

    def ready(self):
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate
        from simple_history.signals import pre_create_historical_record

        from cases.search import install_search_text_after_migrate, register_sqlite_functions
        from wijkteam.history import fit_reason

        connection_created.connect(register_sqlite_functions, dispatch_uid="cases.search.sqlite_functions")
        post_migrate.connect(install_search_text_after_migrate, sender=self, dispatch_uid="cases.search.text")
        # Every audited model, in every app: no change fails on the length of its reason.
        pre_create_historical_record.connect(fit_reason, dispatch_uid="wijkteam.history.fit_reason")
