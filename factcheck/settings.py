"""Settings for the fact-check desk, read from the environment.

With nothing set, the app runs on embedded defaults: SQLite in the project folder and
Celery tasks executed in-process. Set DATABASE_URL and REDIS_URL to use PostgreSQL
and a real worker. With DEBUG off (production), a real SECRET_KEY is required and the
security settings that `manage.py check --deploy` asks for are on.
See .env.example for every variable.
"""

from __future__ import annotations

import datetime
import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django_guid.integrations import CeleryIntegration

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def envbool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use true/false, 1/0, yes/no, on/off)")


def envint(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not an integer") from None


def envfloat(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return float(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a number") from None


def envlist(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


DEBUG = envbool("DEBUG", True)

_DEV_SECRET_KEY = "dev-only-insecure-key-never-use-in-production"  # noqa: S105
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set in the environment when DEBUG is off.")
    SECRET_KEY = _DEV_SECRET_KEY
elif not DEBUG and (len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY == _DEV_SECRET_KEY):
    raise ImproperlyConfigured(
        "SECRET_KEY is too weak for production: use at least 50 random characters "
        '(python -c "import secrets; print(secrets.token_urlsafe(50))").'
    )

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set in the environment when DEBUG is off.")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = os.environ.get("SITE_URL", "http://localhost:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django_guid",
    "crispy_forms",
    "crispy_bootstrap5",
    "bootstrap",
    "axes",
    "csp",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "factcheck.core",
    "factcheck.ops",
    "factcheck.accounts",
    "factcheck.audit",
    "factcheck.articles",
    "factcheck.claims",
    "factcheck.extraction",
    "factcheck.linking",
    "factcheck.review",
    "factcheck.publishing",
    "factcheck.sources",
    "factcheck.api",
    "factcheck.webhooks",
    "factcheck.notifications",
    "factcheck.alerts",
]

# Production serving (README "Production"): the request id first, so every log line of the
# request carries it; health and readiness next, answered before the host check, the HTTPS
# redirect, sessions and login (a load balancer probes by IP over plain HTTP); WhiteNoise right
# after SecurityMiddleware, as its docs ask, so static files skip everything below it; then one
# log line per page request.
MIDDLEWARE = [
    "django_guid.middleware.guid_middleware",
    "factcheck.ops.middleware.probes",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "factcheck.ops.middleware.request_log",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Security (README "Security"): the Content-Security-Policy header; login throttling
    # (axes' middleware must come last).
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "factcheck.urls"

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
                "factcheck.accounts.context_processors.roles",
            ],
        },
    },
    {
        # Hot fragments drawn many times a page (templates/jinja2/: the search result row and
        # the queue item, see review/templatetags/result_rows.py). Pages stay in DTL; this
        # engine is second, so get_template() finds a page's DTL template first.
        "NAME": "jinja2",
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "factcheck.core.jinja.environment"},
    },
]

WSGI_APPLICATION = "factcheck.wsgi.application"

# Database: PostgreSQL through psycopg 3 when DATABASE_URL is set, else embedded SQLite.
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    try:
        DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=envint("DB_CONN_MAX_AGE", 60))}
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from None
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": BASE_DIR / os.environ.get("SQLITE_PATH", "db.sqlite3"),
            "OPTIONS": {"timeout": 20},
        }
    }
DATABASES["default"]["ATOMIC_REQUESTS"] = False
USING_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Axes first: it refuses a locked-out username+IP before the password is even checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "review:dashboard"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Production: WhiteNoise serves what collectstatic wrote, under content-hashed names (cached
    # for a year) with gzip and Brotli copies made once at collectstatic time.
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

FORMS_URLFIELD_ASSUME_HTTPS = True

# Form widgets drawn by Jinja2 from Django's own Jinja2 widget templates (django/forms/jinja2/):
# the same controls as the Django template language draws, for less CPU (docs/benchmarks.md,
# "Page costs", "Jinja2 instead of f-strings"); the admin's widgets, DTL only, fall back to DTL.
FORM_RENDERER = "factcheck.core.jinja.FormRenderer"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Redis: the Celery broker and result store, and the cache. Without it, tasks run
# in-process (eager) and the cache is per-process memory.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = False
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    CELERY_BROKER_URL = "memory://"
    CELERY_TASK_ALWAYS_EAGER = True
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CELERY_TASK_EAGER_PROPAGATES = envbool("CELERY_TASK_EAGER_PROPAGATES", False)
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# NLP tasks are slow and must survive a worker dying mid-task: acknowledge after the
# work is done, take one message at a time, and re-deliver if the worker is lost.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A task past the soft limit marks the article it was working on failed ("took longer
# than N s") and hands the rest of its batch back; the hard limit kills the pool process
# (the message is re-delivered, and the attempts cap ends it).
CELERY_TASK_SOFT_TIME_LIMIT = envint("CELERY_TASK_SOFT_TIME_LIMIT", 120)
CELERY_TASK_TIME_LIMIT = envint("CELERY_TASK_TIME_LIMIT", 180)
# A pool process must report up within this time after the fork; the encoder warms in a
# thread (linking/tasks.py), so this is only a margin for a loaded machine (Celery's 4 s
# default killed every replacement process while the warm-up ran).
CELERY_WORKER_PROC_ALIVE_TIMEOUT = envint("CELERY_WORKER_PROC_ALIVE_TIMEOUT", 60)
# Longer than the longest task, or Redis re-delivers a task still running. A dead worker's
# unacknowledged tasks come back once that has passed, at the next scan for them: every
# CELERY_UNACKED_RESTORE_SECONDS (kombu scans only every 10th tick by default, so a task
# waited up to 100 s more; here every tick scans, one small sorted-set read).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": envint("CELERY_VISIBILITY_TIMEOUT", 600),
    "unacked_restore_interval": envint("CELERY_UNACKED_RESTORE_SECONDS", 10),
    "unacked_restore_throttle": 1,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Link suggestions have their own queue, so a burst of them never delays extraction
# (the candidates editors are waiting for). bin/start's worker consumes both queues.
CELERY_TASK_ROUTES = {"factcheck.linking.tasks.*": {"queue": "linking"}}
# Webhook deliveries wait on other people's servers: their own queue, so a slow receiver
# never delays extraction (bin/start's worker consumes it too).
CELERY_TASK_ROUTES["factcheck.webhooks.tasks.*"] = {"queue": "webhooks"}
CELERY_BEAT_SCHEDULE = {
    "requeue-stuck-extractions": {
        "task": "factcheck.extraction.tasks.requeue_stuck_extractions",
        "schedule": envint("EXTRACTION_SWEEP_SECONDS", 60),
    },
    "requeue-unsuggested-articles": {
        "task": "factcheck.linking.tasks.requeue_unsuggested_articles",
        "schedule": envint("LINK_SWEEP_SECONDS", 120),
    },
    "poll-due-sources": {
        "task": "factcheck.sources.tasks.poll_due_sources",
        "schedule": envint("SOURCES_BEAT_SECONDS", 60),
    },
    "send-due-webhooks": {
        "task": "factcheck.webhooks.tasks.send_due_webhooks",
        "schedule": envint("WEBHOOKS_BEAT_SECONDS", 60),
    },
    "sweep-notification-emails": {
        "task": "factcheck.notifications.tasks.sweep_notification_emails",
        "schedule": envint("NOTIFICATIONS_SWEEP_SECONDS", 60),
    },
    "sweep-repeat-alerts": {
        "task": "factcheck.alerts.tasks.sweep_repeat_alerts",
        "schedule": envint("ALERTS_SWEEP_SECONDS", 300),
    },
    # Retention (WEBHOOKS_RETENTION_DAYS, NOTIFICATIONS_RETENTION_DAYS): once a day.
    "prune-old-webhooks": {
        "task": "factcheck.webhooks.tasks.prune_webhooks",
        "schedule": envint("RETENTION_PRUNE_SECONDS", 86400),
    },
    "prune-old-notifications": {
        "task": "factcheck.notifications.tasks.prune_notifications",
        "schedule": envint("RETENTION_PRUNE_SECONDS", 86400),
    },
}

# Product settings.
NEWSROOM_NAME = os.environ.get("NEWSROOM_NAME", "Fact-check desk")
ARTICLE_MAX_BYTES = envint("ARTICLE_MAX_BYTES", 2_000_000)
# Longest article body accepted at intake, in characters (every face, articles/services.py):
# the engine runs in linear time, and this keeps one article under the task's time limit
# on a loaded worker (docs/benchmarks.md, "Engine scaling").
ARTICLE_MAX_CHARS = envint("ARTICLE_MAX_CHARS", 300_000)
# Django reads no form field of a request over this (Django's default, 2.5 MB, is barely over
# the article limit). Room for a paste of twice the limit with CRLF line breaks, so an oversize
# paste reaches the form and comes back with the typed text and the reason.
DATA_UPLOAD_MAX_MEMORY_SIZE = envint("DATA_UPLOAD_MAX_MEMORY_SIZE", 4 * ARTICLE_MAX_BYTES + 65_536)
EXTRACTION_STUCK_AFTER_SECONDS = envint("EXTRACTION_STUCK_AFTER_SECONDS", 300)
EXTRACTION_MAX_ATTEMPTS = envint("EXTRACTION_MAX_ATTEMPTS", 5)
# Bulk intake (import_articles, the sweep) enqueues several articles per task, run through
# nlp.pipe together: at most this many, and no more text than this in one task.
EXTRACTION_BATCH_SIZE = envint("EXTRACTION_BATCH_SIZE", 16)
EXTRACTION_BATCH_MAX_CHARS = envint("EXTRACTION_BATCH_MAX_CHARS", 200_000)
# Tests only: an article whose body contains this text makes the extraction task wait past
# its soft time limit (tests/extraction/test_poison.py). Empty (off) everywhere else.
EXTRACTION_TEST_STALL_MARKER = os.environ.get("EXTRACTION_TEST_STALL_MARKER", "")
# Done articles whose link suggestions never ran (Redis lost the task) are suggested by a
# sweep after this long.
LINK_STUCK_AFTER_SECONDS = envint("LINK_STUCK_AFTER_SECONDS", 300)
# Claim links: both thresholds are calibrated match probabilities (engine.fusion.CALIBRATION,
# fitted on CLEF 2020 train; docs/benchmarks.md, "Already checked?"). On CLEF dev,
# p >= 0.5 keeps pairs that are matches 90 % of the time (recall 0.85), p >= 0.9 99 % (recall
# 0.55). A conflict the engine finds (same subject, figures disagree) is suggested whatever its
# probability. Quote links keep their own score (same speaker, shared words).
LINK_SUGGEST_THRESHOLD = envfloat("LINK_SUGGEST_THRESHOLD", 0.5)
LINK_AUTOCONFIRM_THRESHOLD = envfloat("LINK_AUTOCONFIRM_THRESHOLD", 0.9)
LINK_QUOTE_SUGGEST_THRESHOLD = envfloat("LINK_QUOTE_SUGGEST_THRESHOLD", 0.55)
LINK_QUOTE_AUTOCONFIRM_THRESHOLD = envfloat("LINK_QUOTE_AUTOCONFIRM_THRESHOLD", 0.92)
LINK_AUTOCONFIRM = envbool("LINK_AUTOCONFIRM", False)
# The reader highlights candidate claims scoring at least this check-worthiness (0-1) and
# hides the rest until "all candidates" is asked for. Unset: each claim's own check-worthy
# flag, i.e. the extractor's calibrated threshold, which the dashboard's counts also use.
READER_CLAIM_THRESHOLD: float | None = (
    envfloat("READER_CLAIM_THRESHOLD", 0.0) if os.environ.get("READER_CLAIM_THRESHOLD", "").strip() else None
)
# Link retrieval (docs/linking.md): sentence embeddings on or off; exact in-process vector
# scan up to this many stored vectors, above it re-rank only (or an IVF index when NPROBE > 0);
# how many recent claims the SQLite fallback scans; how full-text matches are ordered before
# the re-ranker, "dice" (lexeme overlap) or "cover" (ts_rank_cd, slower); whether a worker
# loads the encoder at start.
LINK_EMBEDDINGS = envbool("LINK_EMBEDDINGS", True)
LINK_DENSE_MAX_SCAN = envint("LINK_DENSE_MAX_SCAN", 100_000)
LINK_DENSE_IVF_NPROBE = envint("LINK_DENSE_IVF_NPROBE", 0)
LINK_SQLITE_SCAN_LIMIT = envint("LINK_SQLITE_SCAN_LIMIT", 50_000)
LINK_LEXICAL_RANK = os.environ.get("LINK_LEXICAL_RANK", "dice")
if LINK_LEXICAL_RANK not in {"dice", "cover"}:
    raise ImproperlyConfigured(f"LINK_LEXICAL_RANK={LINK_LEXICAL_RANK!r} must be 'dice' or 'cover'")
LINK_WARM_WORKER = envbool("LINK_WARM_WORKER", True)
# Web processes load the encoder in the background at start (wsgi.py), not on the first search.
LINK_WARM_WEB = envbool("LINK_WARM_WEB", True)

# Sources the desk polls, and fetching other sites (factcheck/sources/fetching.py, README "Sources").
SOURCES_USER_AGENT = os.environ.get("SOURCES_USER_AGENT", f"FactCheckDesk/1.0 (+{SITE_URL}; {NEWSROOM_NAME})")
SOURCES_ROBOTS_TOKEN = os.environ.get("SOURCES_ROBOTS_TOKEN", "FactCheckDesk")
SOURCES_CONNECT_TIMEOUT = envfloat("SOURCES_CONNECT_TIMEOUT", 5.0)
SOURCES_READ_TIMEOUT = envfloat("SOURCES_READ_TIMEOUT", 15.0)
SOURCES_FETCH_DEADLINE = envfloat("SOURCES_FETCH_DEADLINE", 30.0)
SOURCES_MAX_BYTES = envint("SOURCES_MAX_BYTES", 5_000_000)
SOURCES_MAX_REDIRECTS = envint("SOURCES_MAX_REDIRECTS", 5)
SOURCES_HOST_DELAY = envfloat("SOURCES_HOST_DELAY", 1.0)
SOURCES_HOST_WAIT = envfloat("SOURCES_HOST_WAIT", 60.0)
SOURCES_ROBOTS_TTL = envfloat("SOURCES_ROBOTS_TTL", 3600.0)
# Host names fetched even though they resolve to a loopback or private address: tests only
# (their HTTP server listens on 127.0.0.1). Empty everywhere else: no SSRF.
SOURCES_ALLOWED_TEST_HOSTS = envlist("SOURCES_ALLOWED_TEST_HOSTS", [])
SOURCES_MIN_INTERVAL_MINUTES = envint("SOURCES_MIN_INTERVAL_MINUTES", 5)
SOURCES_BACKOFF_MAX_MINUTES = envint("SOURCES_BACKOFF_MAX_MINUTES", 24 * 60)
SOURCES_MAX_ITEMS_PER_POLL = envint("SOURCES_MAX_ITEMS_PER_POLL", 50)
SOURCES_ITEM_MAX_ATTEMPTS = envint("SOURCES_ITEM_MAX_ATTEMPTS", 3)
SOURCES_SITEMAP_CHILDREN = envint("SOURCES_SITEMAP_CHILDREN", 3)
SOURCES_POLL_LEASE_SECONDS = envint("SOURCES_POLL_LEASE_SECONDS", 900)
SOURCES_POLL_BATCH = envint("SOURCES_POLL_BATCH", 500)
SOURCES_FAILING_AFTER_HOURS = envint("SOURCES_FAILING_AFTER_HOURS", 24)

# Webhooks (factcheck/webhooks, README "Webhooks"). Delivery goes through the sources
# fetcher's SSRF check (SOURCES_ALLOWED_TEST_HOSTS included). After each failed attempt the
# delivery waits the next number of seconds here (1 min, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h:
# eight attempts over 27.6 h, so an endpoint down for a day still gets it), then gives up;
# waits up to WEBHOOKS_COUNTDOWN_MAX_SECONDS are queued with a countdown, longer ones sent by
# the beat sweep (the broker's visibility timeout).
WEBHOOKS_RETRY_SCHEDULE = [
    int(s) for s in envlist("WEBHOOKS_RETRY_SCHEDULE", ["60", "300", "1800", "7200", "18000", "36000", "36000"])
]
WEBHOOKS_COUNTDOWN_MAX_SECONDS = envint("WEBHOOKS_COUNTDOWN_MAX_SECONDS", 300)
WEBHOOKS_CONNECT_TIMEOUT = envfloat("WEBHOOKS_CONNECT_TIMEOUT", 5.0)
WEBHOOKS_READ_TIMEOUT = envfloat("WEBHOOKS_READ_TIMEOUT", 10.0)
WEBHOOKS_RESPONSE_EXCERPT_BYTES = envint("WEBHOOKS_RESPONSE_EXCERPT_BYTES", 1000)
WEBHOOKS_SENDING_LEASE_SECONDS = envint("WEBHOOKS_SENDING_LEASE_SECONDS", 120)
WEBHOOKS_OLD_SECRET_HOURS = envint("WEBHOOKS_OLD_SECRET_HOURS", 24)
# Retention (the daily `prune-old-webhooks` beat entry and `manage.py prune`): a delivery delivered
# longer ago than this goes with its attempts, then an event with no delivery left. Deliveries
# still pending, being sent or failed (an administrator may replay them) are kept.
WEBHOOKS_RETENTION_DAYS = envint("WEBHOOKS_RETENTION_DAYS", 30)
# Email (notifications). Django's SMTP backend with EMAIL_HOST set; in development without a
# mail server, the console backend prints each message.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG and not EMAIL_HOST
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = EMAIL_HOST or "localhost"
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = envbool("EMAIL_USE_SSL", False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be on.")
# A mail server that hangs must not hold a worker: the send fails and is retried later.
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", f"{NEWSROOM_NAME} <noreply@localhost>")
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
# Notification emails: a failed send is tried again after 1, 2, 4 ... minutes, at most an hour
# apart, up to MAX_ATTEMPTS times (about a day and a half) before the row says it gave up.
NOTIFICATIONS_EMAIL_RETRY_SECONDS = envint("NOTIFICATIONS_EMAIL_RETRY_SECONDS", 60)
NOTIFICATIONS_EMAIL_RETRY_MAX_SECONDS = envint("NOTIFICATIONS_EMAIL_RETRY_MAX_SECONDS", 3600)
NOTIFICATIONS_EMAIL_MAX_ATTEMPTS = envint("NOTIFICATIONS_EMAIL_MAX_ATTEMPTS", 40)
# A row claimed by a sender longer ago than this is handed out again (that sender died).
NOTIFICATIONS_EMAIL_LEASE_SECONDS = envint("NOTIFICATIONS_EMAIL_LEASE_SECONDS", 600)
NOTIFICATIONS_SWEEP_BATCH = envint("NOTIFICATIONS_SWEEP_BATCH", 500)
# Daily digests go out at this hour (UTC).
NOTIFICATIONS_DIGEST_HOUR = envint("NOTIFICATIONS_DIGEST_HOUR", 7)
if not 0 <= NOTIFICATIONS_DIGEST_HOUR <= 23:
    raise ImproperlyConfigured(f"NOTIFICATIONS_DIGEST_HOUR={NOTIFICATIONS_DIGEST_HOUR} must be 0-23.")
# Retention: a notification read longer ago than this is deleted (unread ones, and any whose
# email is still to be sent, never are).
NOTIFICATIONS_RETENTION_DAYS = envint("NOTIFICATIONS_RETENTION_DAYS", 90)
# Rows deleted per transaction by the pruning (short transactions, short locks).
RETENTION_BATCH_SIZE = envint("RETENTION_BATCH_SIZE", 1000)
for _name in ("WEBHOOKS_RETENTION_DAYS", "NOTIFICATIONS_RETENTION_DAYS", "RETENTION_BATCH_SIZE"):
    if globals()[_name] < 1:
        raise ImproperlyConfigured(f"{_name}={globals()[_name]} must be at least 1.")

# Security. Production (DEBUG off) turns on everything `check --deploy` asks for.
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # the review pages' fetch() reads the token from the form, not the cookie
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", True)
    if envbool("BEHIND_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Login throttling (django-axes, README "Security"): after AXES_FAILURE_LIMIT wrong
# passwords for one username from one IP address, that pair is locked out for
# AXES_COOLOFF_TIME; the count is reset by a successful login, by an administrator in
# the admin site (Axes > Access attempts: delete the row) or by `manage.py axes_reset`.
# Attempts are stored in the database, so every web process sees the same count.
AXES_ENABLED = envbool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=envint("AXES_COOLOFF_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Behind the TLS proxy (BEHIND_PROXY) REMOTE_ADDR is the proxy's: take the client's
# address from the X-Forwarded-For entry the proxy appended.
AXES_CLIENT_IP_CALLABLE = "factcheck.accounts.throttling.client_ip"
AXES_TRUST_FORWARDED_FOR = envbool("BEHIND_PROXY", False)

# Content-Security-Policy (django-csp, README "Security"): scripts and styles only from
# our own static files, no inline script, no inline style, no framing. The public page's
# ClaimReview JSON-LD is a data block (type="application/ld+json"), which CSP does not
# treat as script. Rating colours come from /factchecks/ratings.css, not style="".
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # Bootstrap's CSS draws select arrows and check marks as data: SVG images.
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
        "frame-ancestors": [NONE],
    },
}

# Logs: one JSON object a line in production (LOG_FORMAT=json, the default when DEBUG is off),
# plain text in development; either way each line of a web request carries its request id
# (django-guid: the incoming X-Request-ID when it is a valid id, else a new one; echoed in the
# response's X-Request-ID header), and a worker's task lines carry the id of the request that
# queued the task.
LOG_FORMAT = os.environ.get("LOG_FORMAT") or ("text" if DEBUG else "json")
if LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured(f"LOG_FORMAT={LOG_FORMAT!r} must be 'json' or 'text'")
DJANGO_GUID = {
    "GUID_HEADER_NAME": "X-Request-ID",
    "VALIDATE_GUID": True,
    "INTEGRATIONS": [CeleryIntegration(use_django_logging=True)],
}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "django_guid.log_filters.CorrelationId", "correlation_id_field": "request_id"},
        "drop_forbidden": {"()": "factcheck.core.logfilters.DropForbidden"},
    },
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request_id"]},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # django_guid notes every id it sets at INFO: noise, not news.
    # A 403 is logged once, by the request line, without a traceback (core/logfilters.py).
    # httpx logs every request the sources fetch at INFO.
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django_guid": {"level": "WARNING"},
        "django.request": {"filters": ["drop_forbidden"]},
        "httpx": {"level": "WARNING"},
    },
}

# The JSON API (README "API"): Django REST framework and drf-spectacular settings, rate limits.
from factcheck.api.conf import *  # noqa: E402,F403

# Repeat alerts (factcheck/alerts): a new news claim linked as "same" to a checked claim (our
# published fact-check or an imported one) raises an alert when the link's calibrated match
# probability is at least this (or an editor confirmed the link). Defaults to the suggest
# threshold; a lower value has no effect, since weaker links are never suggested.
ALERTS_REPEAT_THRESHOLD = envfloat("ALERTS_REPEAT_THRESHOLD", LINK_SUGGEST_THRESHOLD)
if not 0.0 <= ALERTS_REPEAT_THRESHOLD <= 1.0:
    raise ImproperlyConfigured(f"ALERTS_REPEAT_THRESHOLD={ALERTS_REPEAT_THRESHOLD} must be between 0 and 1")
# The sweep (every ALERTS_SWEEP_SECONDS) raises alerts for qualifying links changed this recently.
ALERTS_SWEEP_WINDOW_SECONDS = envint("ALERTS_SWEEP_WINDOW_SECONDS", 3600)

# The review pages' counts (dashboard cards, queue tabs) are cached in Redis for this many
# seconds, and dropped at once when an editorial change commits (factcheck/review/count_cache.py);
# 0 turns the cache off (the tests do).
REVIEW_COUNTS_CACHE_SECONDS = envint("REVIEW_COUNTS_CACHE_SECONDS", 15)
