"""Refuse to run in production with settings that are only safe for the demo."""

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.core.exceptions import ImproperlyConfigured


def insecure_production_problems() -> list[str]:
    """What makes the current settings unfit to serve real data (empty when DEBUG is on)."""
    if settings.DEBUG:
        return []
    problems = []
    if settings.SECRET_KEY == settings.DEVELOPMENT_SECRET_KEY:
        problems.append("SECRET_KEY is the public development key; set SECRET_KEY.")
    elif len(settings.SECRET_KEY) < 50 or settings.SECRET_KEY.startswith("django-insecure"):
        problems.append("SECRET_KEY must be at least 50 characters and not 'django-insecure-'.")
    if not settings.ALLOWED_HOSTS:
        problems.append("ALLOWED_HOSTS is empty; set ALLOWED_HOSTS.")
    return problems


def refuse_insecure_production() -> None:
    """Called by the WSGI/ASGI entry points: a server never starts on the development key."""
    problems = insecure_production_problems()
    if problems:
        raise ImproperlyConfigured("Wijkteam refuses to start: " + " ".join(problems))


@register(Tags.security, deploy=True)
def check_production_settings(app_configs, **kwargs):
    return [Error(problem, id="wijkteam.E001") for problem in insecure_production_problems()]
