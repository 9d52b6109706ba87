"""Settings for Referatarkiv, read from the environment.

Every variable is listed in `.env.example`. Development defaults are safe: with DEBUG off
(the default) a SECRET_KEY must be given, so production cannot start with a known key.
"""

import datetime
import importlib.util
import os
from pathlib import Path

import dj_database_url
import dj_email_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.databases import replica_databases

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY skal være sat, når DEBUG er slået fra (SECRET_KEY must be set when "
            "DEBUG is off). Se .env.example."
        )
    SECRET_KEY = "development-only-not-secret"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "axes",
    "django_filters",
    "archive",
    "ingest",
    # The background queue (PostgreSQL, no broker): docs/jobs.md. E-mail alerts: docs/alerts.md.
    "procrastinate.contrib.django",
    "jobs",
    "alerts",
]
# perf/ (corpus generator, benchmark, load test) is a development tool: its commands exist
# only where the package is present (a checkout, not the Docker image) and PERF_APP is on,
# by default when DEBUG is.
PERF_APP = env_bool("PERF_APP", DEBUG) and importlib.util.find_spec("perf") is not None
if PERF_APP:
    INSTALLED_APPS.append("perf")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language comes from the address alone (config/urls.py): /en/… is English,
    # everything else Danish, whatever the browser asks for.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before the CSRF check: a POST or TRACE to the read-only API, feeds and exports is 405.
    "archive.middleware.ReadOnlyMethodsMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "archive.middleware.DatabaseUnavailableMiddleware",
    # After DatabaseUnavailableMiddleware: a failed read replica is retried on the primary
    # before anything answers 503 (config/routers.py).
    "config.routers.ReplicaMiddleware",
    # Last, as django-axes asks: it answers a locked-out login attempt.
    "axes.middleware.AxesMiddleware",
]

# Admin logins: after AXES_FAILURE_LIMIT failed attempts for a username from one address,
# that pair is locked out for AXES_COOLOFF_MINUTES (django-axes).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "axes_lockout.html"
BEHIND_PROXY = env_bool("BEHIND_PROXY")
AXES_IPWARE_PROXY_COUNT = 1 if BEHIND_PROXY else 0

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
            # {% load languages %}: the language switch and hreflang links (base.html).
            "libraries": {"languages": "config.languages"},
        },
    },
]

# PostgreSQL only. `make run`/`make test` start an embedded server and set DATABASE_URL
# themselves when it is unset; anything else must say where the database is.
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if not DATABASE_URL:
    raise ImproperlyConfigured(
        "DATABASE_URL er ikke sat (DATABASE_URL is not set). Brug `make run`/`make test`, "
        "som starter en indlejret PostgreSQL, eller sæt DATABASE_URL=postgres://..."
    )
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)
}
if not DATABASES["default"]["ENGINE"].endswith("postgresql"):
    raise ImproperlyConfigured("Referatarkiv kræver PostgreSQL (DATABASE_URL=postgres://...).")
# A runaway query becomes an error instead of a stuck worker.
STATEMENT_TIMEOUT_MS = int(os.environ.get("STATEMENT_TIMEOUT_MS", "15000"))
# Searches computed at once per process (archive.search.throttle), and how long a search
# waits for its turn before the reader gets a 503 with Retry-After.
SEARCH_CONCURRENCY = int(os.environ.get("SEARCH_CONCURRENCY", "1"))
SEARCH_QUEUE_SECONDS = float(os.environ.get("SEARCH_QUEUE_SECONDS", "10"))
# Every query serves one web request among many on a small machine: no parallel workers
# (they multiply one search's CPU while page views wait for a core) and no JIT (its
# compile time exceeds what it saves on queries this short). See docs/performance.md.
DATABASES["default"]["OPTIONS"] = {
    "options": (
        f"-c statement_timeout={STATEMENT_TIMEOUT_MS} -c jit=off "
        "-c max_parallel_workers_per_gather=0"
    )
}
DATABASES["default"]["TEST"] = {"NAME": os.environ.get("TEST_DATABASE_NAME") or None}

# Read replicas (docs/scaling.md): PostgreSQL streaming replicas serve the public read path
# (pages, search, API, feeds, exports); writes, the admin, editors and read-your-writes stay
# on the primary (config/routers.py). A failed replica rests REPLICA_RETRY_SECONDS, then one
# connection attempt of at most REPLICA_CONNECT_TIMEOUT seconds decides whether it is back.
DATABASES |= replica_databases(
    env_list("DATABASE_REPLICA_URLS"),
    DATABASES["default"],
    connect_timeout=int(os.environ.get("REPLICA_CONNECT_TIMEOUT", "2")),
)
REPLICA_DATABASES = [alias for alias in DATABASES if alias != "default"]
REPLICA_RETRY_SECONDS = float(os.environ.get("REPLICA_RETRY_SECONDS", "30"))
DATABASE_ROUTERS = ["config.routers.PrimaryReplicaRouter"]

# Search results, pages and compound-word expansions are cached under the archive's content
# versions (archive/versions.py), so a cache never shows what the archive no longer holds.
# In memory per process by default; REDIS_URL shares one cache between gunicorn workers.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "referatarkiv",
            "TIMEOUT": 600,
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 2000},
        }
    }

# Off: no search result, page or compound expansion is cached (archive/caching.py). For
# measuring what a first search costs; production keeps it on.
ARCHIVE_CACHE = env_bool("ARCHIVE_CACHE", True)
# How long a cached search or page computed before new minutes arrived may still be served
# (archive/caching.py); edits, deletions and withdrawn meetings reach every cache at once.
CACHE_ADDITIONS_SECONDS = float(os.environ.get("CACHE_ADDITIONS_SECONDS", "60"))
# On: public pages say "X-Cache: hit" or "miss", so the load test (perf/) can count the
# cache's hits. Off in production: it would tell anyone what others searched a moment ago.
CACHE_STATUS_HEADER = env_bool("CACHE_STATUS_HEADER", False)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Danish is the source language (msgids are Danish) and lives at /; English at /en/…
# (config/urls.py). The English catalogue is locale/en/LC_MESSAGES/django.po, compiled
# to django.mo in the repository: nothing needs GNU gettext at run time. How to add a
# string and update the catalogue: docs/architecture.md, "Languages".
LANGUAGE_CODE = "da"
LANGUAGES = [("da", _("Dansk")), ("en", _("Engelsk"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
# Dates as each language writes them ("26. marts 2026", "26 March 2026"): config/formats/.
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = "Europe/Copenhagen"
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "var" / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# In development whitenoise serves straight from the app folders, no collectstatic needed.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))

# Originals are stored in the database (SourceDocument.original); this caps what one
# upload or ingest may be.
MAX_UPLOAD_BYTES = int(os.environ.get("MAX_UPLOAD_BYTES", str(25 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_UPLOAD_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Security (production values unless DEBUG; `manage.py check --deploy` passes) -------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_PROXY") else None
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = not DEBUG and env_bool("SECURE_COOKIES", True)
SECURE_SSL_REDIRECT = not DEBUG and env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = 0 if DEBUG else int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# Our pages need no inline script or style: everything comes from /static/.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# --- E-mail -------------------------------------------------------------------------------
# EMAIL_URL (smtp://user:password@host:587/?tls=True, or ...:465/?ssl=True for implicit TLS),
# else Django's EMAIL_HOST/EMAIL_PORT/EMAIL_HOST_USER/EMAIL_HOST_PASSWORD/EMAIL_USE_TLS,
# else (development) every message is printed by the process that sends it.
EMAIL_URL = os.environ.get("EMAIL_URL", "")
if EMAIL_URL:
    vars().update(dj_email_url.parse(EMAIL_URL))
elif os.environ.get("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT") or "587")
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# The same SMTP backend, able to tell "never handed over" from "handed over, unconfirmed"
# (alerts/mail.py): what makes a retry after a crash safe.
if EMAIL_BACKEND == "django.core.mail.backends.smtp.EmailBackend":
    EMAIL_BACKEND = "alerts.mail.SMTPBackend"
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT") or vars().get("EMAIL_TIMEOUT") or 30)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL") or "Referatarkiv <referatarkiv@localhost>"
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The archive's public address, for the links in e-mails (no request to take it from).
SITE_URL = (
    os.environ.get("SITE_URL")
    or f"http://{os.environ.get('HOST') or '127.0.0.1'}:{os.environ.get('PORT') or '8000'}"
).rstrip("/")

# --- Background jobs (Procrastinate) --------------------------------------------------------
# A job whose worker sent no heartbeat for this long is run again (its worker died).
JOBS_STALLED_SECONDS = int(os.environ.get("JOBS_STALLED_SECONDS", "60"))
# Succeeded jobs are deleted after this many hours.
JOBS_KEEP_HOURS = int(os.environ.get("JOBS_KEEP_HOURS", str(7 * 24)))

# --- Attachments' text and OCR (docs/attachments.md) ----------------------------------------
# Reading one file's text layer runs in a child process under these limits; past them the
# file is `failed` with the reason. Scanned pages are recognised with Tesseract in these
# languages ("dan", or e.g. "dan+eng"), at most OCR_MAX_PAGES pages a file, each page
# given OCR_PAGE_SECONDS to render and as long to recognise.
ATTACHMENT_READ_SECONDS = int(os.environ.get("ATTACHMENT_READ_SECONDS", "300"))
ATTACHMENT_MEMORY_MB = int(os.environ.get("ATTACHMENT_MEMORY_MB", "1536"))
OCR_LANGUAGES = os.environ.get("OCR_LANGUAGES", "dan")
OCR_MAX_PAGES = int(os.environ.get("OCR_MAX_PAGES", "100"))
OCR_PAGE_SECONDS = int(os.environ.get("OCR_PAGE_SECONDS", "60"))

# --- E-mail alerts (docs/alerts.md) ---------------------------------------------------------
# When the digests are built and sent: a cron line, in UTC (default 06:00 UTC = 07:00 or
# 08:00 in Copenhagen). Followed cases are also sent right after an ingest.
ALERTS_SCHEDULE = os.environ.get("ALERTS_SCHEDULE", "0 6 * * *")
# Requests to follow something (or for a link to one's subscriptions), per address and per
# client IP, within ALERTS_RATE_WINDOW_SECONDS.
ALERTS_RATE_PER_ADDRESS = int(os.environ.get("ALERTS_RATE_PER_ADDRESS", "5"))
ALERTS_RATE_PER_IP = int(os.environ.get("ALERTS_RATE_PER_IP", "20"))
ALERTS_RATE_WINDOW_SECONDS = int(os.environ.get("ALERTS_RATE_WINDOW_SECONDS", "3600"))
# How long a confirmation link and the links in a digest (manage, unsubscribe) stay valid.
ALERTS_CONFIRM_DAYS = float(os.environ.get("ALERTS_CONFIRM_DAYS", "7"))
ALERTS_LINK_DAYS = float(os.environ.get("ALERTS_LINK_DAYS", "365"))
# A failed delivery is retried after ALERTS_RETRY_SECONDS, doubling each time, at most
# ALERTS_MAX_ATTEMPTS times in all.
ALERTS_RETRY_SECONDS = int(os.environ.get("ALERTS_RETRY_SECONDS", "300"))
ALERTS_MAX_ATTEMPTS = int(os.environ.get("ALERTS_MAX_ATTEMPTS", "8"))
# Items listed per followed search in one digest; the rest are counted, with a link.
ALERTS_MAX_ITEMS = int(os.environ.get("ALERTS_MAX_ITEMS", "50"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # Every process that loads the job tasks lists them at INFO; only the worker's own
    # messages (jobs started, finished, failed) are worth reading.
    "loggers": {
        "procrastinate.periodic": {"level": "WARNING"},
        "procrastinate.blueprints": {"level": "WARNING"},
    },
}
