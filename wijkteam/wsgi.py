"""WSGI entry point (gunicorn wijkteam.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wijkteam.settings")

application = get_wsgi_application()

from wijkteam.checks import refuse_insecure_production  # noqa: E402

refuse_insecure_production()
