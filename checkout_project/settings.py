"""Settings, read from the environment (see README "Configuration").

Secure by default: DEBUG is off unless asked for, and a run without DEBUG refuses to start
without SECRET_KEY.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), got {raw!r}")


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from exc


def cache_from_url(url: str) -> dict:
    """Map CACHE_URL (or REDIS_URL) to a Django CACHES entry: locmem://, redis://, rediss://, dummy://."""
    if url.startswith(("redis://", "rediss://")):
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    if url.startswith("locmem://"):
        return {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": url.removeprefix("locmem://") or "default",
        }
    if url.startswith("dummy://"):
        return {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    raise ImproperlyConfigured(f"CACHE_URL scheme not supported: {url.split(':', 1)[0]!r}")


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105 - DEBUG only

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if not DEBUG else ["*"])

# Absolute base for links we hand out (checkout links); falls back to the request host.
PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "").rstrip("/")

# HTTPS hardening, on unless DEBUG: served behind a TLS-terminating proxy that sets
# X-Forwarded-Proto. `make run` turns it off for plain http://127.0.0.1 (HTTPS_ONLY=false).
HTTPS_ONLY = env_bool("HTTPS_ONLY", not DEBUG)
if HTTPS_ONLY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]  # load balancer probes over plain HTTP
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [PUBLIC_BASE_URL] if PUBLIC_BASE_URL else [])
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

INSTALLED_APPS = [
    "checkout_project.apps.BackOfficeAdminConfig",  # django.contrib.admin with our site (README "Admin")
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "merchants",
    "carts",
    "checkouts",
    "webhooks",
]

MIDDLEWARE = [
    "checkout_project.middleware.RequestLogMiddleware",
    "checkout_project.middleware.RejectNulMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "checkout_project.middleware.ApiContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "checkout_project.urls"

# URL prefixes that are JSON APIs: Django-level 404/500 there answer the error shape, not HTML.
API_PATH_PREFIXES = (
    "/api/",
    "/oauth/",
    "/checkout/",
    "/cart/",
    "/product/",
    "/shipping/",
    "/coupon/",
    "/webhook/",
)

# Strict Content-Security-Policy (django-csp 4) for pages: no inline scripts or styles, no framing,
# forms post only to us. The JSON API gets a fixed `default-src 'none'` instead
# (ApiContentSecurityPolicyMiddleware). Swagger UI gets neither: drf-spectacular inlines its script.
CONTENT_SECURITY_POLICY_API_EXEMPT = ("/api/docs/",)
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": CONTENT_SECURITY_POLICY_API_EXEMPT + API_PATH_PREFIXES,
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

WSGI_APPLICATION = "checkout_project.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool("DATABASE_PREPARED_STATEMENTS", True):
    # Server-side binding, and psycopg prepares a statement once it ran 5 times on a connection: the
    # hot queries then skip PostgreSQL's planner, which cost more than running them. Turn it off
    # behind a pooler that cannot keep prepared statements (PgBouncer in transaction mode < 1.21).
    DATABASES["default"].setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=5)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite: wait for the write lock instead of failing at once under concurrent requests.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": cache_from_url(os.environ.get("CACHE_URL") or os.environ.get("REDIS_URL") or "locmem://")}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("de", "Deutsch")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Bodies above this size are refused with 413 in the error shape.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("MAX_BODY_BYTES", 256 * 1024)


REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["checkout_project.parsers.DecimalJSONParser"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "checkout_project.negotiation.JSONFirstContentNegotiation",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "merchants.authentication.ApiKeyAuthentication",
        "merchants.authentication.BearerTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["merchants.permissions.IsMerchant"],
    "DEFAULT_THROTTLE_CLASSES": ["merchants.throttling.CredentialRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"credential": os.environ.get("API_THROTTLE_RATE", "6000/min")},
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "checkout_project.exceptions.api_exception_handler",
    "UNAUTHENTICATED_USER": None,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    # Amounts are JSON numbers (`"totalPrice": 115.0`), as in the reference.
    "COERCE_DECIMAL_TO_STRING": False,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Checkout Service",
    "DESCRIPTION": "Multi-tenant checkout service compatible with the Emporix Checkout Service v1 "
    "and the PayerVault checkout-link API.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "checkout_project.schema.add_error_responses",
    ],
    "ENUM_NAME_OVERRIDES": {
        "CheckoutStatusEnum": "checkouts.models.CheckoutStatus",
        "OrderStatusEnum": "checkouts.models.OrderStatus",
        "PaymentStatusEnum": "checkouts.models.PaymentStatus",
    },
}

# Domain settings.
PENDING_CHECKOUT_TTL = env_int("PENDING_CHECKOUT_TTL", 30 * 60)  # seconds
CHECKOUT_LINK_TTL = env_int("CHECKOUT_LINK_TTL", 24 * 60 * 60)  # seconds
ACCESS_TOKEN_TTL = env_int("ACCESS_TOKEN_TTL", 60 * 60)  # seconds
# Each worker remembers a credential's record this long (merchants.credential_cache); revocations
# reach the other workers within it. 0 looks every credential up on every request.
CREDENTIAL_CACHE_SECONDS = env_int("CREDENTIAL_CACHE_SECONDS", 5)
IDEMPOTENCY_TTL = env_int("IDEMPOTENCY_TTL", 24 * 60 * 60)  # seconds
MAX_RETRY_ATTEMPTS = env_int("MAX_RETRY_ATTEMPTS", 5)
# X-Total-Count of list endpoints: exact up to this many rows, above it cached for a few seconds.
LIST_EXACT_COUNT_LIMIT = env_int("LIST_EXACT_COUNT_LIMIT", 10_000)
LIST_COUNT_CACHE_SECONDS = env_int("LIST_COUNT_CACHE_SECONDS", 10)
# Delete-all works in batches of this many checkouts, each its own short transaction.
CHECKOUT_DELETE_BATCH_SIZE = env_int("CHECKOUT_DELETE_BATCH_SIZE", 2000)
# Card gateways (`paymentMethods[].provider == "payment-gateway"`), by mode. None ships for live.
PAYMENT_GATEWAY_TEST = "checkouts.payments.test_gateway.TestGateway"
PAYMENT_GATEWAY_LIVE = os.environ.get("PAYMENT_GATEWAY_LIVE", "")

# Background work: the task framework API (django-tasks backport), stored in the database and run
# by `manage.py db_worker` (README "Webhooks"). TASKS_BACKEND lets an operator swap the backend.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# Webhooks (README "Webhooks"). Private targets are for local development and tests only;
# link-local and cloud metadata addresses stay refused regardless.
WEBHOOK_ALLOW_PRIVATE_TARGETS = env_bool("WEBHOOK_ALLOW_PRIVATE_TARGETS", False)
WEBHOOK_TIMEOUT = float(os.environ.get("WEBHOOK_TIMEOUT") or 5)  # seconds, per connect and per read
# How long a worker's claim on a delivery lasts; after it, another worker may send it again.
WEBHOOK_DELIVERY_LEASE = env_int("WEBHOOK_DELIVERY_LEASE", 60)  # seconds
# Seconds to wait after each failed attempt (+ up to 20 % jitter): 12 attempts over about a day.
WEBHOOK_RETRY_DELAYS = (30, 60, 120, 300, 900, 1800, 3600, 7200, 14400, 28800, 28800)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["stderr"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        "checkout.requests": {"level": os.environ.get("REQUEST_LOG_LEVEL", "INFO")},
    },
}
