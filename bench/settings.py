"""Settings of the benchmark server: production settings plus the measuring hooks.

Only `bench/run` uses this module. It adds what a measurement needs and production must never
have: a response header with the request's SQL query count, the reference pages (the Django
admin changelist of households, the bare view and the authenticated floor: bench/urls.py), and
cookies without the Secure flag, because the benchmark client talks plain HTTP on loopback and
sends `X-Forwarded-Proto: https` the way the reverse proxy does. Everything else (DEBUG off, MFA
required, every middleware) is production's.
"""

from wijkteam.settings import *  # noqa: F403
from wijkteam.settings import INSTALLED_APPS, MIDDLEWARE

ROOT_URLCONF = "bench.urls"
INSTALLED_APPS = [*INSTALLED_APPS, "bench"]
# Outermost, so the count includes the session, the user and the session save.
MIDDLEWARE = ["bench.middleware.QueryCountMiddleware", *MIDDLEWARE]

SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = False
SESSION_COOKIE_NAME = "sessionid"
CSRF_COOKIE_NAME = "csrftoken"
