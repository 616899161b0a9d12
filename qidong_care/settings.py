"""The one settings module. Everything that differs between machines comes from the environment.

Embedded defaults (no environment at all, `DEBUG=true`): SQLite under var/, a Celery broker on the
filesystem under var/celery/, e-mail to the console. Production sets DATABASE_URL, REDIS_URL,
SECRET_KEY, FIELD_ENCRYPTION_KEYS and FIELD_HASH_KEY; a malformed value stops the start with a
message naming the variable.
"""

import os
import sys
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

# Running under pytest: fast hashers and an in-memory cache (DESIGN.md, tests).
TESTING = "pytest" in sys.modules

env = environ.Env()


def _env_bool(name: str, default: bool) -> bool:
    raw = env.str(name, default=str(default)).strip().lower()
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off", ""}:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use true or false)")


def _env_int(name: str, default: int) -> int:
    raw = env.str(name, default=str(default)).strip()
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number") from None


def _code_only_command(argv: list[str]) -> bool:
    """`manage.py makemigrations`, `check` (not `--deploy`) or `collectstatic`: commands that read the
    code and never a child's record, so a build or a migrations check needs no production secret."""
    command = argv[1] if len(argv) > 1 and Path(argv[0]).name in {"manage.py", "django-admin"} else ""
    if command == "check":
        return "--deploy" not in argv
    return command in {"makemigrations", "collectstatic"}


DEBUG = _env_bool("DEBUG", False)
# Dev-only values are allowed while DEBUG is on, under the test runner, or for a code-only command;
# never when the site, a worker or any command that touches data runs in production.
EMBEDDED_DEFAULTS_ALLOWED = DEBUG or TESTING or _code_only_command(sys.argv)

if EMBEDDED_DEFAULTS_ALLOWED:
    SECRET_KEY = env.str("SECRET_KEY", default="dev-only-insecure-key-qidong-care-do-not-use-in-production")
else:
    SECRET_KEY = env.str("SECRET_KEY", default="")
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("SECRET_KEY must be set (at least 50 characters) when DEBUG is off")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "qidong_care.core.apps.QidongAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "django_filters",
    "simple_history",
    "axes",
    "import_export",
    "django_celery_results",
    "qidong_care.core",
    "qidong_care.accounts",
    "qidong_care.audit",
    "qidong_care.notifications",
    "registry",
    "agreements",
    "visits",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "qidong_care.accounts.middleware.SessionLimitsMiddleware",
    "qidong_care.accounts.middleware.PasswordChangeRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "qidong_care.core.middleware.SecurityHeadersMiddleware",
    "qidong_care.audit.middleware.AuditContextMiddleware",
    # Last, so that a locked-out login is answered after everything else has run.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "qidong_care.urls"
WSGI_APPLICATION = "qidong_care.wsgi.application"

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
                "qidong_care.core.context_processors.navigation",
                "qidong_care.notifications.context_processors.bell",
            ],
        },
    },
]

# --- Database: SQLite under var/ by default, DATABASE_URL for PostgreSQL -------------------------
DATABASE_URL = env.str("DATABASE_URL", default="")
if DATABASE_URL:
    try:
        DATABASES = {"default": env.db_url_config(DATABASE_URL)}
    except Exception as exc:  # django-environ raises several kinds on a bad URL
        raise ImproperlyConfigured(f"DATABASE_URL is malformed: {exc}") from None
    DATABASES["default"].setdefault("CONN_MAX_AGE", 0 if TESTING else 60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env.str("SQLITE_PATH", default=str(VAR_DIR / "qidong_care.sqlite3")),
            # The web process and the job worker share the file: WAL and a wait instead of "locked".
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: broker and cache when configured -----------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL and not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured(f"REDIS_URL={REDIS_URL!r} must start with redis://, rediss:// or unix://")

if TESTING:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
elif REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# --- Celery ---------------------------------------------------------------------------------------
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_ENABLE_UTC = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_BACKEND = "django-db"
CELERY_RESULT_EXTENDED = True
CELERY_TASK_ACKS_LATE = True  # a killed worker's job is redelivered, not lost
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
else:
    CELERY_BROKER_DIR = VAR_DIR / "celery"
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR / "queue"),
        "data_folder_out": str(CELERY_BROKER_DIR / "queue"),
        "processed_folder": str(CELERY_BROKER_DIR / "processed"),
        "control_folder": str(CELERY_BROKER_DIR / "control"),  # kombu's default is ./control
        "store_processed": False,
    }
# Tests run tasks in-process unless a test starts a real worker; that worker listens on a queue of
# the test process's own, so a site's worker on the same broker cannot take (and lose) its tasks.
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default=f"qidong-test-{os.getpid()}" if TESTING else "celery")
CELERY_TASK_ALWAYS_EAGER = TESTING
CELERY_TASK_EAGER_PROPAGATES = TESTING
# The periodic schedule lives in qidong_care/celery.py (one place, each entry with its time).

# --- Auth, sessions, login security (等保 2.0; SECURITY.md) ---------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "qidong_care.accounts.validators.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "qidong_care.accounts.validators.CharacterClassValidator"},
    {"NAME": "qidong_care.accounts.validators.NotUsernameValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = _env_int("SESSION_IDLE_SECONDS", 30 * 60)  # idle timeout: 30 minutes
SESSION_SAVE_EVERY_REQUEST = True  # each request pushes the idle deadline back
SESSION_ABSOLUTE_SECONDS = _env_int("SESSION_ABSOLUTE_SECONDS", 12 * 60 * 60)  # absolute: 12 hours
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.5  # hours: locked for 30 minutes, not for ever
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_USERNAME_FORM_FIELD = "username"
AXES_ENABLED = _env_bool("AXES_ENABLED", True)
AXES_VERBOSE = False
# 30 minutes from the 5th failure: retries during the lock do not prolong it (no endless lock by
# a third party hammering somebody's username).
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_CLIENT_IP_CALLABLE = "qidong_care.audit.request_context.client_ip"  # the same address as the audit trail

# --- Production transport security (HTTPS terminates at the front proxy) ------------------------
SECURE_HTTPS = _env_bool("SECURE_HTTPS", not EMBEDDED_DEFAULTS_ALLOWED)
SESSION_COOKIE_SECURE = SECURE_HTTPS
CSRF_COOKIE_SECURE = SECURE_HTTPS
SECURE_SSL_REDIRECT = SECURE_HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if SECURE_HTTPS else None
# How many proxies of our own stand in front (their X-Forwarded-For entries are trusted, no others).
TRUSTED_PROXY_COUNT = _env_int("TRUSTED_PROXY_COUNT", 1 if SECURE_HTTPS else 0)
SECURE_HSTS_SECONDS = 31536000 if SECURE_HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HTTPS
SECURE_HSTS_PRELOAD = SECURE_HTTPS
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_COOKIE_HTTPONLY = True

# --- Field encryption (personal information of minors, PIPL art. 28/31) --------------------------
# FIELD_ENCRYPTION_KEYS: comma-separated "id:base64key" pairs, newest first (rotation: SECURITY.md).
# FIELD_HASH_KEY: base64 key of the keyed hash used to look records up by ID number.
_DEV_ENCRYPTION_KEYS = "dev1:ZGV2LW9ubHkta2V5LXFpZG9uZy1jYXJlLTMyYnl0ZXM="
_DEV_HASH_KEY = "ZGV2LW9ubHktaGFzaC1rZXktcWlkb25nLWNhcmUtMzI="
FIELD_ENCRYPTION_KEYS = env.str(
    "FIELD_ENCRYPTION_KEYS", default=_DEV_ENCRYPTION_KEYS if EMBEDDED_DEFAULTS_ALLOWED else ""
)
FIELD_HASH_KEY = env.str("FIELD_HASH_KEY", default=_DEV_HASH_KEY if EMBEDDED_DEFAULTS_ALLOWED else "")
if not FIELD_ENCRYPTION_KEYS or not FIELD_HASH_KEY:
    raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS and FIELD_HASH_KEY must be set when DEBUG is off")

# --- The notice's rules, as settings with its values as defaults (DOMAIN.md) ---------------------
HOME_COUNTY_CODE = "320681"  # 启东市
LEFT_BEHIND_MIN_MONTHS_AWAY = _env_int("LEFT_BEHIND_MIN_MONTHS_AWAY", 3)  # 通知 二.1: 3个月以上
LEFT_BEHIND_REQUIRE_CROSS_COUNTY = _env_bool("LEFT_BEHIND_REQUIRE_CROSS_COUNTY", True)  # 通知 二.1: 跨县域
LEFT_BEHIND_INCAPABLE_STATUSES = env.list(
    "LEFT_BEHIND_INCAPABLE_STATUSES",
    default=[
        "deceased",
        "missing",
        "imprisoned",
        "seriously_ill",
        "severely_disabled",
        "drug_rehab",
        "other_incapable",
    ],
)
# 通知 二.4: deadlines of escalation referrals.
REFERRAL_POLICE_HOURS = _env_int("REFERRAL_POLICE_HOURS", 24)
REFERRAL_EDUCATION_WORKING_DAYS = _env_int("REFERRAL_EDUCATION_WORKING_DAYS", 3)
REFERRAL_ASSISTANCE_WORKING_DAYS = _env_int("REFERRAL_ASSISTANCE_WORKING_DAYS", 10)

# Called after any write to children's archives (form, visit, import), in this order, with the
# changed children: downstream apps react (agreements to re-sign, referrals to open) without the
# registry importing them. Each is "module.function(children, *, source, user)".
ARCHIVE_CHANGE_HANDLERS: list[str] = [
    "agreements.services.agreements_on_archive_change",  # 通知 二.2: carer changed → 需重签; exit → 已终止
    "visits.escalation.referrals_on_archive_change",  # 通知 二.4: findings in an archive open referrals
]

# Sections other apps add to a child's archive page (agreements, visits), in this order. Each is
# "module.function(request, child)" returning {"template": "...", **context} or None.
ARCHIVE_SECTIONS: list[str] = [
    "agreements.sections.agreement_section",  # 通知 二.2: the care agreement, its parties and dates
    "visits.sections.visits_section",  # 通知 二.4: the last visits and the open referrals
]

# --- Roster import limits (ROSTER.md, safety) -----------------------------------------------------
ROSTER_MAX_UPLOAD_BYTES = _env_int("ROSTER_MAX_UPLOAD_BYTES", 50 * 1024 * 1024)
ROSTER_MAX_ROWS = _env_int("ROSTER_MAX_ROWS", 200_000)
ROSTER_MAX_UNCOMPRESSED_BYTES = _env_int("ROSTER_MAX_UNCOMPRESSED_BYTES", 500 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Language, time ------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

# --- Static and media ----------------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
WHITENOISE_USE_FINDERS = DEBUG or TESTING  # serve from static/ without collectstatic while developing
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if (DEBUG or TESTING)
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
MEDIA_URL = "/media/"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- E-mail: console in the embedded default ------------------------------------------------------
EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.console.EmailBackend"
    if EMBEDDED_DEFAULTS_ALLOWED
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = _env_int("EMAIL_PORT", 25)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="qidong-care@localhost")

DEMO_PASSWORD = env.str("DEMO_PASSWORD", default="Qidong@2026")

# --- Logging: never a full ID number (the audit and privacy rules apply to logs too) -------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_pii": {"()": "qidong_care.core.logging.MaskPersonalDataFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["mask_pii"]}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Lockout is by username on purpose (issue 8: "not by IP alone"; towns share NAT addresses).
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
