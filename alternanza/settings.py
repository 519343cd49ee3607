"""Settings of the Rete metropolitana alternanza portal.

This is the only module that reads the environment. The database is always PostgreSQL, given by
DATABASE_URL: without it nothing starts (`make run` gives one, an embedded server in var/pgdata started
by alternanza/incorporato.py). Without REDIS_URL / EMAIL_URL, Celery tasks run inline, the cache is in
local memory and e-mails are written as files in var/mail/. A wrong value fails at start. Every variable
is documented in README.md and .env.example.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()


def _secret(name: str, default: str | None = None) -> str | None:
    """Read NAME, or the content of the file named by NAME_FILE (Docker/Kubernetes secrets)."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        try:
            return Path(path).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE={path} cannot be read: {exc}") from exc
    return os.environ.get(name, default)


DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = _secret("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. In production set SECRET_KEY (or SECRET_KEY_FILE) to a long random "
            "value; for local development set DEBUG=true (the README's `make run` does it)."
        )
    SECRET_KEY = "django-insecure-local-development-only"  # noqa: S105 - only ever used with DEBUG on
elif not DEBUG and (
    len(SECRET_KEY) < 50
    or len(set(SECRET_KEY)) < 5
    or SECRET_KEY.startswith("django-insecure")
    or any(
        segnaposto in SECRET_KEY.lower()
        for segnaposto in ("change-me", "changeme", "cambia", "secret-key-here")
    )
):
    # Signed links (invitations, report downloads, newsletter) and sessions rest on it: a copied
    # placeholder or a short value would let anyone forge them.
    raise ImproperlyConfigured(
        "SECRET_KEY is a placeholder or too weak for production: use at least 50 random characters, e.g. "
        '`python3 -c "import secrets; print(secrets.token_urlsafe(50))"` (or SECRET_KEY_FILE).'
    )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# --- Applications -------------------------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django.forms",  # the widget templates, found by FORM_RENDERER's template engine
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_filters",
    "pgtrigger",
    "pghistory",
    "csp",
    "bootstrap_italia_template",
    # Project apps, lowest layer first: a lower app never imports a higher one (docs/architecture.md).
    "alternanza.core",  # shared machinery; its one table is the outbox of tasks kept while Redis is down
    "distretti",
    "partnership",
    "alternanza.progetti",
    "alternanza.utenti",
    "alternanza.spid",
    "alternanza.report",
    "eventi",
    "eventi.newsletter",
    "alternanza.area",
    "alternanza.pagine",
]

MIDDLEWARE = [
    # NUL and other control characters in the path or the query string: 400 before anything reads them.
    "alternanza.core.middleware.RichiesteMalformateMiddleware",
    # Then the request id, on every log line of the request and on the tasks it queues.
    "alternanza.core.osservabilita.IdRichiestaMiddleware",
    "alternanza.core.osservabilita.MetricheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Bodies larger than the portal needs are refused before they are read (alternanza/core/rete.py).
    "alternanza.core.rete.LimiteRichiestaMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Accounts: absolute session timeout, MFA required for staff/district offices, log of refused access.
    "alternanza.utenti.middleware.SessioneAssolutaMiddleware",
    "alternanza.utenti.middleware.MfaObbligatoriaMiddleware",
    "alternanza.utenti.middleware.AutorizzazioniNegateMiddleware",
    "alternanza.utenti.preferenze.LinguaPreferitaMiddleware",
    # Audit trail: the acting user and URL on every event written during a request.
    "pghistory.middleware.HistoryMiddleware",
    "csp.middleware.CSPMiddleware",
]

# Audit context only for requests that write: on GET it would prefix every query of every page.
PGHISTORY_MIDDLEWARE_METHODS = ("POST", "PUT", "PATCH", "DELETE")

# django-filter: an empty choice says what it means (a select never shows "---------").
FILTERS_EMPTY_CHOICE_LABEL = _("Tutti")
FILTERS_NULL_CHOICE_LABEL = _("Nessuno")

# One way to render forms: templates/django/forms/portale/ (alternanza/core/moduli.py).
FORM_RENDERER = "alternanza.core.moduli.RendererPortale"
# Files of a submission that failed validation wait here (never under MEDIA_ROOT: not downloadable).
CARICAMENTI_TEMPORANEI_ROOT = Path(
    env.str("CARICAMENTI_TEMPORANEI_ROOT", default=str(VAR_DIR / "caricamenti"))
)

ROOT_URLCONF = "alternanza.urls"
WSGI_APPLICATION = "alternanza.wsgi.application"
ASGI_APPLICATION = "alternanza.asgi.application"

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
                "csp.context_processors.nonce",
                "alternanza.pagine.context_processors.portale",
            ],
            # {% riepilogo_errori %}: the error summary of the portal's forms (alternanza/core/moduli.py).
            "builtins": ["alternanza.core.moduli"],
        },
    },
]

# --- Database -----------------------------------------------------------------------------------
# Also with DEBUG on: the code uses PostgreSQL only (search, triggers, COPY, advisory locks), so there is
# no other engine to fall back on, and `make run` brings its own server.
DATABASE_URL = _secret("DATABASE_URL")
if not DATABASE_URL:
    raise ImproperlyConfigured(
        "DATABASE_URL is not set. Set it to a PostgreSQL database (postgres://user:pass@host:port/db), or "
        "for local development use `make run`, which starts an embedded PostgreSQL in var/pgdata."
    )
DATABASES = {"default": env.db_url_config(DATABASE_URL)}
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("DATABASE_URL must point to PostgreSQL (postgres://user:pass@host:port/db).")
# Opening a PostgreSQL connection costs ~5 ms: keep them (with a health check before reuse).
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=600)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# An unreachable server answers "unavailable" (alternanza.pagine.errori) within seconds, not a TCP timeout.
DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
    "connect_timeout", env.int("DB_CONNECT_TIMEOUT", default=3)
)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, Celery ------------------------------------------------------------------------------
REDIS_URL = _secret("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            # An accelerator, never a dependency: every operation fails open (core/cache_backend.py) and
            # a frozen Redis costs half a second once, not a hung worker.
            "BACKEND": "alternanza.core.cache_backend.FailOpenRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="alternanza"),
            "TIMEOUT": 300,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Longest hard time limit of any task (PDF reports); the broker's visibility timeout must exceed it,
# otherwise Redis re-delivers a task that is still running (acks_late) and it runs twice.
CELERY_TASK_TIME_LIMIT_MAX = env.int("CELERY_TASK_TIME_LIMIT_MAX", default=30 * 60)
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_TIME_LIMIT = CELERY_TASK_TIME_LIMIT_MAX
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT_MAX - 60
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_TASK_TIME_LIMIT_MAX + 15 * 60,
    # A frozen Redis must not hang the request that enqueues (nor a worker) for ever.
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
}
CELERY_TASK_DEFAULT_QUEUE = "default"
# A task declares its queue with the `coda` option (memory-hungry ones: "pesanti"); this router reads it.
CELERY_TASK_ROUTES = ("alternanza.core.compiti.instrada",)
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env.int("CELERY_WORKER_MAX_MEMORY_PER_CHILD", default=600_000)  # KiB
CELERY_TIMEZONE = "Europe/Rome"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Beat keeps its schedule in Redis (celery-redbeat) and holds a lock there while it runs: a beat started on
# every node (or restarted twice) waits on the lock, so the schedule runs once; the lock of a beat that
# died expires after CELERY_REDBEAT_LOCK_TIMEOUT and a waiting one takes over with the schedule's state.
if REDIS_URL:
    CELERY_BEAT_SCHEDULER = "redbeat.RedBeatScheduler"
    CELERY_REDBEAT_REDIS_URL = REDIS_URL
    CELERY_REDBEAT_KEY_PREFIX = env.str("CACHE_KEY_PREFIX", default="alternanza") + ":beat"
CELERY_BEAT_MAX_INTERVAL = env.int("CELERY_BEAT_MAX_INTERVAL", default=10)  # seconds between two ticks
CELERY_REDBEAT_LOCK_TIMEOUT = 5 * CELERY_BEAT_MAX_INTERVAL

# --- E-mail -------------------------------------------------------------------------------------
EMAIL_URL = _secret("EMAIL_URL")
if EMAIL_URL:
    vars().update(env.email_url_config(EMAIL_URL))
elif os.environ.get("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = env.str("EMAIL_HOST")
    EMAIL_PORT = env.int("EMAIL_PORT", default=25)
    EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
    EMAIL_HOST_PASSWORD = _secret("EMAIL_HOST_PASSWORD", "") or ""
    EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
    EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
# Date headers in the portal's local time (+0100/+0200), never "-0000" (issue 18).
EMAIL_USE_LOCALTIME = True
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Rete alternanza <noreply@cittametropolitana.bo.it>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The one subject prefix of every mail the portal sends (its own triplets, allauth's, the admins').
EMAIL_SUBJECT_PREFIX = env.str("EMAIL_SUBJECT_PREFIX", default="[Rete alternanza] ")

# --- Newsletter (eventi.newsletter) -------------------------------------------------------------
# Messages per second across all workers (the provider's limit); 0 = no limit.
NEWSLETTER_RATE_LIMIT = env.float("NEWSLETTER_RATE_LIMIT", default=10.0)
if NEWSLETTER_RATE_LIMIT < 0:
    raise ImproperlyConfigured("NEWSLETTER_RATE_LIMIT must be >= 0 (messages per second, 0 = no limit).")
NEWSLETTER_BATCH_SIZE = env.int("NEWSLETTER_BATCH_SIZE", default=200)  # recipients per Celery task
# A send with pending deliveries and no progress for this many seconds gets its batches enqueued again
# (the periodic task newsletter.riprendi_invii): recovers from a worker killed mid-batch without waiting
# for the broker's visibility timeout.
NEWSLETTER_RESUME_AFTER = env.int("NEWSLETTER_RESUME_AFTER", default=300)
NEWSLETTER_REPLY_TO = env.str("NEWSLETTER_REPLY_TO", default="")
NEWSLETTER_UNSUBSCRIBE_MAILTO = env.str("NEWSLETTER_UNSUBSCRIBE_MAILTO", default="")
# Issue 18: hard bounces (5xx at SMTP time) after which an address is paused as undeliverable.
NEWSLETTER_BOUNCE_LIMIT = env.int("NEWSLETTER_BOUNCE_LIMIT", default=1)
# The mailbox that receives the provider's bounce reports (DSN), read by newsletter.leggi_rimbalzi:
# pop3[s]://user:password@host[:port] or imap[s]://user:password@host[:port]/FOLDER ("" = not read).
NEWSLETTER_BOUNCE_MAILBOX = _secret("NEWSLETTER_BOUNCE_MAILBOX", "") or ""
CELERY_BEAT_SCHEDULE = {
    # Messages the broker could not take when they were queued (alternanza.core.compiti.accoda).
    "core-spedisci-in-attesa": {"task": "core.spedisci_in_attesa", "schedule": 60.0},
    # The heartbeat of beat and of the default worker, reported by /healthz (alternanza.core.osservabilita).
    "pagine-battito": {"task": "pagine.battito", "schedule": 60.0},
    "newsletter-programmati": {"task": "newsletter.avvia_programmati", "schedule": 60.0},
    "newsletter-riprendi": {"task": "newsletter.riprendi_invii", "schedule": 120.0},
    "newsletter-rimbalzi": {"task": "newsletter.leggi_rimbalzi", "schedule": 600.0},  # issue 18
    # Daily: reminders 30 days before a school–organisation convenzione expires (partnership.tasks).
    "partnership-promemoria-convenzioni": {
        "task": "partnership.promemoria_scadenze",
        "schedule": 24 * 3600.0,
    },
    # Reports (alternanza.report.tasks): dispatch requests kept while Redis was down, recover dead workers.
    "report-sorveglia": {"task": "report.sorveglia", "schedule": 120.0},
    # Report schedules are data (alternanza.report.pianificazioni, edited by staff in the portal): this one
    # entry requests the reports that are due, so an edited schedule applies without a restart.
    "report-pianificazioni": {"task": "report.pianificazioni", "schedule": 300.0},
    # Nightly open-data exports of the projects (also queued after every publication).
    "progetti-dati-aperti": {
        "task": "progetti.genera_dati_aperti",
        "schedule": crontab(minute=30, hour=3),
    },
    # Festival bookings (eventi.tasks): expired waiting-list offers pass on; reminders the day before.
    "eventi-scadenze-prenotazioni": {"task": "eventi.scadi_prenotazioni", "schedule": 300.0},
    "eventi-promemoria-prenotazioni": {
        "task": "eventi.promemoria_prenotazioni",
        "schedule": crontab(minute=0, hour=9),
    },
}
# --- Festival bookings (eventi.prenotazioni) ---
# Hours a place freed by a cancellation stays reserved for the first on the waiting list it is offered to.
FESTIVAL_OFFERTA_ORE = env.int("FESTIVAL_OFFERTA_ORE", default=24)
if FESTIVAL_OFFERTA_ORE < 1:
    raise ImproperlyConfigured("FESTIVAL_OFFERTA_ORE must be at least 1 (hours).")

# --- Auth (django-allauth) ----------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "area:home"  # the workspace: what awaits the user, the tools of their roles
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
# Django's User keeps its unique username: allauth generates it from the e-mail (login is by e-mail only).
ACCOUNT_SIGNUP_FORM_CLASS = "alternanza.utenti.forms.RegistrazioneForm"
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = EMAIL_SUBJECT_PREFIX
# The portal's voice in allauth's mails: its name instead of the Site's domain, each mail in the
# recipient's language; people are named by their name or e-mail, never by the generated username.
ACCOUNT_ADAPTER = "alternanza.utenti.adapter.AdapterAccount"
ACCOUNT_USER_DISPLAY = "alternanza.core.utenti.nome_da_mostrare"
# Security notices (password or e-mail changed, second factor added or removed) to the account holder.
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    # "key" is the e-mail plus the client's address (alternanza.utenti.adapter): failures from elsewhere
    # never lock the real owner out; the owner is told by mail (ACCESSI_FALLITI_AVVISO).
    "login_failed": "10/m/ip,5/5m/key",
    # Each signup asks for a role (and may propose an organisation) that staff must review.
    "signup": "10/h/ip",
    # A few reset mails per address per hour: the limit protects the inbox's owner, not only the server.
    "reset_password": "20/m/ip,3/h/key",
    "confirm_email": "1/3m/key",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Rete alternanza Bologna"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Sessions: inactivity timeout (SESSION_COOKIE_AGE, renewed by the accounts middleware at most every
# SESSION_RINNOVO seconds); the absolute timeout is enforced by the same middleware.
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_TIMEOUT", default=60 * 60)
SESSION_RINNOVO = 60
SESSION_ABSOLUTE_TIMEOUT = env.int("SESSION_ABSOLUTE_TIMEOUT", default=12 * 60 * 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# --- Internationalisation -----------------------------------------------------------------------
LANGUAGE_CODE = "it"
LANGUAGES = [("it", _("Italiano")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Rome"
USE_I18N = True
USE_TZ = True
# Dates and numbers as each language writes them (formats/it, formats/en: UK/EU day-month order).
FORMAT_MODULE_PATH = ["alternanza.formats"]

# --- Static and media ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
# Private files (convenzioni, DVR, agreements, documents, reports): never under MEDIA_ROOT, served only
# by permission-checked views (alternanza/core/archivi.py).
MEDIA_PRIVATI_ROOT = Path(env.str("MEDIA_PRIVATI_ROOT", default=str(VAR_DIR / "privato")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "privato": {"BACKEND": "alternanza.core.archivi.FileSystemPrivato"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# --- Deployment (issue 19): private media, object storage, proxy, observability ------------------
# Behind nginx: the internal location that serves MEDIA_PRIVATI_ROOT (deploy/nginx/portale.conf); a
# permission-checked view then answers with X-Accel-Redirect and nginx sends the file. Empty: Django
# streams private files itself (development).
MEDIA_PRIVATI_X_ACCEL = env.str("MEDIA_PRIVATI_X_ACCEL", default="")
# Any S3-compatible object store (django-storages): private files always there when S3_BUCKET_PRIVATO is
# set (served by signed URLs valid S3_URL_SCADENZA seconds, after the permission check), public media
# too when S3_BUCKET_PUBBLICO is set (plain URLs: the bucket publishes them).
S3_URL_SCADENZA = env.int("S3_URL_SCADENZA", default=60)
S3_BUCKET_PRIVATO = env.str("S3_BUCKET_PRIVATO", default="")
S3_BUCKET_PUBBLICO = env.str("S3_BUCKET_PUBBLICO", default="")
# The client's address behind the proxy (alternanza.core.rete.ip_cliente, also read by allauth): how many
# proxies append to X-Forwarded-For (1 with the docker-compose nginx), or one header a trusted proxy sets.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env.str("TRUSTED_CLIENT_IP_HEADER", default="") or None
# Failed logins to one account (from any address) within 15 minutes that send its owner a notice.
ACCESSI_FALLITI_AVVISO = env.int("ACCESSI_FALLITI_AVVISO", default=5)
# Prometheus scrapes /metriche with this bearer token (unset: the endpoint answers 404).
METRICS_TOKEN = _secret("METRICS_TOKEN") or ""
# Largest request body (bytes): any request (the 10 MB PDFs plus the form), and without a login.
LIMITE_CORPO_RICHIESTA = env.int("LIMITE_CORPO_RICHIESTA", default=12 * 1024 * 1024)
LIMITE_CORPO_ANONIMO = env.int("LIMITE_CORPO_ANONIMO", default=256 * 1024)


def _s3(bucket: str, *, privato: bool) -> dict:
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": env.str("S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("S3_REGION", default="") or None,
            "access_key": env.str("S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": _secret("S3_SECRET_ACCESS_KEY") or None,
            "default_acl": "private" if privato else None,
            "querystring_auth": privato,
            "querystring_expire": S3_URL_SCADENZA,
            "file_overwrite": False,
            "custom_domain": None if privato else (env.str("S3_DOMINIO_PUBBLICO", default="") or None),
        },
    }


if S3_BUCKET_PRIVATO:
    STORAGES["privato"] = _s3(S3_BUCKET_PRIVATO, privato=True)
if S3_BUCKET_PUBBLICO:
    STORAGES["default"] = _s3(S3_BUCKET_PUBBLICO, privato=False)


def _rilascio_installato() -> str:
    """The installed version plus a digest of the static-files manifest (hashed names), when there is one:
    pages cached by another build must not point at static files that are gone."""
    versione = importlib.metadata.version("rete-alternanza")
    manifesto = STATIC_ROOT / "staticfiles.json"
    if manifesto.is_file():
        versione += "-" + hashlib.sha256(manifesto.read_bytes()).hexdigest()[:12]
    return versione


# Names the running release in the keys of the page cache (alternanza.core.cache): set it to the commit
# or image tag when deploying, so a release that changes only code gets fresh pages too.
RELEASE = env.str("RELEASE", default="") or _rilascio_installato()

# Error reports to Sentry or a self-hosted GlitchTip (same protocol) when SENTRY_DSN is set; no personal
# data is sent (send_default_pii off), performance traces only if SENTRY_TRACES_SAMPLE_RATE > 0.
SENTRY_DSN = _secret("SENTRY_DSN") or ""
if SENTRY_DSN:
    import sentry_sdk

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        release=RELEASE,
        environment=env.str("SENTRY_ENVIRONMENT", default="production"),
        send_default_pii=False,
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
    )
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FORMS_URLFIELD_ASSUME_HTTPS = True  # Django 6 default, opted in now
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- Security -----------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_COOKIE_HTTPONLY = False
# A refused form explained in the portal's layout (alternanza/pagine/errori.py).
CSRF_FAILURE_VIEW = "alternanza.pagine.errori.csrf_fallito"
# Permissions-Policy (django-permissions-policy): the portal uses none of these browser features.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer", "autoplay", "camera", "display-capture", "encrypted-media",
        "geolocation", "gyroscope", "magnetometer", "microphone", "midi", "payment", "usb",
        "interest-cohort", "browsing-topics",
    )
}  # fmt: skip
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
# /healthz answers the load balancer over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^metriche$"]  # also the Prometheus scraper

# Strict Content-Security-Policy: no inline scripts or styles, everything self-hosted.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],  # the WOFF2 files of static/build/ (no Video.js: it needed data:)
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# --- Logging ------------------------------------------------------------------------------------
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
# One JSON object per line (python-json-logger) for the log collector; plain text for people.
LOG_JSON = env.bool("LOG_JSON", default=False)
CELERY_WORKER_HIJACK_ROOT_LOGGER = not LOG_JSON  # JSON logs: the workers keep LOGGING below
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"id_richiesta": {"()": "alternanza.core.osservabilita.FiltroIdRichiesta"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_JSON else "plain",
            "filters": ["id_richiesta"],
        }
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "alternanza": {"level": LOG_LEVEL},
        "distretti": {"level": LOG_LEVEL},
        "partnership": {"level": LOG_LEVEL},
        "eventi": {"level": LOG_LEVEL},
        "alternanza.security": {"level": "INFO"},
    },
}

# --- Portal -------------------------------------------------------------------------------------
PORTALE = {
    "nome": _("Rete metropolitana per l'alternanza"),
    "ente": _("Città metropolitana di Bologna"),
    "ente_url": "https://www.cittametropolitana.bo.it",
    "licenza": "CC BY 4.0",
    "licenza_url": "https://creativecommons.org/licenses/by/4.0/deed.it",
    "email_contatti": env.str("CONTACT_EMAIL", default="alternanza@cittametropolitana.bo.it"),
}
# Reports (issue 17): the logo printed on the cover of the PDF reports, a path among the static files
# (the Città metropolitana's own mark goes here in production; default: the portal's logo).
REPORT_LOGO = env.str("REPORT_LOGO", default="img/logo-rete.svg")
# Code of the Città metropolitana di Bologna in the IPA index (publisher / rights holder in DCAT-AP_IT);
# to be confirmed by the administration's open-data office.
OPENDATA_CODICE_IPA = env.str("OPENDATA_CODICE_IPA", default="cm_bo")
# How long an invitation link stays valid, in seconds.
INVITO_VALIDITA = env.int("INVITO_VALIDITA", default=7 * 24 * 3600)
# Largest PDF (signed convenzioni, agreements) the partnership forms accept.
PARTNERSHIP_PDF_MAX_BYTES = 10 * 1024 * 1024

# --- SPID / CIE login (alternanza.spid) ---------------------------------------------------------
# Off unless the service provider's certificate and key are given: without them the buttons are absent
# and every /spid/ URL answers 404. SPID_CERT_FILE / SPID_KEY_FILE are paths to PEM files (mounted
# secrets); README "Accesso con SPID e CIE" says how a deployment gets them and registers with AgID.
SPID_CERT_FILE = env.str("SPID_CERT_FILE", default="")
SPID_KEY_FILE = env.str("SPID_KEY_FILE", default="")
for _nome_spid in ("SPID_CERT_FILE", "SPID_KEY_FILE"):
    _percorso_spid = vars()[_nome_spid]
    if _percorso_spid and not Path(_percorso_spid).is_file():
        raise ImproperlyConfigured(f"{_nome_spid}={_percorso_spid} is not a readable file.")
SPID_ATTIVO = bool(SPID_CERT_FILE and SPID_KEY_FILE)
# The SP's entityID (also the Issuer of its requests); defaults to the portal's address.
SPID_ENTITY_ID = env.str("SPID_ENTITY_ID", default=SITE_URL)
# Level asked of SPID identity providers: 2 (default; counts as second factor) or 1 (only for roles
# that need no second factor: staff and offices are then refused).
SPID_LIVELLO = env.int("SPID_LIVELLO", default=2)
if SPID_LIVELLO not in (1, 2):
    raise ImproperlyConfigured("SPID_LIVELLO must be 1 or 2.")
# The AgID registry of SPID identity providers (aggregated SAML metadata), read by `manage.py
# aggiorna_idp_spid`; the IPA code of the SP's ContactPerson (the Città metropolitana's, as open data).
SPID_REGISTRO_URL = env.str(
    "SPID_REGISTRO_URL", default="https://registry.spid.gov.it/metadata/idp/spid-entities-idps.xml"
)
SPID_CODICE_IPA = env.str("SPID_CODICE_IPA", default=OPENDATA_CODICE_IPA)
SPID_CONTATTO_EMAIL = env.str("SPID_CONTATTO_EMAIL", default=PORTALE["email_contatti"])
SPID_CONTATTO_TELEFONO = env.str("SPID_CONTATTO_TELEFONO", default="")
SPID_ORGANIZZAZIONE = env.str("SPID_ORGANIZZAZIONE", default="Città metropolitana di Bologna")
SPID_ORGANIZZAZIONE_URL = env.str("SPID_ORGANIZZAZIONE_URL", default=PORTALE["ente_url"])
# "Entra con CIE" (CIE ID's SAML 2.0 interface, same SP key and entityID as SPID): on with SPID when the
# metadata of the CIE identity provider is given as a file (the repository ships the Ministry's production
# and pre-production ones in alternanza/spid/dati/). CIE's metadata need the SP's comune (cadastral code)
# and province in the ContactPerson extensions.
CIE_IDP_METADATA_FILE = env.str("CIE_IDP_METADATA_FILE", default="")
if CIE_IDP_METADATA_FILE and not Path(CIE_IDP_METADATA_FILE).is_file():
    raise ImproperlyConfigured(f"CIE_IDP_METADATA_FILE={CIE_IDP_METADATA_FILE} is not a readable file.")
CIE_ATTIVO = SPID_ATTIVO and bool(CIE_IDP_METADATA_FILE)
CIE_CODICE_COMUNE = env.str("CIE_CODICE_COMUNE", default="A944")  # Bologna
CIE_PROVINCIA = env.str("CIE_PROVINCIA", default="BO")
# Tolerated clock difference with the identity providers, in seconds.
SPID_TOLLERANZA_OROLOGIO = env.int("SPID_TOLLERANZA_OROLOGIO", default=60)
XMLSEC1_PATH = env.str("XMLSEC1_PATH", default="/usr/bin/xmlsec1")
