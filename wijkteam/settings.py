"""Settings for Wijkteam, read from the environment.

Every variable is documented in `.env.example`. The defaults are safe for a local demo run;
production switches hardening on by environment (DEBUG off), not by a second settings file.
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _
from whitenoise.compress import Compressor

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# The development key is public: wijkteam.checks refuses it whenever DEBUG is off.
DEVELOPMENT_SECRET_KEY = "django-insecure-wijkteam-development-key-never-use-in-production"  # noqa: S105
SECRET_KEY = os.environ.get("SECRET_KEY") or DEVELOPMENT_SECRET_KEY
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_htmx",
    "simple_history",
    "django_tasks_db",
    "teams",
    "cases",
    "mandates",
    "documents",
    "directory",  # the social map (sociale kaart), HSDS 3.0 in and out
    "walkin",  # the walk-in hour (inloopspreekuur) and its visits
    "areas",  # CBS wijken and buurten with their names (reference data)
    # The JSON API for partner systems (api/): REST framework, OAuth 2 client credentials, the
    # generated OpenAPI description and its docs' assets (served from static, no CDN).
    "rest_framework",
    "oauth2_provider",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "api",
    "wijkteam",  # management commands only: database_roles, and migrate as the owner
]

MIDDLEWARE = [
    "wijkteam.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "wijkteam.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "wijkteam.middleware.SessionExpiredMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "wijkteam.middleware.AbsoluteSessionTimeoutMiddleware",
    "wijkteam.middleware.IdleTimeoutMiddleware",
    "wijkteam.middleware.RequireMFAMiddleware",
    "wijkteam.middleware.NoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "wijkteam.urls"
WSGI_APPLICATION = "wijkteam.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "teams.context_processors.roles",
                "wijkteam.offline.client_messages",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# SQLite is only the zero-setup default of the demo run; production and CI use PostgreSQL.
_database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        _database_url,
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# The owner of the tables: migrate, createcachetable, database_roles and apply_retention log in
# as it (wijkteam/db.py, connect_as_owner); the application's own role (DATABASE_URL) cannot
# change, truncate or alter the audit trail. Unset (the SQLite demo): the same login.
DATABASE_OWNER = dj_database_url.parse(os.environ.get("DATABASE_OWNER_URL") or _database_url)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT: every query here is a short indexed lookup, but the estimated cost of the scoping
    # subqueries (a team's households) is high enough to trigger it, and compiling then takes
    # a second where running takes milliseconds (bench/results/explain). Set per connection so
    # a managed PostgreSQL needs no server setting.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
    # No server-side cursors: every form's choice list is read with `.iterator()`, which on
    # PostgreSQL declares a cursor WITH HOLD outside any transaction and fetches from it later.
    # Behind PgBouncer in transaction pooling (README, "When one database server is not
    # enough") that fetch may reach another client's server connection. The lists are short.
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
    # Tests only: each test database is a copy of this already migrated one (scripts/test.sh
    # migrates it once), instead of every test process migrating its own.
    if os.environ.get("DATABASE_TEST_TEMPLATE"):
        DATABASES["default"]["TEST"] = {"TEMPLATE": os.environ["DATABASE_TEST_TEMPLATE"]}
# Optional: a streaming replica for the heavy reads (figures, CSV exports, partner overview;
# wijkteam/replica.py), skipped while it lags more than DATABASE_REPLICA_MAX_LAG seconds or is down.
DATABASE_REPLICA_MAX_LAG = float(os.environ.get("DATABASE_REPLICA_MAX_LAG") or 30)
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"],
        conn_max_age=DATABASES["default"]["CONN_MAX_AGE"],
        conn_health_checks=True,
    )
    # A replica that does not answer is given up on quickly (seconds); no JIT, as above.
    _replica_options = {"connect_timeout": 2, "options": "-c jit=off"}
    DATABASES["replica"]["OPTIONS"] = _replica_options | DATABASES["replica"].get("OPTIONS", {})
    DATABASES["replica"]["DISABLE_SERVER_SIDE_CURSORS"] = True  # a pooler before it too
    # The test runner makes no database of it.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["wijkteam.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Shared state ---------------------------------------------------------------------------
# Several app servers answer the same users, so nothing that matters may live in one server's
# memory or disk. Sessions are rows in the database; so is the cache, which holds allauth's
# login rate limits (the lockout after failed logins) and the TOTP codes already used. A
# per-process cache would give every worker its own count and let a used code work again on
# another worker. `migrate` makes the table (wijkteam/migrations/0002_cache_tables.py).
SESSION_ENGINE = "django.contrib.sessions.backends.db"
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "wijkteam_cache",
        # Culling would drop rate-limit counters early: an attacker could flush their own count
        # by filling the cache with other keys.
        "OPTIONS": {"MAX_ENTRIES": 100_000},
    }
}

# --- Accounts -------------------------------------------------------------------------------
AUTH_USER_MODEL = "teams.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "teams.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"

# Nobody signs up: accounts are made by an administrator (teams.adapters closes signup).
ACCOUNT_ADAPTER = "teams.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_PREVENT_ENUMERATION = True
# Step-up: exporting a person's data, emergency access and changing the second factor ask for
# the password (or second factor) again when the last one typed, at the login or at the
# step-up, is older than this (docs/security.md AU-5: at most 10 minutes; teams/stepup.py).
ACCOUNT_REAUTHENTICATION_TIMEOUT = 5 * 60
ACCOUNT_RATE_LIMITS = {
    # Every post of the login form per client address: only a ceiling on the work one address can
    # cause (a team in one office behind one public address logs in at nine o'clock together).
    # Guessing is held back before the password is checked, by the rules of teams/throttle.py:
    # login_failed per username *and* address (key), login_failed_address per address alone,
    # much higher, and WIJKTEAM_LOGIN_ACCOUNT_DELAY per username alone (issue 15).
    "login": "300/m/ip",
    "login_failed": "5/5m/key",
    "login_failed_address": "30/m/ip,300/h/ip",
    "reset_password": "20/m/ip,5/m/key",
}
# A username alone, from browsers it never logged in from: after `free` failures within `window`
# seconds, each try waits and each failure doubles the wait (`first` seconds, at most `max`).
WIJKTEAM_LOGIN_ACCOUNT_DELAY = {"free": 10, "first": 30, "max": 15 * 60, "window": 3600}
# Behind the reverse proxy REMOTE_ADDR is the proxy: the rate limits per address take the
# client's from the last X-Forwarded-For entry, one per proxy in front (gunicorn drops the header
# from anyone but the proxy, wijkteam/gunicorn.conf.py). 0 = no proxy, REMOTE_ADDR is the client.
ALLAUTH_TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
PASSWORD_RESET_TIMEOUT = 3600
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Wijkteam"
# Accounts are made by an administrator, so their e-mail address is never "verified" by a
# sign-up flow; MFA must still be available to them.
MFA_ALLOW_UNVERIFIED_EMAIL = True

# Every account needs a second factor when this is on (default: on whenever DEBUG is off).
WIJKTEAM_REQUIRE_MFA = env_bool("WIJKTEAM_REQUIRE_MFA", not DEBUG)

# Working days (wijkteam/workdays.py): differ between collective agreements.
WIJKTEAM_GOOD_FRIDAY_OFF = env_bool("WIJKTEAM_GOOD_FRIDAY_OFF", False)
WIJKTEAM_LIBERATION_DAY = os.environ.get("WIJKTEAM_LIBERATION_DAY", "lustrum")  # lustrum|yearly|never

# Signals (cases/services.py): first-contact deadline in working days per urgency, how far
# apart two organisations' signals about one household still count as a match, and how many
# signals one partner account may send per hour.
WIJKTEAM_FIRST_CONTACT_DAYS = {
    key.strip(): int(days)
    for key, days in (
        item.split("=") for item in env_list("WIJKTEAM_FIRST_CONTACT_DAYS", "crisis=0,urgent=2,normal=5")
    )
}
WIJKTEAM_MATCH_PERIOD_DAYS = int(os.environ.get("WIJKTEAM_MATCH_PERIOD_DAYS", "365"))
WIJKTEAM_PARTNER_SIGNALS_PER_HOUR = int(os.environ.get("WIJKTEAM_PARTNER_SIGNALS_PER_HOUR", "30"))
# Outreach (cases/querysets.py, drifting): a household is out of contact after this many days
# without a successful contact, or this many failed attempts in a row.
WIJKTEAM_DRIFT_DAYS = int(os.environ.get("WIJKTEAM_DRIFT_DAYS", "30"))
WIJKTEAM_DRIFT_FAILED_ATTEMPTS = int(os.environ.get("WIJKTEAM_DRIFT_FAILED_ATTEMPTS", "3"))
# Retention (cases/retention.py): years after closure before a household is pseudonymised,
# per kind of record (docs/domain.md). Access logs are kept (at least 5 years).
WIJKTEAM_RETENTION_YEARS = {
    key.strip(): int(years)
    for key, years in (
        item.split("=")
        for item in env_list("WIJKTEAM_RETENTION_YEARS", "wmo=5,wmo_provision=15,youth_care=20")
    )
}
# Days the create-once submission ids (cases/once.py) are kept before apply_retention purges them;
# well above the 12-hour session limit, so no form page outlives its id.
WIJKTEAM_SUBMISSION_KEEP_DAYS = int(os.environ.get("WIJKTEAM_SUBMISSION_KEEP_DAYS", "7"))
# Days a walk-in visit that names someone but never became a household keeps the name, phone and
# note before apply_retention blanks them (walkin/retention.py); the count stays for the figures.
WIJKTEAM_WALKIN_NAMED_KEEP_DAYS = int(os.environ.get("WIJKTEAM_WALKIN_NAMED_KEEP_DAYS", "365"))

# --- Sessions and cookies -------------------------------------------------------------------
SESSION_COOKIE_AGE = 30 * 60  # idle timeout: every request renews it
WIJKTEAM_SESSION_ABSOLUTE_SECONDS = 12 * 60 * 60  # however active, log in again after 12 hours
# The idle timeout moves with use, but the session is written at most once a minute
# (wijkteam.middleware.IdleTimeoutMiddleware), not on every request.
SESSION_SAVE_EVERY_REQUEST = False
WIJKTEAM_SESSION_REFRESH_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
# A form sent with a missing or old token gets a Dutch page with the request id, not Django's.
CSRF_FAILURE_VIEW = "wijkteam.views.csrf_failure"
if not DEBUG:
    # The __Host- prefix makes the browser refuse the cookie unless it is Secure, host-only and
    # path=/, so it cannot be planted by a sibling domain.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]
# TLS ends at the reverse proxy, which sets X-Forwarded-Proto on every request (overwriting any
# the client sent); gunicorn drops the header from any other peer (FORWARDED_ALLOW_IPS).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 0 if DEBUG else 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = False
# Preloading HSTS binds the whole domain (often the municipality's) for years: the operator's
# decision, not the application's, so `check --deploy` does not warn about it.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    # SQLite (the demo) ignores an index's INCLUDE columns: the index works, only less well.
    SILENCED_SYSTEM_CHECKS.append("models.W040")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

# --- Language, time, formats ----------------------------------------------------------------
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Amsterdam"
USE_TZ = True
FORMAT_MODULE_PATH = ["wijkteam.formats"]

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "static/"
# Filled by `manage.py collectstatic` on every app server; WhiteNoise serves it from there.
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "wijkteam.staticfiles.AppDirectoriesFinder",  # the apps' assets that a page loads
]
# Source maps are read by a developer's browser tools only: copied, not compressed.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [*Compressor.SKIP_COMPRESS_EXTENSIONS, "map"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- Documents in the case file (documents/) ------------------------------------------------
# Files are private: a folder outside static/ that no URL serves, or an S3-compatible bucket
# (WIJKTEAM_DOCUMENTS_BUCKET). Either way they leave only through the app's download view.
DOCUMENTS_ROOT = Path(os.environ.get("WIJKTEAM_DOCUMENTS_ROOT") or BASE_DIR / "private" / "documents")
if os.environ.get("WIJKTEAM_DOCUMENTS_BUCKET"):
    STORAGES["documents"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["WIJKTEAM_DOCUMENTS_BUCKET"],
            "endpoint_url": os.environ.get("WIJKTEAM_DOCUMENTS_S3_ENDPOINT") or None,
            "region_name": os.environ.get("WIJKTEAM_DOCUMENTS_S3_REGION") or None,
            "access_key": os.environ.get("WIJKTEAM_DOCUMENTS_S3_ACCESS_KEY") or None,
            "secret_key": os.environ.get("WIJKTEAM_DOCUMENTS_S3_SECRET_KEY") or None,
            "default_acl": "private",
            "file_overwrite": False,
            "querystring_auth": True,
            "querystring_expire": 60,
        },
    }
else:
    STORAGES["documents"] = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": DOCUMENTS_ROOT, "base_url": None, "file_permissions_mode": 0o600},
    }
# The largest document accepted, in bytes (20 MB).
DOCUMENTS_MAX_SIZE = int(os.environ.get("WIJKTEAM_DOCUMENTS_MAX_SIZE", str(20 * 1024 * 1024)))
# ClamAV's daemon: its Unix socket, and its StreamMaxLength in bytes (clamd.conf) mirrored here,
# so a file clamd would not read to the end is refused before it is sent.
CLAMD_SOCKET = os.environ.get("WIJKTEAM_CLAMD_SOCKET", "/var/run/clamav/clamd.ctl")
CLAMD_STREAM_MAX_LENGTH = int(os.environ.get("WIJKTEAM_CLAMD_STREAM_MAX_LENGTH", str(25 * 1024 * 1024)))
CLAMD_TIMEOUT = int(os.environ.get("WIJKTEAM_CLAMD_TIMEOUT", "30"))

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Background tasks -----------------------------------------------------------------------
# django.tasks with the database backend: a task is a row in PostgreSQL, written in the same
# transaction as the request's own changes, and run by `manage.py db_worker` (README, "Deploying").
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# --- E-mail (password reset) ----------------------------------------------------------------
# Every mail is queued (wijkteam/mail.py): the page answers the same whether the mail server is
# up or not, and the worker delivers through "delivery", trying again until it is back.
EMAIL_BACKEND_CLASS = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
MAILERS = {
    "default": {"BACKEND": "wijkteam.mail.QueuedEmailBackend", "OPTIONS": {"deliver_using": "delivery"}},
    "delivery": {
        "BACKEND": EMAIL_BACKEND_CLASS,
        "OPTIONS": {
            "host": os.environ.get("EMAIL_HOST", "localhost"),
            "port": int(os.environ.get("EMAIL_PORT", "25")),
            "username": os.environ.get("EMAIL_HOST_USER", ""),
            "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
            "use_tls": env_bool("EMAIL_USE_TLS", False),
            # Seconds the worker waits for the mail server before the attempt counts as failed.
            "timeout": int(os.environ.get("EMAIL_TIMEOUT", "10")),
        }
        if EMAIL_BACKEND_CLASS.endswith("smtp.EmailBackend")
        else {},
    },
}
# Hours after a mail was first queued before the worker stops trying (then it logs an error).
WIJKTEAM_MAIL_GIVE_UP_HOURS = int(os.environ.get("WIJKTEAM_MAIL_GIVE_UP_HOURS", "24"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "wijkteam@localhost")
# Where the app is reached: the links in e-mails the worker sends (no request to build them from).
WIJKTEAM_SITE_URL = os.environ.get("WIJKTEAM_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# The social map (directory/updates.py): days an update request's link works, and after how many
# days without an answer the organisation is reminded once.
WIJKTEAM_UPDATE_REQUEST_DAYS = int(os.environ.get("WIJKTEAM_UPDATE_REQUEST_DAYS", "42"))
WIJKTEAM_UPDATE_REMINDER_DAYS = int(os.environ.get("WIJKTEAM_UPDATE_REMINDER_DAYS", "21"))

# --- The API for partner systems (api/) ----------------------------------------------------
# Tokens of the client-credentials grant live at most an hour (issue 19); shorter by environment.
WIJKTEAM_API_TOKEN_SECONDS = min(int(os.environ.get("WIJKTEAM_API_TOKEN_SECONDS", "3600")), 3600)
# Webhooks to partner systems (api/webhooks.py): seconds an attempt may take; plain http to this
# machine (127.0.0.1, localhost) only where allowed (development, tests), https otherwise.
WIJKTEAM_WEBHOOK_TIMEOUT = int(os.environ.get("WIJKTEAM_WEBHOOK_TIMEOUT", "5"))
WIJKTEAM_WEBHOOK_ALLOW_LOOPBACK = env_bool("WIJKTEAM_WEBHOOK_ALLOW_LOOPBACK", DEBUG)
# Failed token requests (wrong client id or secret) per client id and per address in 15 minutes.
WIJKTEAM_API_TOKEN_FAILURES = int(os.environ.get("WIJKTEAM_API_TOKEN_FAILURES", "10"))
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
OAUTH2_PROVIDER = {
    "ACCESS_TOKEN_EXPIRE_SECONDS": WIJKTEAM_API_TOKEN_SECONDS,
    "SCOPES": {
        "signals:create": "Send signals",
        "signals:read": "Read signals",
        "directory:read": "Read the social map (HSDS)",
        "directory:contacts": "Read the social map's contact persons",
    },
    "DEFAULT_SCOPES": ["signals:create", "signals:read"],
    "OAUTH2_VALIDATOR_CLASS": "api.auth.ClientValidator",
    # RFC 9700 (OAuth 2.0 Security BCP) throughout: tokens stored hashed, only in the header, no
    # implicit or password grant, https redirects only (only client credentials is used here).
    **{
        f"COMPLIANT_BCP_RFC9700_{part}": True
        for part in (
            "IMPLICIT_GRANT",
            "PASSWORD_GRANT",
            "PKCE_METHOD",
            "ACCESS_TOKEN_TRANSPORT",
            "AUTHZ_RESPONSE_ISS",
            "TOKEN_STORAGE",
            "REFRESH_TOKEN",
            "REDIRECT_URI_SCHEME",
            "REDIRECT_URI_MATCHING",
            "PKCE_REQUIRED",
        )
    },
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"],
}
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.auth.ClientAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["api.auth.ActingPerson"],
    "DEFAULT_THROTTLE_CLASSES": ["api.auth.ClientThrottle"],
    "DEFAULT_THROTTLE_RATES": {"client": os.environ.get("WIJKTEAM_API_RATE", "120/min")},
    "DEFAULT_PARSER_CLASSES": ["api.problems.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "EXCEPTION_HANDLER": "api.problems.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Wijkteam API",
    "DESCRIPTION": _("Signals in, status and feedback out, for the systems of partner organisations."),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {},
}

# --- Admin ----------------------------------------------------------------------------------
# Not on the default /admin/ path (docs/security.md DP-1).
ADMIN_URL_PATH = os.environ.get("ADMIN_URL_PATH", "beheer/")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
