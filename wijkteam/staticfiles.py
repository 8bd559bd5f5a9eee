"""collectstatic without what no page loads.

ReDoc (drf-spectacular-sidecar ships it beside Swagger UI, which is what /api/docs/ uses),
REST framework's browsable API (the API renders JSON only) and django-htmx's copies of htmx and
its extensions (the pages load static/vendor's htmx) are left out: with WhiteNoise's compression
they made up most of the time of every app server's deploy.
"""

from django.contrib.staticfiles import finders

UNUSED = ["redoc", "rest_framework", "django_htmx"]


class AppDirectoriesFinder(finders.AppDirectoriesFinder):
    def list(self, ignore_patterns):
        return super().list([*(ignore_patterns or []), *UNUSED])
