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
    # [A: "axes" here]
    # [E: django_otp and its TOTP and static-token plugins here]
    # [H: "storages" here if needed]
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
    # [B: CSP middleware here]
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # [E: django_otp's OTPMiddleware and the MFA-required middleware here]
    # [A: the session policy middleware (time-outs, sessions ended) here]
    "accounts.middleware.UserLanguageMiddleware",
    "accounts.middleware.EmailConfirmationRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "bodies.middleware.ActiveBodyMiddleware",
    "core.middleware.BodyTimeZoneMiddleware",
    # [A: axes.middleware.AxesMiddleware here, last]
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
`fieldErrors` maps each field (camelCase) to its messages. 400 invalid input, 401 missing, invalid, expired or
revoked credentials, 403 not allowed (role, scope, or a token where a person is needed), 404 missing or not
visible to the caller, 409 the record's state does not allow the action, 429 too many requests.

## Rate limits
{REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["user"]} per person or token, {REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["anon"]}
per address without credentials (the public directory and reference data), {REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["verify"]}
per address for document verification. Beyond them: 429 `throttled`, with `Retry-After`.
"""
SPECTACULAR_SETTINGS["DESCRIPTION"] = API_DESCRIPTION
LOGIN_MAX_FAILURES = env_int("LOGIN_MAX_FAILURES", 10)
LOGIN_FAILURE_WINDOW_SECONDS = env_int("LOGIN_FAILURE_WINDOW_SECONDS", 900)

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
# [A: settings here]

# --- content security policy --------------------------------------------------------------------------------
# [B: settings here]

# --- the audit chain's key and checkpoints ------------------------------------------------------------------
# [C: settings here]

# --- API conformance ----------------------------------------------------------------------------------------
# [D: settings here]

# --- multi-factor authentication and re-authentication ------------------------------------------------------
# [E: settings here]

# --- faults: time-outs, an unavailable database or Redis ----------------------------------------------------
# [G1: settings here]

# --- more than one machine: object storage, health, logs ----------------------------------------------------
# [H: settings here]
