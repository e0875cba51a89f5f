"""The one settings module, driven by environment variables (see `.env.example`).

Development (`DJANGO_DEBUG=1`, the default of `make run`) runs on SQLite with a filesystem Celery broker.
Production sets `DATABASE_URL`, `REDIS_URL` and `SECRET_KEY`; nothing secret has a default there.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


# --- typed, fail-loud environment helpers -------------------------------------------------------------------


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name, default)
    if value is None:
        raise ImproperlyConfigured(f"The environment variable {name} is required.")
    return value


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {raw!r}.")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, not {raw!r}.") from exc


def env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return float(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a number, not {raw!r}.") from exc


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int_list(name: str, default: str) -> list[int]:
    try:
        return [int(item) for item in env_list(name, default)]
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a comma-separated list of integers.") from exc


# --- core ---------------------------------------------------------------------------------------------------

DEBUG = env_bool("DJANGO_DEBUG", False)
TESTING = env_bool("ICR_TESTING", False)

if DEBUG or TESTING:
    SECRET_KEY = env_str("SECRET_KEY", "development-only-key-never-used-in-production-0123456789abcdef")
else:
    SECRET_KEY = env_str("SECRET_KEY")
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters long.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if (DEBUG or TESTING) else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
CSRF_FAILURE_VIEW = "core.views.csrf_failure"  # the branded page, with a way back
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework_api_key",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "django_htmx",
    "django_countries",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # platform
    "accounts",
    "core",
    "reference",
    "documents",
    "reminders",
    "imports",
    "webhooks",
    # capabilities
    "bodies",
    "competence",
    "audits",
    "impartiality",
    "complaints",
    "neutrality",
    "clients",
    "certification",
    # on top of everything: demo data for ./run.sh
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # a timed-out or ended session ends before the second step is asked for
    "accounts.middleware.SessionPolicyMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.mfa.middleware.MfaRequiredMiddleware",
    "accounts.middleware.UserLanguageMiddleware",
    "accounts.middleware.EmailConfirmationRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "bodies.middleware.ActiveBodyMiddleware",
    "core.middleware.BodyTimeZoneMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "icr.urls"
WSGI_APPLICATION = "icr.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.portal",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # the embedded default (./run.sh): the server, the worker's two children and beat write to one file. A writer
    # waits for the lock (up to SQLITE_BUSY_TIMEOUT_SECONDS) rather than failing at once, and a transaction takes the
    # write lock when it starts, so it never fails upgrading a read lock another writer blocks
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        timeout=env_int("SQLITE_BUSY_TIMEOUT_SECONDS", 30), transaction_mode="IMMEDIATE"
    )
# PostgreSQL's default random_page_cost (4) is priced for spinning disks: with it the planner hash-joins a whole
# table rather than walk an index, so a body's people list grew with the users table (1.41x from 10^2 to 10^4
# rows, `make bench`); 1.1 is the usual value for SSD storage and keeps it flat. 0 leaves the server's own.
DATABASE_RANDOM_PAGE_COST = env_float("DATABASE_RANDOM_PAGE_COST", 1.1)
if DATABASE_RANDOM_PAGE_COST < 0:
    raise ImproperlyConfigured("DATABASE_RANDOM_PAGE_COST must not be negative.")
if DATABASES["default"]["ENGINE"].endswith("postgresql") and DATABASE_RANDOM_PAGE_COST:
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        f"-c random_page_cost={DATABASE_RANDOM_PAGE_COST}"
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out login before any password is checked
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:dashboard"
LOGOUT_REDIRECT_URL = "accounts:login"
ANONYMOUS_USER_NAME = None  # guardian: no anonymous user row

# --- i18n ---------------------------------------------------------------------------------------------------

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("is", _("Icelandic"))]
#: the platform's catalogue, then the country names django-countries has no Icelandic for (from the CLDR:
#: scripts/country_names_catalogue.py; not named `locale`, so makemessages leaves it alone)
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "reference" / "country_names"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
#: one date format per language (icr/formats/<language>/formats.py); templates use `date` without format strings
FORMAT_MODULE_PATH = ["icr.formats"]

# --- static, media, uploads ---------------------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if (DEBUG or TESTING)
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
LOGO_MAX_BYTES = env_int("LOGO_MAX_BYTES", 1024 * 1024)
# images are measured from their header before they are decoded (core.uploads); a logo is printed on every PDF
LOGO_MAX_PIXELS = env_int("LOGO_MAX_PIXELS", 4_000_000)
IMAGE_MAX_PIXELS = env_int("IMAGE_MAX_PIXELS", 40_000_000)
# bulk imports (imports engine): rows per file, what an XLSX may expand to, and the size parsed in the request
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 5000)
IMPORT_MAX_UNPACKED_BYTES = env_int("IMPORT_MAX_UNPACKED_BYTES", 50 * 1024 * 1024)
IMPORT_MAX_COMPRESSION_RATIO = env_int("IMPORT_MAX_COMPRESSION_RATIO", 100)
IMPORT_INLINE_MAX_BYTES = env_int("IMPORT_INLINE_MAX_BYTES", 256 * 1024)
#: a large import still being read this many minutes after its upload is given to a worker again (its task was
#: lost: the broker was down at the commit, or the worker died)
IMPORT_PARSE_STALE_MINUTES = env_int("IMPORT_PARSE_STALE_MINUTES", 10)
DATA_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# --- cache, broker, Celery ----------------------------------------------------------------------------------

REDIS_URL = os.environ.get("REDIS_URL", "")
_xdist_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if TESTING and REDIS_URL and _xdist_worker.startswith("gw"):
    # parallel test workers each get their own Redis database, counting down from the configured one
    _base, _, _db = REDIS_URL.rpartition("/")
    REDIS_URL = f"{_base}/{max(0, int(_db or 0) - int(_xdist_worker[2:]))}"
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL or "filesystem://")
_broker_dir = BASE_DIR / "var" / "broker"
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "store_processed": False,
    }
    if CELERY_BROKER_URL.startswith("filesystem")
    else {"visibility_timeout": 3600}
)
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1


def _worker_limit(name: str, default: int) -> int | None:
    """A positive limit, or None when set to 0 (off); Celery's prefork pool refuses 0 and negatives."""
    value = env_int(name, default)
    if value < 0:
        raise ImproperlyConfigured(f"{name} must be 0 (no limit) or a positive integer, not {value}.")
    return value or None


# A worker's child process is replaced after this many tasks, or after the task that took its resident memory
# past this many KiB: WeasyPrint keeps ~0.4 MiB of every PDF it lays out, so a long-lived child only grows
# (~100 MiB after its first PDF). The worker that serves the pdf queue (docker-compose.yml, scripts/run-dev.sh)
# runs the default prefork pool, where both apply; its command line sets neither, so these hold.
CELERY_WORKER_MAX_TASKS_PER_CHILD = _worker_limit("CELERY_WORKER_MAX_TASKS_PER_CHILD", 200)
CELERY_WORKER_MAX_MEMORY_PER_CHILD = _worker_limit("CELERY_WORKER_MAX_MEMORY_PER_CHILD", 300_000)  # KiB
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {
    "documents.tasks.*": {"queue": "pdf"},
    "reminders.tasks.notification_send_email_task": {"queue": "email"},
    "reminders.tasks.notifications_send_pending_task": {"queue": "email"},
}
CELERY_TIMEZONE = "UTC"
# Periodic work is declared here, in one place. Exactly one beat process runs in production.
CELERY_BEAT_SCHEDULE = {
    "reminders-sweep": {
        "task": "reminders.tasks.deadlines_sweep_task",
        "schedule": timedelta(minutes=env_int("REMINDER_SWEEP_MINUTES", 15)),
    },
    "notifications-email-reconcile": {
        "task": "reminders.tasks.notifications_send_pending_task",
        "schedule": timedelta(minutes=5),
    },
    "imports-reconcile": {
        "task": "imports.tasks.imports_reconcile_task",
        "schedule": timedelta(minutes=5),
    },
    "documents-reconcile": {
        "task": "documents.tasks.documents_reconcile_task",
        "schedule": timedelta(minutes=5),
    },
    "competences-expire": {
        "task": "competence.tasks.competences_expire_task",
        "schedule": timedelta(hours=1),
    },
    "accreditations-expire": {
        "task": "bodies.tasks.accreditations_expire_task",
        "schedule": timedelta(hours=1),
    },
    "webhooks-sweep": {
        "task": "webhooks.tasks.webhook_deliveries_sweep_task",
        "schedule": timedelta(seconds=env_int("WEBHOOK_SWEEP_SECONDS", 60)),
    },
    # hourly, so each body's day starts within the hour in its own time zone; both are idempotent
    "certificates-expire": {
        "task": "certification.tasks.certificates_expire_task",
        "schedule": timedelta(hours=1),
    },
    "certification-proposals-sweep": {
        "task": "certification.tasks.proposals_sweep_task",
        "schedule": timedelta(hours=1),
    },
}

# --- email --------------------------------------------------------------------------------------------------

EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
#: where the file-based backend (the demo's `./run.sh`) writes each email, one file per message
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(BASE_DIR / "var" / "mail"))
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "ICR Conformity <no-reply@icr.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- REST API -----------------------------------------------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["core.api.permissions.IsAuthenticatedWithScope"],
    "DEFAULT_RENDERER_CLASSES": ["core.api.renderers.IcrJSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "djangorestframework_camel_case.parser.CamelCaseJSONParser",
        "djangorestframework_camel_case.parser.CamelCaseMultiPartParser",
        "djangorestframework_camel_case.parser.CamelCaseFormParser",
    ],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.IcrPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "core.api.schema.IcrAutoSchema",
    "EXCEPTION_HANDLER": "core.api.exceptions.icr_exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("API_RATE_ANON", "60/min"),
        "user": env_str("API_RATE_USER", "600/min"),
        "verify": env_str("API_RATE_VERIFY", "30/min"),
    },
    "DATETIME_FORMAT": "%Y-%m-%dT%H:%M:%S.%fZ",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "ICR Conformity API",
    "DESCRIPTION": "Versioned REST API of the ICR conformity-assessment platform.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "CAMELIZE_NAMES": False,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "drf_spectacular.contrib.djangorestframework_camel_case.camelize_serializer_fields",
    ],
    "SECURITY": [{"bearerAuth": []}],
    "APPEND_COMPONENTS": {
        "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
    },
    # one name per choice set that several serializers share (else the schema warns about collisions)
    "ENUM_NAME_OVERRIDES": {
        "BodyStatusEnum": "bodies.models.Body.Status",
        "BodyKindEnum": "bodies.models.Body.Kind",
        "SectorSchemeEnum": "reference.models.Sector.Scheme",
        "DocumentStatusEnum": "documents.models.Document.Status",
        "MembershipStatusEnum": "bodies.models.Membership.Status",
        "CompetenceStatusEnum": "competence.models.CompetenceRecord.Status",
        "CompetenceRoleEnum": "competence.models.COMPETENCE_ROLES",
        "ImportBatchStatusEnum": "imports.models.ImportStatus",
        "TrainingKindEnum": "competence.models.TrainingEntry.Kind",
        "WitnessedAuditOutcomeEnum": "competence.models.WitnessedAudit.Outcome",
        "PeriodicEvaluationOutcomeEnum": "competence.models.PeriodicEvaluation.Outcome",
        "ClientKindEnum": "clients.models.ClientKind",
        "DeclarationKindEnum": "impartiality.models.DeclarationKind",
        "DeclarationStatusEnum": "impartiality.models.DeclarationStatus",
        "ReviewOutcomeEnum": "impartiality.models.ReviewOutcome",
        "RelationshipKindEnum": "impartiality.models.RelationshipKind",
        "CounterpartyKindEnum": "impartiality.models.CounterpartyKind",
        "EngagementKindEnum": "audits.models.EngagementKind",
        "EngagementStatusEnum": "audits.models.EngagementStatus",
        "AuditModeEnum": "audits.models.AuditMode",
        "AssuranceLevelEnum": "audits.models.AssuranceLevel",
        "EngagementTeamRoleEnum": "audits.models.engagements.TEAM_ROLES",
        "FindingKindEnum": "audits.models.FindingKind",
        "FindingStatusEnum": "audits.models.FindingStatus",
        "FindingResponseOutcomeEnum": "audits.models.FindingResponse.Outcome",
        "WebhookDeliveryStatusEnum": "webhooks.models.DeliveryStatus",
        "CertificateStatusEnum": "certification.models.CertificateStatus",
        "ProgrammeDueKindEnum": "certification.models.DueKind",
        "ProgrammeDueStatusEnum": "certification.models.DueStatus",
        "ProposalKindEnum": "certification.models.ProposalKind",
        "ProposalStatusEnum": "certification.models.ProposalStatus",
        "DecisionKindEnum": "certification.models.DecisionKind",
        "NumberingKindEnum": "certification.models.NumberingKind",
    },
}
API_TOKEN_MAX_DAYS = env_int("API_TOKEN_MAX_DAYS", 365)
#: how long a sign-up's email confirmation link works, in seconds (a new one can always be asked for)
EMAIL_CONFIRMATION_MAX_AGE = env_int("EMAIL_CONFIRMATION_MAX_AGE", 3 * 24 * 3600)
#: how many days a client user's invitation link works (re-sending makes a new link)
CLIENT_INVITATION_MAX_AGE_DAYS = env_int("CLIENT_INVITATION_MAX_AGE_DAYS", 14)

# the API's own documentation (the OpenAPI description): authentication, scopes, lists, errors, rate limits
API_DESCRIPTION = f"""Versioned REST API of the ICR conformity-assessment platform. `GET /api/v1/` links to every
collection and to this documentation.

## Authentication
- **Session**: a person signed in to the portal (cookie and CSRF token), for what needs a named person: applying,
  creating and revoking tokens, the registry's decisions.
- **Bearer tokens**: `Authorization: Bearer <token>`. The secret is shown once when the token is made and kept
  only as a hash; a token expires (at most {API_TOKEN_MAX_DAYS} days) and can be revoked. The person who made it
  is recorded as the actor of what it does.
  - A **body token** is made by a body's administrators (portal, API tokens page) and acts for that one body: it
    sees only that body's records, and a `body` field or parameter defaults to it (another body answers 404, or
    a field error `Not found.`). It never takes the registry's decisions.
  - A **registry token** is made by registry staff in the back office and acts for the registry: it reads every
    body and, with the `write` scope of a resource, takes the registry's decisions on it (body decisions, the
    ICR agreement, accreditation verification). It stops working when its maker is no longer registry staff.

## Token scopes
Each token names, per resource, `read` (GET) or `write` (read and change); a resource it does not name is
refused with 403 `permission_denied`. The resources are those of the endpoints (`bodies`, `accreditations`,
`eligibility`, `people`, `competence`, `documents`, `deadlines`, `auditEvents`), listed with each token (`GET /api/v1/me/`).
Some actions need a signed-in person whatever the scope (they are documented with the session only).

## Addressing reference data
The same way in every endpoint, as the reference endpoints show them. Activities and standards by their `code`
(`GET /api/v1/reference/activities/`, `/reference/standards/`): answered as `{{"code": "verification", "name":
"Verification"}}`, sent as the code itself (`"verification"`) or as that object (`{{"code": "verification"}}`).
Sectors by `scheme` and `code` as `GET /api/v1/reference/sectors/` shows them: `{{"scheme": "iaf", "code": "28"}}`
in a request or response body (answered with its `name` and `version`; the current list version unless
`version` is given), `scheme:code` (e.g. `ghg:1`) in a query parameter. A query parameter names an activity or a
standard by its code.

## Lists
Every list answers `{{"<plural>": [...], "pagination": {{"total", "currentPage", "pageCount", "nextPage",
"prevPage"}}}}`, e.g. `{{"bodies": [...], "pagination": {{...}}}}`; `page` and `limit` (at most 500) choose the page.
A filter or ordering field a list does not know answers 400 `unknown_filter` naming it.

## Errors
Every error answers `{{"code", "message", "fieldErrors"}}`: `code` is stable and machine-readable (e.g. `invalid`,
`required`, `unknown_filter`, `invalid_transition`, `permission_denied`, `not_authenticated`, `not_found`; each
app documents its own), `message` is for people (in the caller's language: `Accept-Language` or the profile),
`fieldErrors` maps each field (camelCase) to its messages. 400 invalid input (a `page` or `limit` out of range
too), 401 missing, invalid, expired or revoked credentials, 403 not allowed (role, scope, or a token where a
person is needed), 404 missing or not visible to the caller (a malformed id or an unknown path under `/api/`
too), 405 a method the address does not take, 406 an `Accept` it cannot answer, 409 the record's state does not
allow the action, 415 a request body in another format than JSON (or multipart/form-data with files), 429 too
many requests. Each operation documents the errors it can answer.

## Rate limits
{REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["user"]} per person or token, {REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["anon"]}
per address without credentials (the public directory and reference data), {REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["verify"]}
per address for document verification. Beyond them: 429 `throttled`, with `Retry-After`.
"""
SPECTACULAR_SETTINGS["DESCRIPTION"] = API_DESCRIPTION

# --- crispy forms -------------------------------------------------------------------------------------------

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- security (production) ----------------------------------------------------------------------------------

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not (DEBUG or TESTING))
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not (DEBUG or TESTING))
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not (DEBUG or TESTING))
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if (DEBUG or TESTING) else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"weasyprint": {"level": "ERROR"}, "fontTools": {"level": "ERROR"}},
}

# --- domain settings (programme defaults from DOMAIN.md; each can be changed here) --------------------------

ACCREDITATION_MAX_CYCLE_YEARS = env_int("ACCREDITATION_MAX_CYCLE_YEARS", 5)
ACCREDITATION_REMINDER_OFFSETS = env_int_list("ACCREDITATION_REMINDER_OFFSETS", "-90,-30,0")
DOCUMENT_RENDER_STALE_MINUTES = env_int("DOCUMENT_RENDER_STALE_MINUTES", 10)

# --- webhooks (the webhooks engine) ---
#: the key the subscriptions' secrets are encrypted with (derived by HKDF); SECRET_KEY when empty. Changing it
#: makes the stored secrets unreadable: rotate every subscription's secret afterwards
WEBHOOK_SECRET_KEY = env_str("WEBHOOK_SECRET_KEY", "")
#: seconds one POST may take (connect and answer together)
WEBHOOK_TIMEOUT_SECONDS = env_float("WEBHOOK_TIMEOUT_SECONDS", 10.0)
#: attempts of one delivery before it is given up (and the body's administrators told)
WEBHOOK_MAX_ATTEMPTS = env_int("WEBHOOK_MAX_ATTEMPTS", 8)
#: the wait after the first failed attempt, doubled after each further one, at most the cap
WEBHOOK_BACKOFF_BASE_SECONDS = env_int("WEBHOOK_BACKOFF_BASE_SECONDS", 30)
WEBHOOK_BACKOFF_MAX_SECONDS = env_int("WEBHOOK_BACKOFF_MAX_SECONDS", 21600)
#: loopback receivers (127.0.0.1, ::1, localhost) are allowed, over plain http too: tests and the embedded
#: default; never in production, where private, link-local and loopback addresses are all refused
WEBHOOK_ALLOW_LOOPBACK = env_bool("WEBHOOK_ALLOW_LOOPBACK", DEBUG or TESTING)
NOTIFICATION_EMAIL_STALE_MINUTES = env_int("NOTIFICATION_EMAIL_STALE_MINUTES", 10)
NOTIFICATION_EMAIL_MAX_ATTEMPTS = env_int("NOTIFICATION_EMAIL_MAX_ATTEMPTS", 5)
REMINDER_SWEEP_BATCH = env_int("REMINDER_SWEEP_BATCH", 2000)
COMPETENCE_REMINDER_OFFSETS = env_int_list("COMPETENCE_REMINDER_OFFSETS", "-60,-30,0")
UNDERTAKING_GRACE_DAYS = env_int("UNDERTAKING_GRACE_DAYS", 14)
UNDERTAKING_REMINDER_OFFSETS = env_int_list("UNDERTAKING_REMINDER_OFFSETS", "0,7,30")
DECLARATION_RENEWAL_MONTHS = env_int("DECLARATION_RENEWAL_MONTHS", 12)
DECLARATION_REMINDER_OFFSETS = env_int_list("DECLARATION_REMINDER_OFFSETS", "-30,0,7")
DECLARATION_REVIEW_REMINDER_DAYS = env_int("DECLARATION_REVIEW_REMINDER_DAYS", 5)
#: a person who gave consultancy or advice (or internal audit) to a client does not audit it for this many years
#: after it ended: the audit may start on the day that many years after the end (the conflict service)
COOLING_OFF_YEARS = env_int("COOLING_OFF_YEARS", 2)
#: an impartiality risk is reviewed at least this often: its next review is at most this many months away
RISK_REVIEW_MAX_MONTHS = env_int("RISK_REVIEW_MAX_MONTHS", 12)
#: days relative to a risk's next review (before, on the day, overdue) and to a committee action's due date
RISK_REVIEW_REMINDER_OFFSETS = env_int_list("RISK_REVIEW_REMINDER_OFFSETS", "-30,0,1")
COMMITTEE_ACTION_REMINDER_OFFSETS = env_int_list("COMMITTEE_ACTION_REMINDER_OFFSETS", "-7,0,1")
#: a finding needing a response is due this many days after the audit's last day (actual end, else planned end)
#: an engagement's materiality (GHG verification) when the planner gives none, in per cent
MATERIALITY_DEFAULT_PERCENT = env_int("MATERIALITY_DEFAULT_PERCENT", 5)
#: one body verifies the same project at most this many times in a row unless the registry records an exemption
VERIFICATION_ROTATION_LIMIT = env_int("VERIFICATION_ROTATION_LIMIT", 3)
#: team members without a cleared per-engagement declaration are reminded this many days before the planned start
ENGAGEMENT_DECLARATION_REMINDER_DAYS = env_int("ENGAGEMENT_DECLARATION_REMINDER_DAYS", 14)
#: the lead auditor is reminded when the report is not drafted this many days after the last audit day
REPORT_DRAFT_REMINDER_DAYS = env_int("REPORT_DRAFT_REMINDER_DAYS", 14)
FINDING_RESPONSE_DAYS = env_int("FINDING_RESPONSE_DAYS", 30)
#: days relative to a finding's response due date (before, on the day, overdue)
FINDING_RESPONSE_REMINDER_OFFSETS = env_int_list("FINDING_RESPONSE_REMINDER_OFFSETS", "-7,0,1")
#: days an accepted response waits for the verification of effectiveness before the lead auditor is reminded
FINDING_VERIFICATION_REMINDER_DAYS = env_int("FINDING_VERIFICATION_REMINDER_DAYS", 60)

# --- certification ---
# certificates' life cycle and the three-year programme (ISO/IEC 17021-1 9.6; DOMAIN.md)
#: a certificate expires on the day before this anniversary of its cycle's decision
CERTIFICATE_VALIDITY_YEARS = env_int("CERTIFICATE_VALIDITY_YEARS", 3)
#: an expired certificate may be restored within this many months after its expiry (then a new audit is needed)
RESTORE_AFTER_EXPIRY_MONTHS = env_int("RESTORE_AFTER_EXPIRY_MONTHS", 6)
#: a suspension normally lasts at most this many months; then withdrawal or scope reduction is proposed
SUSPENSION_MAX_MONTHS = env_int("SUSPENSION_MAX_MONTHS", 6)
#: the withdrawal-or-reduction proposal comes this many days before a suspension reaches its limit
PROPOSAL_LEAD_DAYS = env_int("PROPOSAL_LEAD_DAYS", 30)
#: days relative to a surveillance's or recertification's due date (before, on the day, overdue)
PROGRAMME_REMINDER_OFFSETS = env_int_list("PROGRAMME_REMINDER_OFFSETS", "-90,-30,1")
#: days relative to a certificate's expiry (its last valid day)
CERTIFICATE_EXPIRY_REMINDER_OFFSETS = env_int_list("CERTIFICATE_EXPIRY_REMINDER_OFFSETS", "-90,-30,0")
#: days relative to the end of a suspension's normal length
SUSPENSION_REMINDER_OFFSETS = env_int_list("SUSPENSION_REMINDER_OFFSETS", "-30,0")
# reviews and decisions
#: a major nonconformity of a stage 2 verified (or still open at the decision) later than this many months after
#: the audit's last day means a new stage 2 is required before certification is granted (DOMAIN.md "Findings")
STAGE2_MAJOR_NC_LIMIT_MONTHS = env_int("STAGE2_MAJOR_NC_LIMIT_MONTHS", 6)
#: days a review in progress waits before its reviewer is reminded, and an engagement awaiting its decision before
#: the decision makers are
REVIEW_REMINDER_DAYS = env_int("REVIEW_REMINDER_DAYS", 10)
DECISION_REMINDER_DAYS = env_int("DECISION_REMINDER_DAYS", 10)
# public verification and IAF CertSearch
#: look-ups of the public certificate and statement verification (page and API together) per client address
PUBLIC_VERIFY_RATE = env_str("PUBLIC_VERIFY_RATE", "30/min")
#: the IAF CertSearch upload endpoint and its key; the upload is disabled while either is empty
CERTSEARCH_URL = env_str("CERTSEARCH_URL", "")
CERTSEARCH_API_KEY = env_str("CERTSEARCH_API_KEY", "")
#: seconds the upload waits for IAF CertSearch to connect and to answer
CERTSEARCH_TIMEOUT_SECONDS = env_int("CERTSEARCH_TIMEOUT_SECONDS", 30)
#: days relative to the monthly IAF CertSearch update's due date (a month after the last export or upload)
CERTSEARCH_REMINDER_OFFSETS = env_int_list("CERTSEARCH_REMINDER_OFFSETS", "0,7")

# --- login limits, the client's address, sessions -----------------------------------------------------------
#: proxies in front of the platform that each append the address they saw to X-Forwarded-For (0: none; the peer
#: is the client and the header is never read). `core.net.client_ip` reads it for throttles, login limits and
#: the audit trail alike
TRUSTED_PROXY_HOPS = env_int("TRUSTED_PROXY_HOPS", 0)
#: failed logins allowed for one account (its email, lower-case) from one client address; the next attempt from
#: that address is refused, even with the right password, on the portal and the back office alike (django-axes,
#: `accounts.login_limits`). Another address is not affected, so nobody elsewhere can lock a person out
LOGIN_MAX_FAILURES = env_int("LOGIN_MAX_FAILURES", 10)
#: seconds a refused account and address wait, counted from their last failed attempt (also how long failures are
#: remembered); a successful login forgets that pair's failures
LOGIN_FAILURE_WINDOW_SECONDS = env_int("LOGIN_FAILURE_WINDOW_SECONDS", 900)
#: failed logins allowed from one client address whatever the accounts tried, within the same window (one address
#: spraying many accounts); 0: no such limit. Not forgotten on a successful login
LOGIN_ADDRESS_MAX_FAILURES = env_int("LOGIN_ADDRESS_MAX_FAILURES", 100)
#: password reset requests per account and client address, and per client address, within the window; past them
#: the same "sent" page shows and no email goes out
PASSWORD_RESET_MAX_PER_ACCOUNT = env_int("PASSWORD_RESET_MAX_PER_ACCOUNT", 5)
PASSWORD_RESET_MAX_PER_ADDRESS = env_int("PASSWORD_RESET_MAX_PER_ADDRESS", 20)
PASSWORD_RESET_WINDOW_SECONDS = env_int("PASSWORD_RESET_WINDOW_SECONDS", 3600)
#: wrong bearer tokens allowed from one client address within the login window; then that address's bearer
#: requests answer 429 until the window passes (0: no limit)
BEARER_MAX_FAILURES = env_int("BEARER_MAX_FAILURES", 50)
# django-axes, driven by the settings above (read per request, so a changed setting applies in tests too)
AXES_HANDLER = (
    "accounts.login_limits.LoginLimitHandler"  # the cache handler (Redis): every web host shares it
)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]  # the per-address limit is the handler's own
AXES_FAILURE_LIMIT = "accounts.login_limits.failure_limit"
AXES_COOLOFF_TIME = "accounts.login_limits.cool_off"
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "accounts.login_limits.login_username"
AXES_CLIENT_IP_CALLABLE = "core.net.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.login_limits.lockout_response"
AXES_ENABLE_ADMIN = False  # the cache handler keeps no rows for the back office to list
# DRF's own address (`get_ident`, used by any throttle not of `core.api.throttling`) agrees with core.net.client_ip
REST_FRAMEWORK["NUM_PROXIES"] = TRUSTED_PROXY_HOPS
REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] = [
    "core.api.throttling.AnonRateThrottle",
    "core.api.throttling.UserRateThrottle",
]
#: minutes without a request after which a portal session ends (the person logs in again)
SESSION_IDLE_TIMEOUT_MINUTES = env_int("SESSION_IDLE_TIMEOUT_MINUTES", 30)
#: hours after logging in at which a session ends however active it was
SESSION_ABSOLUTE_TIMEOUT_HOURS = env_int("SESSION_ABSOLUTE_TIMEOUT_HOURS", 12)

# --- content security policy --------------------------------------------------------------------------------
#: a strict policy on every response (django-csp): scripts and styles only from the platform's own static files
#: (no inline script or style, no eval, no nonce but on the ReDoc page's styles, core.api.docs), images from here
#: and data: URIs, no plugins, no framing, forms posted and fetches made only to this origin
#: True sends it as Content-Security-Policy-Report-Only (violations reported, nothing blocked) for operators
#: rolling it out behind an existing site; enforcing by default
CSP_REPORT_ONLY = env_bool("CSP_REPORT_ONLY", False)
#: where browsers report violations (a URL; empty: reported in the browser's console only)
CSP_REPORT_URI = env_str("CSP_REPORT_URI", "")
#: further origins images may come from, comma-separated (e.g. the object store's public address when uploaded
#: logos are served from it); empty: only this origin
CSP_IMG_ORIGINS = env_list("CSP_IMG_ORIGINS", "")
_CSP_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", *CSP_IMG_ORIGINS],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        **({"report-uri": [CSP_REPORT_URI]} if CSP_REPORT_URI else {}),
    }
}
if CSP_REPORT_ONLY:
    CONTENT_SECURITY_POLICY_REPORT_ONLY = _CSP_POLICY
else:
    CONTENT_SECURITY_POLICY = _CSP_POLICY
#: the language cookie carries the same flags as the session cookie: sent over HTTPS only (where the session
#: cookie is), never read by script, not sent on cross-site requests but top-level navigations
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

# --- the audit chain's key and checkpoints ------------------------------------------------------------------
import base64  # noqa: E402
import binascii  # noqa: E402

#: the key the audit chain is hashed with (HMAC-SHA256, `core.audit`); never stored in the database. At least 32
#: characters; required in production, a fixed development key in DEBUG and tests
AUDIT_CHAIN_KEY = env_str("AUDIT_CHAIN_KEY", "") or (
    "development-only-audit-chain-key-never-used-in-production"
    if (DEBUG or TESTING)
    else env_str("AUDIT_CHAIN_KEY")
)
if len(AUDIT_CHAIN_KEY) < 32:
    raise ImproperlyConfigured("AUDIT_CHAIN_KEY must be at least 32 characters long.")
#: the short id new events record of the key (at most 16 characters); empty: the first 8 hex digits of its SHA-256
AUDIT_CHAIN_KEY_ID = env_str("AUDIT_CHAIN_KEY_ID", "")
if len(AUDIT_CHAIN_KEY_ID) > 16:
    raise ImproperlyConfigured("AUDIT_CHAIN_KEY_ID must be at most 16 characters long.")
#: earlier chain keys, so events hashed before a rotation still verify: "id:key,id:key" (ids as the events name them)
AUDIT_CHAIN_OLD_KEYS: dict[str, str] = {}
for _entry in env_list("AUDIT_CHAIN_OLD_KEYS"):
    _old_id, _sep, _old_key = _entry.partition(":")
    if not _sep or not _old_id or len(_old_key) < 32:
        raise ImproperlyConfigured("AUDIT_CHAIN_OLD_KEYS must be 'id:key' entries (keys of 32+ characters).")
    AUDIT_CHAIN_OLD_KEYS[_old_id] = _old_key
#: the Ed25519 key the chain checkpoints are signed with (base64 of 32 random bytes; `manage.py audit_checkpoint
#: --new-key` makes one); separate from the chain key; required in production
AUDIT_CHECKPOINT_KEY = env_str("AUDIT_CHECKPOINT_KEY", "") or (
    "aWNyLWRldmVsb3BtZW50LW9ubHktY2hlY2twb2ludCE=" if (DEBUG or TESTING) else env_str("AUDIT_CHECKPOINT_KEY")
)
try:
    _checkpoint_seed = base64.b64decode(AUDIT_CHECKPOINT_KEY.strip(), validate=True)
except binascii.Error:
    _checkpoint_seed = b""
if len(_checkpoint_seed) != 32:
    raise ImproperlyConfigured("AUDIT_CHECKPOINT_KEY must be base64 of 32 random bytes.")
#: further public keys (base64) whose checkpoints verification trusts: the keys used before a rotation
AUDIT_CHECKPOINT_TRUSTED_KEYS = env_list("AUDIT_CHECKPOINT_TRUSTED_KEYS")
#: where checkpoints are written (the `audit_checkpoints` storage's directory): ship it off the host
AUDIT_CHECKPOINT_DIR = Path(env_str("AUDIT_CHECKPOINT_DIR", "") or BASE_DIR / "var" / "audit-checkpoints")
STORAGES["audit_checkpoints"] = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": str(AUDIT_CHECKPOINT_DIR)},
}
from celery.schedules import crontab  # noqa: E402

#: the UTC hour the nightly audit jobs run: a checkpoint of every chain, then the verification of every chain
AUDIT_NIGHTLY_HOUR = env_int("AUDIT_NIGHTLY_HOUR", 2)
CELERY_BEAT_SCHEDULE["audit-checkpoint"] = {
    "task": "core.tasks.audit_checkpoint_task",
    "schedule": crontab(hour=AUDIT_NIGHTLY_HOUR, minute=0),
}
CELERY_BEAT_SCHEDULE["audit-verify"] = {
    "task": "core.tasks.audit_verify_task",
    "schedule": crontab(hour=AUDIT_NIGHTLY_HOUR, minute=30),
}

# --- API conformance ----------------------------------------------------------------------------------------

# --- multi-factor authentication and re-authentication ------------------------------------------------------
#: roles that must use a two-step login (registry_staff, body_admin): after the password they are sent to set up
#: an authenticator app before any other page. Empty: optional for everyone (the default of the tests and of the
#: demo run with DJANGO_DEBUG=1). Bearer tokens are their own factor and are not affected
MFA_REQUIRED_ROLES = env_list("MFA_REQUIRED_ROLES", "" if (DEBUG or TESTING) else "registry_staff,body_admin")
#: recovery codes given when a person sets up two-step login or asks for new ones (each works once)
MFA_RECOVERY_CODES = env_int("MFA_RECOVERY_CODES", 10)
#: the name authenticator apps show beside the account
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "ICR")
#: seconds of the wait after a wrong code; each further wrong code doubles it (10 wrong codes: 512 s with 1)
OTP_TOTP_THROTTLE_FACTOR = env_int("MFA_THROTTLE_FACTOR", 1)
OTP_STATIC_THROTTLE_FACTOR = OTP_TOTP_THROTTLE_FACTOR
#: minutes after the last login or re-authentication a sensitive action (a new API token, a person's roles,
#: two-step login changes) is allowed without asking for the password (or the code) again
REAUTH_MAX_AGE_MINUTES = env_int("REAUTH_MAX_AGE_MINUTES", 10)

# --- faults: time-outs, an unavailable database or Redis ----------------------------------------------------
# What the fault suite (tests/faults) proved the platform needs: a dead or frozen PostgreSQL or Redis costs a
# request at most a few seconds, never hangs it; a database that is down answers the 503 page
# (core.views.server_error), and the platform recovers by itself once it is back.
#: seconds a new PostgreSQL connection may take before the request gives up (a database that does not answer)
DATABASE_CONNECT_TIMEOUT_SECONDS = env_int("DATABASE_CONNECT_TIMEOUT_SECONDS", 3)
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = DATABASE_CONNECT_TIMEOUT_SECONDS
# a kept connection (CONN_MAX_AGE) is checked before a request reuses it, so the first request after a
# PostgreSQL restart reconnects instead of failing on the dead connection
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
#: the Retry-After of the 503 answered while the database is unavailable (core.views.server_error)
SERVICE_UNAVAILABLE_RETRY_AFTER_SECONDS = env_int("SERVICE_UNAVAILABLE_RETRY_AFTER_SECONDS", 60)
#: seconds one Redis operation (cache or broker) may take to connect, and to answer
REDIS_SOCKET_TIMEOUT_SECONDS = env_float("REDIS_SOCKET_TIMEOUT_SECONDS", 1.0)
#: after a Redis error the cache is not asked again for this many seconds: it answers "nothing cached" at once
#: (throttles let the request through, with a log line), so a Redis outage does not cost every request a timeout
REDIS_CACHE_RETRY_SECONDS = env_int("REDIS_CACHE_RETRY_SECONDS", 10)
if REDIS_URL:
    CACHES["default"]["BACKEND"] = "icr.cache.FailOpenRedisCache"
    CACHES["default"]["OPTIONS"] = {
        "socket_connect_timeout": REDIS_SOCKET_TIMEOUT_SECONDS,
        "socket_timeout": REDIS_SOCKET_TIMEOUT_SECONDS,
    }
#: seconds the Redis broker keeps a task a worker took but never acknowledged (acks_late: the worker died)
#: before giving it to another worker; longer than the slowest task. The sweeps re-enqueue lost work sooner
CELERY_VISIBILITY_TIMEOUT_SECONDS = env_int("CELERY_VISIBILITY_TIMEOUT_SECONDS", 3600)
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    # Enqueueing after a commit gives up quickly when Redis is down (kombu would retry without end): the
    # change is committed, the on_commit hook logs the failure, and the sweeps enqueue the job once it is back.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": CELERY_VISIBILITY_TIMEOUT_SECONDS,
        "socket_connect_timeout": REDIS_SOCKET_TIMEOUT_SECONDS,
        "socket_timeout": REDIS_SOCKET_TIMEOUT_SECONDS,
        "max_retries": 1,
        "interval_start": 0,
        "interval_step": 0.2,
        "interval_max": 0.2,
    }
    CELERY_BROKER_CONNECTION_TIMEOUT = REDIS_SOCKET_TIMEOUT_SECONDS
    CELERY_TASK_PUBLISH_RETRY_POLICY = {
        "max_retries": 1,
        "interval_start": 0,
        "interval_step": 0.2,
        "interval_max": 0.2,
    }
# a worker that loses Redis keeps trying to reconnect (at start-up too) until it is back
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
#: how often beat runs the reconcilers of emails and documents (what the broker lost is sent by them)
RECONCILE_SWEEP_SECONDS = env_int("RECONCILE_SWEEP_SECONDS", 300)
CELERY_BEAT_SCHEDULE["notifications-email-reconcile"]["schedule"] = timedelta(seconds=RECONCILE_SWEEP_SECONDS)
CELERY_BEAT_SCHEDULE["documents-reconcile"]["schedule"] = timedelta(seconds=RECONCILE_SWEEP_SECONDS)
#: the deadline sweep's period in seconds (REMINDER_SWEEP_MINUTES, 15, when unset); the fault suite runs two
#: beats with a short one
REMINDER_SWEEP_SECONDS = env_int("REMINDER_SWEEP_SECONDS", 60 * env_int("REMINDER_SWEEP_MINUTES", 15))
CELERY_BEAT_SCHEDULE["reminders-sweep"]["schedule"] = timedelta(seconds=REMINDER_SWEEP_SECONDS)

# --- more than one machine: object storage, health, logs ----------------------------------------------------
# Object storage. Several web and worker hosts share uploaded and rendered files only through an S3-compatible
# bucket (AWS S3, MinIO, ...); the local disk (MEDIA_ROOT) stays the embedded default, good for one host.
#: the bucket of uploaded and rendered files; empty: the local disk. AWS_STORAGE_BUCKET_NAME is read too
S3_BUCKET = env_str("S3_BUCKET", "") or env_str("AWS_STORAGE_BUCKET_NAME", "")
#: the S3 service's URL (MinIO: http://minio:9000); empty for AWS itself
S3_ENDPOINT_URL = env_str("S3_ENDPOINT_URL", "")
#: the bucket's region (AWS: e.g. eu-west-1); empty: boto3's default
S3_REGION = env_str("S3_REGION", "")
#: the access key and its secret; both empty: boto3 finds credentials itself (AWS_* variables, an instance role)
S3_ACCESS_KEY_ID = env_str("S3_ACCESS_KEY_ID", "")
S3_SECRET_ACCESS_KEY = env_str("S3_SECRET_ACCESS_KEY", "")
#: "path" (MinIO; the default when an endpoint is named), "virtual" or "auto" (AWS)
S3_ADDRESSING_STYLE = env_str("S3_ADDRESSING_STYLE", "") or ("path" if S3_ENDPOINT_URL else "auto")
#: a folder inside the bucket every key is written under (empty: the bucket's root)
S3_PREFIX = env_str("S3_PREFIX", "").strip("/")
#: seconds a signed link to an object works (objects are private; downloads stream through the platform)
S3_URL_EXPIRE_SECONDS = env_int("S3_URL_EXPIRE_SECONDS", 300)
#: seconds to connect to, and to wait for an answer from, the S3 service; attempts of one call
S3_TIMEOUT_SECONDS = env_float("S3_TIMEOUT_SECONDS", 5.0)
S3_MAX_ATTEMPTS = env_int("S3_MAX_ATTEMPTS", 3)
if S3_ADDRESSING_STYLE not in {"path", "virtual", "auto"}:
    raise ImproperlyConfigured("S3_ADDRESSING_STYLE must be path, virtual or auto.")
if S3_URL_EXPIRE_SECONDS <= 0 or S3_TIMEOUT_SECONDS <= 0 or S3_MAX_ATTEMPTS <= 0:
    raise ImproperlyConfigured(
        "S3_URL_EXPIRE_SECONDS, S3_TIMEOUT_SECONDS and S3_MAX_ATTEMPTS must be positive."
    )
if bool(S3_ACCESS_KEY_ID) != bool(S3_SECRET_ACCESS_KEY):
    raise ImproperlyConfigured("Set both S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY, or neither.")
#: a bucket (same S3 service and keys) for the signed audit checkpoints instead of AUDIT_CHECKPOINT_DIR, which every
#: host running workers would otherwise have to share; best one with object lock or versioning, so that the
#: platform's own key cannot erase a checkpoint
AUDIT_CHECKPOINT_S3_BUCKET = env_str("AUDIT_CHECKPOINT_S3_BUCKET", "")


def _s3_storage(bucket: str, prefix: str) -> dict[str, object]:
    """django-storages' S3Storage on `bucket`: private objects, signed short-lived links, bounded calls."""
    from botocore.config import Config

    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": S3_ENDPOINT_URL or None,
            "region_name": S3_REGION or None,
            "access_key": S3_ACCESS_KEY_ID or None,
            "secret_key": S3_SECRET_ACCESS_KEY or None,
            "location": prefix,
            "default_acl": None,  # private: the bucket's own policy, never public-read
            "querystring_auth": True,
            "querystring_expire": S3_URL_EXPIRE_SECONDS,
            "file_overwrite": False,  # a name already taken gets a suffix, as on the local disk
            "client_config": Config(
                s3={"addressing_style": S3_ADDRESSING_STYLE},
                signature_version="s3v4",
                connect_timeout=S3_TIMEOUT_SECONDS,
                read_timeout=S3_TIMEOUT_SECONDS,
                retries={"max_attempts": S3_MAX_ATTEMPTS, "mode": "standard"},
            ),
        },
    }


if S3_BUCKET:
    STORAGES["default"] = _s3_storage(S3_BUCKET, S3_PREFIX)
if AUDIT_CHECKPOINT_S3_BUCKET:
    STORAGES["audit_checkpoints"] = _s3_storage(AUDIT_CHECKPOINT_S3_BUCKET, "")

# The health endpoint (core.health, /healthz) for load balancers: the database, Redis, the storage.
#: seconds the Redis check may take before the endpoint answers 503 (the storage's are S3_TIMEOUT_SECONDS)
HEALTH_CHECK_TIMEOUT_SECONDS = env_float("HEALTH_CHECK_TIMEOUT_SECONDS", 1.0)
# a load balancer probes over plain HTTP from inside the network: never redirected to https
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Logs (core.logging): every record carries the request id (the X-Request-ID answered), the user id when known
# and the client's address; Celery tasks' records carry the task id.
#: "json" (one JSON object per line, for a log collector) or "plain"
LOG_FORMAT = env_str("LOG_FORMAT", "") or ("plain" if (DEBUG or TESTING) else "json")
if LOG_FORMAT not in {"json", "plain"}:
    raise ImproperlyConfigured("LOG_FORMAT must be json or plain.")
#: one line per request (method, path, status, duration) on the logger icr.access; gunicorn's own is off (tests:
#: off unless asked for)
ACCESS_LOG = env_bool("ACCESS_LOG", not TESTING)
LOGGING["filters"] = {"request_context": {"()": "core.logging.RequestContextFilter"}}
LOGGING["formatters"] = {
    "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    "json": {"()": "core.logging.JsonFormatter"},
}
LOGGING["handlers"] = {
    "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request_context"]}
}
LOGGING["loggers"]["icr.access"] = {"level": "INFO" if ACCESS_LOG else "WARNING"}
# right inside RequestIdMiddleware, so that every answer (a redirect of a later middleware too) is logged
MIDDLEWARE.insert(
    MIDDLEWARE.index("core.middleware.RequestIdMiddleware") + 1, "core.logging.AccessLogMiddleware"
)
