"""IREN Portal settings: one module, everything from the environment.

Development needs nothing set: SQLite in the project folder, Celery tasks run in-process and
mail is printed to the console. Production sets DATABASE_URL, REDIS_URL, SECRET_KEY, DEBUG=0,
ALLOWED_HOSTS and EMAIL_URL.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=True)

_DEV_SECRET = "dev-only-insecure-secret-key-do-not-use-in-production"
SECRET_KEY = env.str("SECRET_KEY", default=_DEV_SECRET if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# The base address used in links that leave the request cycle (emails sent by Celery tasks).
PORTAL_BASE_URL = env.str("PORTAL_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "django_countries",
    "members",
    "exchange",
    "seizures",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "ireN.urls"
WSGI_APPLICATION = "ireN.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "members.context_processors.portal",
                "exchange.context_processors.bell",
                "exchange.matching_views.matching_nav",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "members.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Invitation links are password-reset tokens; give a new focal point a week to follow one.
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=7 * 24 * 3600)
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# django-guardian: no anonymous user row; permissions are only ever granted to groups.
ANONYMOUS_USER_NAME = None
GUARDIAN_MONKEY_PATCH_USER = False

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ru", _("Russian"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Uploaded files (query attachments, import files) live outside the static root and have no
# public URL: they are streamed only by views that check the permission module.
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "var" / "private")))
# No URL pattern serves this prefix. It must still be a string: Django's test live server
# builds a media handler from it and breaks on None.
MEDIA_URL = "/private-media/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 26_214_400

# Mail: console in development, SMTP (or anything django-environ understands) in production.
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="IREN Portal <no-reply@iren.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)

# Celery: with REDIS_URL a real broker and worker; without it tasks run in-process so the demo
# works on a laptop with nothing else installed.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = False
else:
    CELERY_BROKER_URL = "memory://"
    CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
# Periodic tasks; each app adds its own entries here.
CELERY_BEAT_SCHEDULE: dict = {
    "exchange-resend-pending-alerts": {
        "task": "exchange.tasks.resend_pending_alerts",
        "schedule": env.int("EXCHANGE_RESEND_EVERY_SECONDS", default=60),
    },
    "exchange-watch-deadlines": {
        "task": "exchange.tasks.watch_deadlines",
        "schedule": env.int("EXCHANGE_DEADLINE_CHECK_EVERY_SECONDS", default=300),
    },
}

# Urgent queries (exchange): due times per priority, reminders and escalation of unacknowledged
# urgent queries, alert delivery and attachment limits.
EXCHANGE_DUE_HOURS = {
    "urgent": env.float("EXCHANGE_DUE_HOURS_URGENT", default=4),
    "high": env.float("EXCHANGE_DUE_HOURS_HIGH", default=24),
    "routine": env.float("EXCHANGE_DUE_HOURS_ROUTINE", default=5 * 24),
}
EXCHANGE_REMINDER_MINUTES = env.int("EXCHANGE_REMINDER_MINUTES", default=30)
EXCHANGE_ESCALATION_MINUTES = env.int("EXCHANGE_ESCALATION_MINUTES", default=60)
# A pending alert older than this is re-sent by the periodic task; a claim older than the lease
# is taken to belong to a worker that died.
EXCHANGE_RESEND_AFTER_SECONDS = env.int("EXCHANGE_RESEND_AFTER_SECONDS", default=30)
EXCHANGE_CLAIM_LEASE_SECONDS = env.int("EXCHANGE_CLAIM_LEASE_SECONDS", default=300)
# Publishing an alert task must never hold up (or break) the request that filed the query.
EXCHANGE_BROKER_CONNECT_TIMEOUT = env.float("EXCHANGE_BROKER_CONNECT_TIMEOUT", default=2.0)
EXCHANGE_ATTACHMENT_MAX_BYTES = env.int("EXCHANGE_ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
EXCHANGE_ATTACHMENT_TYPES = env.list(
    "EXCHANGE_ATTACHMENT_TYPES",
    default=[
        "application/pdf",
        "image/jpeg",
        "image/png",
        "text/plain",
        "text/csv",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ],
)

# --- Cross-country matching (exchange/matching.py) ----------------------------------------------
# An identifier held by more than this many records stops alerting and is shown as "common".
MATCHING_COMMON_THRESHOLD = env.int("MATCHING_COMMON_THRESHOLD", default=25)

REST_FRAMEWORK = {
    # Token first: its WWW-Authenticate header makes a missing or bad token a 401, not a 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "ireN.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "IREN Portal API",
    "DESCRIPTION": "Inter-Regional Network of Customs Authorities and Port Control Units.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}
# exchange: names for its choice sets that other apps' fields also call kind/status/outcome.
SPECTACULAR_SETTINGS.setdefault("ENUM_NAME_OVERRIDES", {}).update(
    {
        "QueryKindEnum": "exchange.models.QueryKind",
        "QueryStatusEnum": "exchange.models.QueryStatus",
        "QueryOutcomeEnum": "exchange.models.QueryOutcome",
        "RiskOutcomeEnum": "exchange.models.RiskOutcome",
        "IdentifierKindEnum": "exchange.identifiers.IdentifierKind",
        "HitStateEnum": "exchange.models_matching.HitState",
    }
)

# Security: strict unless DEBUG. Each can be relaxed from the environment (e.g. TLS ends at a
# proxy in front of the portal: set SECURE_PROXY_SSL_HEADER_ENABLED=1).
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if env.bool("SECURE_PROXY_SSL_HEADER_ENABLED", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# Seizures: imports of more rows than this run in a Celery task with a progress bar; a job
# still "running" after the lease is taken to belong to a worker that died (it wrote nothing).
SEIZURES_IMPORT_SYNC_MAX_ROWS = env.int("SEIZURES_IMPORT_SYNC_MAX_ROWS", default=2000)
SEIZURES_IMPORT_LEASE_SECONDS = env.int("SEIZURES_IMPORT_LEASE_SECONDS", default=1800)
SEIZURES_IMPORT_MAX_BYTES = env.int("SEIZURES_IMPORT_MAX_BYTES", default=50 * 1024 * 1024)
# An XLSX export is built in memory: larger ones are refused (CSV is streamed, without limit).
SEIZURES_EXPORT_XLSX_MAX_ROWS = env.int("SEIZURES_EXPORT_XLSX_MAX_ROWS", default=100_000)
CELERY_BEAT_SCHEDULE["seizures-resume-imports"] = {
    "task": "seizures.tasks.resume_seizure_imports",
    "schedule": env.int("SEIZURES_RESUME_IMPORTS_EVERY_SECONDS", default=300),
}
