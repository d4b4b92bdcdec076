"""IREN Portal settings: one module, everything from the environment.

Development needs nothing set beyond what `make run` provides: the embedded PostgreSQL server
(bin/with-db.sh), Celery tasks in-process and mail printed to the console. Production sets
DATABASE_URL, REDIS_URL, SECRET_KEY, DEBUG=0, ALLOWED_HOSTS and EMAIL_URL.

One module, so that every setting, its environment variable and its default stand in one
place (the README's tables list them, checked by tests/test_readme_settings.py); each block is
headed by its concern.
"""

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# Safe defaults (access integrity): with nothing set, DEBUG is off and the portal refuses to
# start without a secret key. `make run` and the test settings (tests/settings.py) set both.
DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY is not set. Set the SECRET_KEY environment variable (or put it in .env "
        "beside manage.py) to a long random value; `make run` generates a development key "
        "in var/dev-secret-key."
    )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# The base address used in links that leave the request cycle (emails sent by Celery tasks).
PORTAL_BASE_URL = env.str("PORTAL_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "ireN.apps.PortalAdminConfig",  # the admin site, for superusers only
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    # Before axes: its axes_reset_username command (the audited one) replaces axes' own.
    "accounts",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_countries",
    "csp",
    "members",
    "alerts",
    "matching",
    "exchange",
    "seizures",
    "arrivals",
    "targeting",
    "ops",
]

MIDDLEWARE = [
    # First: every later log line and audit event of the request carries its id.
    "core.request_context.RequestContextMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise: static files keep their caching; everything else is no-store.
    "core.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # NUL and other control characters: 404 in a path, 400 naming the field in a value.
    "core.middleware.ControlCharactersMiddleware",
    # A refusal no view caught: a message on the way back, or a page saying why.
    "core.middleware.RefusalMiddleware",
    "accounts.middleware.SessionLimitMiddleware",
    "accounts.middleware.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Operations: gzip for token-authenticated API answers only (see ops/middleware.py), and a
    # plain 503 page when the database is unreachable.
    "ops.middleware.ApiCompressionMiddleware",
    "ops.middleware.DatabaseOutageMiddleware",
    # Last: it turns a lockout flagged during authentication into the lockout answer.
    "axes.middleware.AxesMiddleware",
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
                "core.form_drafts.drafts",
                "members.context_processors.portal",
                "exchange.context_processors.bell",
                "matching.views.matching_nav",
                "arrivals.context_processors.nav",
                "targeting.context_processors.nav",
            ],
        },
    },
]

# Drop-downs and inputs written in Python, byte for byte as Django's widget templates.
FORM_RENDERER = "core.form_rendering.FastFormRenderer"


def _embedded_database_url() -> str:
    """The embedded development server's address (bin/pg_embedded.py keeps its port in
    var/pgdata/iren.port while it may run)."""
    try:
        port = int((BASE_DIR / "var" / "pgdata" / "iren.port").read_text().strip())
    except (FileNotFoundError, ValueError):
        raise ImproperlyConfigured(
            "Set DATABASE_URL to a PostgreSQL server, or run the command under bin/with-db.sh "
            "(as `make run` and `make test` do) to start the embedded one."
        ) from None
    return f"postgres://postgres@127.0.0.1:{port}/iren"


# PostgreSQL is the only database: DATABASE_URL in production, the embedded server otherwise.
DATABASES = {
    "default": env.db_url_config(env.str("DATABASE_URL", default="") or _embedded_database_url()),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Operations: keep connections between requests (a new one per request cost ~30 % throughput)
# and check them before reuse, so a restarted PostgreSQL costs one failed check, not a 500.
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=600))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("CONN_HEALTH_CHECKS", default=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "members.User"
AUTHENTICATION_BACKENDS = [
    # Django's model backend, closed to the people of a suspended member.
    "members.backends.PortalModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
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
# --- Presentation: one date format per language, in ireN/formats/<lang>/ ---
FORMAT_MODULE_PATH = ["ireN.formats"]

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
        "schedule": env.int("EXCHANGE_RESEND_EVERY_SECONDS", default=3),
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
# Release (members.releases): an urgent item still awaiting release after this many minutes
# alerts every releaser again, and after twice as long the member's admins; beat looks every
# RELEASE_WATCH_EVERY_SECONDS.
RELEASE_URGENT_MINUTES = env.float("RELEASE_URGENT_MINUTES", default=15)
CELERY_BEAT_SCHEDULE["members-releases-watch"] = {
    "task": "members.releases_watch",
    "schedule": env.int("RELEASE_WATCH_EVERY_SECONDS", default=60),
}
EXCHANGE_REMINDER_MINUTES = env.int("EXCHANGE_REMINDER_MINUTES", default=30)
EXCHANGE_ESCALATION_MINUTES = env.int("EXCHANGE_ESCALATION_MINUTES", default=60)
# A pending alert older than this is re-sent by the periodic task; a claim older than the lease
# is taken to belong to a worker that died (a live worker's heartbeat renews its claim every
# quarter of the lease) and its row is due at once, so a dead worker's alerts go out within
# lease + EXCHANGE_RESEND_EVERY_SECONDS (8 + 3 = 11 s by default; measured in
# tests/faults/test_fault_worker_processes.py, docs/PERFORMANCE.md "Recovery").
EXCHANGE_RESEND_AFTER_SECONDS = env.int("EXCHANGE_RESEND_AFTER_SECONDS", default=30)
EXCHANGE_CLAIM_LEASE_SECONDS = env.int("EXCHANGE_CLAIM_LEASE_SECONDS", default=8)
# --- Faults (faults): the re-send hands due alerts to the workers in batches (one task each),
# at most MAX_PER_RUN per run; emails carry Message-ID <alert-{id}@{domain}>.
EXCHANGE_RESEND_BATCH_SIZE = env.int("EXCHANGE_RESEND_BATCH_SIZE", default=200)
EXCHANGE_RESEND_MAX_PER_RUN = env.int("EXCHANGE_RESEND_MAX_PER_RUN", default=100_000)
EXCHANGE_MESSAGE_ID_DOMAIN = env.str(
    "EXCHANGE_MESSAGE_ID_DOMAIN", default=urlsplit(PORTAL_BASE_URL).hostname or "iren.local"
)
# Exchange outbox: an alert that fails is tried again after BACKOFF × 2^(attempts − 1) seconds,
# and given up ("failed", shown to network admins) after MAX_ATTEMPTS or a permanent refusal.
EXCHANGE_ALERT_MAX_ATTEMPTS = env.int("EXCHANGE_ALERT_MAX_ATTEMPTS", default=8)
EXCHANGE_ALERT_BACKOFF_SECONDS = env.int("EXCHANGE_ALERT_BACKOFF_SECONDS", default=60)
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

# --- Cross-country matching (matching/services.py) ----------------------------------------------
# An identifier held by more than this many records stops alerting and is shown as "common".
MATCHING_COMMON_THRESHOLD = env.int("MATCHING_COMMON_THRESHOLD", default=25)

REST_FRAMEWORK = {
    # Token first: its WWW-Authenticate header makes a missing or bad token a 401, not a 403.
    # A session authenticates only once its second factor is done (accounts/authentication.py).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.ApiTokenAuthentication",
        "accounts.authentication.VerifiedSessionAuthentication",
    ],
    # The people of a suspended member get 401 whatever their credentials (access integrity).
    # Anonymous calls are rate-limited by address before they are refused, so a guesser gets
    # 429 everywhere once over the limit; signed-in calls have a generous per-user rate.
    "DEFAULT_PERMISSION_CLASSES": [
        "members.api.permissions.MemberNotSuspended",
        "accounts.throttling.AnonymousRateLimit",
        "rest_framework.permissions.IsAuthenticated",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["accounts.throttling.PerUserRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "address": env.str("API_TOKEN_THROTTLE_RATE", default="20/min"),
        "user": env.str("API_USER_THROTTLE_RATE", default="1200/min"),
    },
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exception_handler",
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
    # The schema and its documentation pages (/api/schema/, /api/docs/, /api/redoc/) are for
    # signed-in people (by token, or a session past its second factor), as the API itself.
    "SERVE_PERMISSIONS": REST_FRAMEWORK["DEFAULT_PERMISSION_CLASSES"],
}
# exchange: names for its choice sets that other apps' fields also call kind/status/outcome.
SPECTACULAR_SETTINGS.setdefault("ENUM_NAME_OVERRIDES", {}).update(
    {
        "QueryKindEnum": "exchange.models.QueryKind",
        "QueryStatusEnum": "exchange.models.QueryStatus",
        "QueryOutcomeEnum": "exchange.models.QueryOutcome",
        "RiskOutcomeEnum": "exchange.models.RiskOutcome",
        "IdentifierKindEnum": "core.identifiers.IdentifierKind",
        "HitStateEnum": "matching.models.HitState",
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

# Logging and audit trail (core/request_context.py, members/audit.py): every log line
# carries time, level, logger, request id, user id and member; LOG_FORMAT=json writes JSON lines
# for production, anything else a plain readable line.
LOG_FORMAT = env.str("LOG_FORMAT", default="plain")

# Headers (access integrity): a Content-Security-Policy in every mode that allows no inline
# script (and no inline style) and nothing from another host; a Permissions-Policy that turns
# off the browser features the portal never uses. CSP_REPORT_ONLY=1 only reports violations.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
if env.bool("CSP_REPORT_ONLY", default=False):
    CONTENT_SECURITY_POLICY_REPORT_ONLY = CONTENT_SECURITY_POLICY
    CONTENT_SECURITY_POLICY = None
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
        "xr-spatial-tracking",
    )
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_context": {"()": "core.request_context.RequestContextFilter"}},
    "formatters": {
        "plain": {
            "format": "%(asctime)s %(levelname)s %(name)s "
            "[request=%(request_id)s user=%(user_id)s member=%(member)s ip=%(client_ip)s] "
            "%(message)s",
        },
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(user_id)s "
            "%(member)s %(client_ip)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_context"],
            "formatter": "json" if LOG_FORMAT == "json" else "plain",
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
# The worker logs through the LOGGING above (with the request id) instead of Celery's own set-up.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Days an audit event is kept; unset keeps them forever (manage.py audit_prune removes older).
AUDIT_RETENTION_DAYS = env.int("AUDIT_RETENTION_DAYS", default=None)
# A read of the same object by the same user is recorded at most once per this many seconds.
AUDIT_READ_DEDUPE_SECONDS = env.int("AUDIT_READ_DEDUPE_SECONDS", default=3600)
# Daily, the audit chain's tip (an anchor) goes to the log and to the network admins by mail,
# to be kept outside the database (manage.py audit_verify --anchor FILE checks it).
CELERY_BEAT_SCHEDULE["members-audit-anchor"] = {
    "task": "members.audit_anchor",
    "schedule": __import__("celery.schedules", fromlist=["crontab"]).crontab(
        hour=env.int("AUDIT_ANCHOR_HOUR", default=0), minute=15
    ),
}
# The cache (CACHES, below) remembers recent reads: shared through Redis when REDIS_URL is set,
# so one worker process does not record a read another has just recorded.

# Performance (caches across requests, see members/caching.py): how long each user's rights
# and the vocabularies (members, control units, commodities, operations) may be served from
# the cache; changes invalidate them at once. 0 turns a cache off.
PERMISSIONS_CACHE_SECONDS = env.int("PERMISSIONS_CACHE_SECONDS", default=300)
VOCABULARY_CACHE_SECONDS = env.int("VOCABULARY_CACHE_SECONDS", default=3600)
# The seizure dashboard's charts, shared by the users who read the same reports; any write of
# the totals invalidates them at once.
DASHBOARD_CACHE_SECONDS = env.int("DASHBOARD_CACHE_SECONDS", default=600)
# Sessions are read from the cache and written through to the database when Redis is there;
# while Redis cannot be reached they are read from the database (accounts/session_store.py).
if REDIS_URL:
    SESSION_ENGINE = env.str("SESSION_ENGINE", default="accounts.session_store")

# Seizures: imports of more rows than this run in a Celery task with a progress bar.
SEIZURES_IMPORT_SYNC_MAX_ROWS = env.int("SEIZURES_IMPORT_SYNC_MAX_ROWS", default=2000)
# --- Faults (faults): a running import job's worker stamps it every HEARTBEAT seconds; a job
# whose stamp is older than the LEASE lost its worker, and the periodic resume (every
# SEIZURES_RESUME_IMPORTS_EVERY_SECONDS) hands it to another, which starts after the job's last
# checkpoint (one every CHECKPOINT_ROWS checked rows). So a crashed import is taken up again
# within LEASE + RESUME_EVERY (20 + 5 = 25 s by default; a worker that starts also looks at
# once). A job resumed MAX_RESUMES times (it keeps killing its worker, or
# keeps hitting the hard time limit) ends failed.
SEIZURES_IMPORT_LEASE_SECONDS = env.int("SEIZURES_IMPORT_LEASE_SECONDS", default=20)
SEIZURES_IMPORT_HEARTBEAT_SECONDS = env.int("SEIZURES_IMPORT_HEARTBEAT_SECONDS", default=5)
SEIZURES_IMPORT_CHECKPOINT_ROWS = env.int("SEIZURES_IMPORT_CHECKPOINT_ROWS", default=5000)
SEIZURES_IMPORT_MAX_RESUMES = env.int("SEIZURES_IMPORT_MAX_RESUMES", default=3)
# The one size limit of every import path (browser form, import job and API).
SEIZURES_IMPORT_MAX_BYTES = env.int("SEIZURES_IMPORT_MAX_BYTES", default=50 * 1024 * 1024)
# An XLSX file is a zip archive: before it is opened, its members' declared unpacked sizes (each,
# and all together) and their number are checked, so a small "zip bomb" is refused at once.
SEIZURES_IMPORT_XLSX_MAX_UNPACKED_BYTES = env.int(
    "SEIZURES_IMPORT_XLSX_MAX_UNPACKED_BYTES", default=200 * 1024 * 1024
)
SEIZURES_IMPORT_XLSX_MAX_MEMBER_BYTES = env.int(
    "SEIZURES_IMPORT_XLSX_MAX_MEMBER_BYTES", default=200 * 1024 * 1024
)
SEIZURES_IMPORT_XLSX_MAX_MEMBERS = env.int("SEIZURES_IMPORT_XLSX_MAX_MEMBERS", default=10_000)
# The import task's hard and soft time limits (the soft one ends the job failed, the hard one
# a minute later stops a worker that did not heed it). They bound one run, not the lease: a
# live import keeps its lease by its heartbeat however long it runs.
SEIZURES_IMPORT_TIME_LIMIT_SECONDS = env.int("SEIZURES_IMPORT_TIME_LIMIT_SECONDS", default=1740)
SEIZURES_IMPORT_SOFT_TIME_LIMIT_SECONDS = env.int(
    "SEIZURES_IMPORT_SOFT_TIME_LIMIT_SECONDS",
    default=max(1, SEIZURES_IMPORT_TIME_LIMIT_SECONDS - 60),
)
if not SEIZURES_IMPORT_SOFT_TIME_LIMIT_SECONDS < SEIZURES_IMPORT_TIME_LIMIT_SECONDS:
    raise ImproperlyConfigured(
        "SEIZURES_IMPORT_SOFT_TIME_LIMIT_SECONDS < SEIZURES_IMPORT_TIME_LIMIT_SECONDS must hold."
    )
if not 0 < 2 * SEIZURES_IMPORT_HEARTBEAT_SECONDS < SEIZURES_IMPORT_LEASE_SECONDS:
    raise ImproperlyConfigured(
        "SEIZURES_IMPORT_LEASE_SECONDS must exceed twice SEIZURES_IMPORT_HEARTBEAT_SECONDS, so "
        "that one late heartbeat does not hand a live import to another worker."
    )
# An XLSX export is built in memory: larger ones are refused (CSV is streamed, without limit).
SEIZURES_EXPORT_XLSX_MAX_ROWS = env.int("SEIZURES_EXPORT_XLSX_MAX_ROWS", default=100_000)
CELERY_BEAT_SCHEDULE["seizures-resume-imports"] = {
    "task": "seizures.import_jobs_resume",
    "schedule": env.int("SEIZURES_RESUME_IMPORTS_EVERY_SECONDS", default=5),
}

# --- Operations (ops app): health, metrics, idempotency, database outage answers -------------
# Celery tasks named seizures.* (imports) run on their own queue so that an import never waits
# behind alert deliveries; the Procfile's worker consumes celery, alerts and imports.
CELERY_TASK_ROUTES = {"seizures.*": {"queue": "imports"}}
CELERY_BEAT_SCHEDULE["ireN-heartbeat"] = {
    "task": "ireN.heartbeat",
    "schedule": env.int("HEALTH_HEARTBEAT_EVERY_SECONDS", default=30),
}
CELERY_BEAT_SCHEDULE["ireN-idempotency-prune"] = {
    "task": "ireN.idempotency_prune",
    "schedule": env.int("IDEMPOTENCY_PRUNE_EVERY_SECONDS", default=3600),
}
# /readyz: a heartbeat older than this fails its check; so does an outbox with more pending
# alerts than HEALTH_OUTBOX_MAX_PENDING or an oldest pending alert older than the age limit.
HEALTH_WORKER_MAX_AGE_SECONDS = env.int("HEALTH_WORKER_MAX_AGE_SECONDS", default=120)
HEALTH_BEAT_MAX_AGE_SECONDS = env.int("HEALTH_BEAT_MAX_AGE_SECONDS", default=120)
HEALTH_OUTBOX_MAX_PENDING = env.int("HEALTH_OUTBOX_MAX_PENDING", default=5000)
HEALTH_OUTBOX_MAX_AGE_SECONDS = env.int("HEALTH_OUTBOX_MAX_AGE_SECONDS", default=600)
HEALTH_BROKER_TIMEOUT_SECONDS = env.float("HEALTH_BROKER_TIMEOUT_SECONDS", default=2.0)
# The checks whose failure turns /readyz into a 503; the others are reported only.
HEALTH_REQUIRED_CHECKS = env.list(
    "HEALTH_REQUIRED_CHECKS",
    default=["database", "migrations", "broker", "cache", "worker", "beat", "outbox", "imports"],
)
# Probes and scrapers talk plain HTTP on the host itself: no redirect to HTTPS for them.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
# /metrics and /readyz answer only these client networks (others get a 404); /healthz is public.
METRICS_ALLOWED_NETWORKS = env.list("METRICS_ALLOWED_NETWORKS", default=["127.0.0.0/8", "::1/128"])
# Idempotency-Key: how long a stored answer is replayed.
IDEMPOTENCY_KEY_TTL_SECONDS = env.int("IDEMPOTENCY_KEY_TTL_SECONDS", default=24 * 3600)
# The Retry-After (seconds) of the 503 answered while the database is unreachable.
DATABASE_OUTAGE_RETRY_AFTER_SECONDS = env.int("DATABASE_OUTAGE_RETRY_AFTER_SECONDS", default=30)
# gzip for API answers to clients that authenticate with a header (see ops/middleware.py).
API_COMPRESSION = env.bool("API_COMPRESSION", default=True)

# --- Authentication: lockout, throttling cache, two-factor, API tokens, sessions -----------------
# See docs/SECURITY.md. django-axes counts failed logins per username (from any address)
# on every way in: the login page, the admin login and the API token endpoint.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", *AUTHENTICATION_BACKENDS]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
# The lock runs from the last counted failure: trying the right password while locked does not
# prolong it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
# The client's address, for API throttling, django-axes, /metrics and /readyz, the audit
# trail's ip and log lines, all through core.request_context.client_ip: the number of our own
# reverse proxies that append to X-Forwarded-For. 0 (the default): the header is ignored and
# the connection's REMOTE_ADDR is the client. N: the N right-most hops (X-Forwarded-For entries,
# then REMOTE_ADDR) are our proxies and the hop left of them is the client; whatever lies further
# left was written by the client and is ignored. One nginx in front (docs/DEPLOY.md) is 1.
# API_NUM_PROXIES is the earlier name of this setting, still read when this one is unset.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=env.int("API_NUM_PROXIES", default=0))
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 or more.")
# DRF's own reading of X-Forwarded-For agrees with client_ip (the portal's throttles call it).
REST_FRAMEWORK["NUM_PROXIES"] = TRUSTED_PROXY_COUNT
AXES_CLIENT_IP_CALLABLE = "core.request_context.client_ip"

# The cache holds the API throttling counters and the audit trail's recent reads: Redis when
# REDIS_URL is set (shared by every process), otherwise memory of the one process.
# Degraded, never broken (ops/cache.py): while Redis cannot be reached the cache answers as a
# miss (sessions from the database, rate limits open); a failure costs at most one timeout of
# CACHE_REDIS_TIMEOUT_SECONDS, then Redis is left alone for CACHE_REDIS_RETRY_SECONDS.
CACHE_REDIS_TIMEOUT_SECONDS = env.float("CACHE_REDIS_TIMEOUT_SECONDS", default=0.5)
CACHE_REDIS_RETRY_SECONDS = env.float("CACHE_REDIS_RETRY_SECONDS", default=5)
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "ops.cache.FailOpenRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "iren-cache",
            "OPTIONS": {
                "socket_connect_timeout": CACHE_REDIS_TIMEOUT_SECONDS,
                "socket_timeout": CACHE_REDIS_TIMEOUT_SECONDS,
            },
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "KEY_PREFIX": "iren-cache",
        }
    }

# Two-factor authentication (django-otp, TOTP + single-use recovery codes): the role names that
# must use it; empty turns the requirement off (people who enrolled are still asked).
TWO_FACTOR_ROLES = [
    role.strip()
    for role in env.list(
        "TWO_FACTOR_ROLES", default=["network_admin", "member_admin", "focal_point"]
    )
    if role.strip()
]
TWO_FACTOR_RECOVERY_CODES = 10
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="IREN Portal")

# API tokens: stored as a SHA-256 hash, valid this many days.
API_TOKEN_TTL_DAYS = env.int("API_TOKEN_TTL_DAYS", default=30)

# Sessions end after this long without a request, and at the latest this long after login.
SESSION_IDLE_TIMEOUT_MINUTES = env.int("SESSION_IDLE_TIMEOUT_MINUTES", default=30)
SESSION_ABSOLUTE_HOURS = env.int("SESSION_ABSOLUTE_HOURS", default=12)
# Open pages ask for the bell's unread count this often (static/js/bell.js); these requests do
# not count as activity for the idle timeout.
NOTIFICATIONS_POLL_SECONDS = max(1, env.int("NOTIFICATIONS_POLL_SECONDS", default=20))
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_HOURS * 3600
# Invitation links are password-reset tokens, valid this many hours.
INVITATION_LINK_HOURS = env.int("INVITATION_LINK_HOURS", default=72)
PASSWORD_RESET_TIMEOUT = INVITATION_LINK_HOURS * 3600
# Lockout is per username on purpose (any address counts); addresses are limited by
# the API throttling above.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# --- Field-ready forms ---------------------------------------------------------
# Attachments of a filing form that failed validation are kept under MEDIA_ROOT/tmp (never
# served) for this many hours, then pruned by `manage.py pending_uploads_prune` / beat.
EXCHANGE_PENDING_UPLOAD_HOURS = env.float("EXCHANGE_PENDING_UPLOAD_HOURS", default=24)
CELERY_BEAT_SCHEDULE["exchange-pending-uploads-prune"] = {
    "task": "exchange.tasks.prune_pending_uploads",
    "schedule": env.int("EXCHANGE_PENDING_UPLOAD_PRUNE_EVERY_SECONDS", default=3600),
}

# Alert preferences: people who chose "daily digest" for a kind of event get one
# email a day listing those alerts of the last EXCHANGE_DIGEST_HOURS, sent by beat at
# EXCHANGE_DIGEST_HOUR:00 (TIME_ZONE).
EXCHANGE_DIGEST_HOURS = env.int("EXCHANGE_DIGEST_HOURS", default=24)
CELERY_BEAT_SCHEDULE["exchange-send-digests"] = {
    "task": "exchange.send_digests",
    "schedule": __import__("celery.schedules", fromlist=["crontab"]).crontab(
        hour=env.int("EXCHANGE_DIGEST_HOUR", default=6), minute=0
    ),
}

# --- Pre-arrival notices -----------------------------------------------------------------------
# The gross mass found on arrival counts as a discrepancy when it differs from the notice's by
# more than this many per cent.
ARRIVALS_MASS_TOLERANCE = env.float("ARRIVALS_MASS_TOLERANCE", default=5.0)
# Notices closed with no finding, or never closed, are removed this many days after their
# expected arrival (`manage.py arrivals_prune` and beat, daily).
ARRIVALS_RETENTION_DAYS = env.int("ARRIVALS_RETENTION_DAYS", default=180)
# Monthly partitions of the notice table are created this many months ahead (beat, daily).
ARRIVALS_PARTITIONS_AHEAD = env.int("ARRIVALS_PARTITIONS_AHEAD", default=3)
# A manifest of more rows than this runs as a job with progress (the API answers 202).
ARRIVALS_IMPORT_SYNC_MAX_ROWS = env.int("ARRIVALS_IMPORT_SYNC_MAX_ROWS", default=2000)
CELERY_BEAT_SCHEDULE["arrivals-prune"] = {
    "task": "arrivals.tasks.prune_notices",
    "schedule": env.int("ARRIVALS_PRUNE_EVERY_SECONDS", default=24 * 3600),
}
CELERY_BEAT_SCHEDULE["arrivals-partitions"] = {
    "task": "arrivals.tasks.ensure_partitions",
    "schedule": env.int("ARRIVALS_PARTITIONS_EVERY_SECONDS", default=24 * 3600),
}

# Targeting (risk profiles): a profile's author is reminded this many days before it expires
# (beat, daily). A change of a profile re-screens the expected notices at once (a task queued on
# commit); beat re-screens whatever such a task missed, every TARGETING_RESCREEN_EVERY_SECONDS.
TARGETING_EXPIRY_REMINDER_DAYS = env.int("TARGETING_EXPIRY_REMINDER_DAYS", default=7)
CELERY_BEAT_SCHEDULE["targeting-expiry-reminders"] = {
    "task": "targeting.tasks.remind_expiring_profiles",
    "schedule": env.int("TARGETING_REMINDERS_EVERY_SECONDS", default=24 * 3600),
}
CELERY_BEAT_SCHEDULE["targeting-rescreen"] = {
    "task": "targeting.tasks.rescreen_notices",
    "schedule": env.int("TARGETING_RESCREEN_EVERY_SECONDS", default=300),
}
