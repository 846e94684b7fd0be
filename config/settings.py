"""Settings for 干训, all taken from the environment.

Development is the default and needs nothing set.  With ``DJANGO_ENV=production`` the
settings refuse to start without ``SECRET_KEY`` and ``ALLOWED_HOSTS`` and turn on every
``check --deploy`` protection.
"""

import ipaddress
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("GANXUN_VAR_DIR", BASE_DIR / "var"))

ENVIRONMENT = os.environ.get("DJANGO_ENV", "development")
PRODUCTION = ENVIRONMENT == "production"
# Off unless a developer asks for it: the debug page shows code, settings and data to whoever hits an error.
DEBUG = os.environ.get("DJANGO_DEBUG", "0") == "1"

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set when DJANGO_ENV=production.")
    SECRET_KEY = "django-insecure-development-only-key-not-for-production-use-0123456789"

ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h]
if not ALLOWED_HOSTS:
    if PRODUCTION:
        raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DJANGO_ENV=production.")
    ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver", "[::1]"]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "axes",
    "ganxun.core",
    "ganxun.accounts",
    "ganxun.roster",
    "ganxun.audit",
    "ganxun.hours",
    "ganxun.training",
    "ganxun.attendance",
    "ganxun.practice",
    "ganxun.online",
    "ganxun.microclass",
    "ganxun.study",
    "ganxun.lectures",
    "ganxun.plans",
    "ganxun.nominations",
    "ganxun.menu",
    "ganxun.rotation",
    "ganxun.reception",
    "ganxun.sites",
    "ganxun.reminders",
    "ganxun.orgstats",
    "ganxun.dashboard",
    "ganxun.yearend",
    "ganxun.demo",  # load_demo and bench_data: above every domain app, imported by none
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "ganxun.core.middleware.ClientAddressMiddleware",
    "ganxun.core.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "ganxun.accounts.idle.IdleTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # Last, as django-axes asks: it turns a lockout into its response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "ganxun" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ganxun.core.context_processors.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'ganxun.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside the writer; IMMEDIATE takes the write lock when a
    # transaction begins, so concurrent writers queue (up to the timeout) instead of
    # failing half-way with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts and security ----------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "ganxun.accounts.backends.AccountBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "ganxun.accounts.validators.CharacterClassesValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "ganxun.accounts.validators.NoPersonalNameValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "ganxun.accounts.validators.NotCurrentPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# A session ends after SESSION_IDLE_SECONDS without a request, and in any case SESSION_MAX_SECONDS after the
# login.  The idle clock is a signed last-seen cookie renewed on every response (ganxun/accounts/idle.py), so
# reading a page never writes the session: on SQLite a write would queue behind any long import.
SESSION_IDLE_SECONDS = int(os.environ.get("SESSION_IDLE_SECONDS", "1800"))
SESSION_MAX_SECONDS = int(os.environ.get("SESSION_MAX_SECONDS", str(12 * 3600)))
SESSION_COOKIE_AGE = SESSION_MAX_SECONDS
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# The reverse proxies (IPs or networks, comma-separated) whose X-Forwarded-For is believed; empty: none, the
# peer's address is the client's.  Lockout and the audit trail are keyed on the address this yields.
TRUSTED_PROXIES = [p for p in os.environ.get("TRUSTED_PROXIES", "").replace(",", " ").split() if p]
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        raise ImproperlyConfigured(f"TRUSTED_PROXIES: {_proxy!r} is not an IP address or network.") from None

AXES_FAILURE_LIMIT = 5
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "ganxun.accounts.views.lockout_response"
AXES_USERNAME_FORM_FIELD = "username"
AXES_VERBOSE = False
# The client's address behind trusted proxies (TRUSTED_PROXIES), not the proxy's.
AXES_CLIENT_IP_CALLABLE = "ganxun.core.middleware.client_ip"
# Resetting lockouts (commands, admin) is audited; axes' own admin is replaced by a Chinese, audited one.
AXES_HANDLER = "ganxun.accounts.lockout.AuditedAxesHandler"
AXES_ENABLE_ADMIN = False

SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
if PRODUCTION:
    # Behind a TLS-terminating proxy; set SECURE_SSL_REDIRECT=0 only on a closed intranet
    # where the proxy itself redirects.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = os.environ.get("SECURE_SSL_REDIRECT", "1") == "1"
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_HTTPONLY = True

# --- Language and time ----------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# --- Static files: Bootstrap, icons and PDF.js come pinned from npm (package-lock.json) -----------
STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", NODE_MODULES / "bootstrap-icons" / "font"),
    # PDF.js shows a 微课堂 document in the browser (pdf.min.mjs with its worker pdf.worker.min.mjs).
    ("vendor/pdfjs", NODE_MODULES / "pdfjs-dist" / "build"),
    # Its character maps and standard font data: a Chinese PDF whose fonts are not embedded (宋体 named by an
    # encoding such as UniGB-UCS2-H, common in documents from older office software) is drawn only with them.
    ("vendor/pdfjs-cmaps", NODE_MODULES / "pdfjs-dist" / "cmaps"),
    ("vendor/pdfjs-fonts", NODE_MODULES / "pdfjs-dist" / "standard_fonts"),
    # ECharts draws the home page's charts (dist/echarts.min.js, the whole library as one script).
    ("vendor/echarts", NODE_MODULES / "echarts" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Outside production (make demo runs runserver with DEBUG off) WhiteNoise serves the files straight from the
# apps and node_modules, so the demo is styled without collectstatic.
WHITENOISE_USE_FINDERS = not PRODUCTION
MEDIA_ROOT = VAR_DIR / "media"
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# Every upload passes the size limit of its view while it arrives: nothing past the limit is kept.
FILE_UPLOAD_HANDLERS = [
    "ganxun.core.excel.UploadLimitHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# --- The product's own settings ----------------------------------------------------------------
GANXUN = {
    # Roster import limits: an upload larger than this or with more rows is refused early.
    "IMPORT_MAX_BYTES": int(os.environ.get("IMPORT_MAX_BYTES", str(10 * 1024 * 1024))),
    "IMPORT_MAX_ROWS": int(os.environ.get("IMPORT_MAX_ROWS", "50000")),
    # Uncompressed size ceiling of an .xlsx (a zip): guards against zip bombs.
    "IMPORT_MAX_UNCOMPRESSED_BYTES": int(os.environ.get("IMPORT_MAX_UNCOMPRESSED_BYTES", str(200 * 1024 * 1024))),
    # Every import (roster, attendance) reads no more than this: one part of the zip unpacked (a sheet), the
    # shared strings unpacked (held in memory whole), and columns (cells further right are not read).
    "IMPORT_MAX_PART_BYTES": int(os.environ.get("IMPORT_MAX_PART_BYTES", str(100 * 1024 * 1024))),
    "IMPORT_MAX_SHARED_STRINGS_BYTES": int(os.environ.get("IMPORT_MAX_SHARED_STRINGS_BYTES", str(32 * 1024 * 1024))),
    "IMPORT_MAX_COLUMNS": int(os.environ.get("IMPORT_MAX_COLUMNS", "256")),
    # Any uploaded file whose view declares no limit of its own (ganxun.core.excel.upload_limit).
    "UPLOAD_MAX_BYTES": int(os.environ.get("UPLOAD_MAX_BYTES", str(20 * 1024 * 1024))),
    # 青年干部: this age or younger.
    "YOUNG_CADRE_MAX_AGE": int(os.environ.get("YOUNG_CADRE_MAX_AGE", "35")),
    # QR check-in: the code on the screen changes this often (the previous one is still accepted); check-in
    # opens this many minutes before a session starts and closes this many after it ends; a scan made while
    # the code was valid still counts this long later (time to log in on the phone).
    # The address phones reach the app at, for the check-in QR code (e.g. https://ganxun.fgj.gov.cn); empty:
    # the address the projector screen was opened with.
    "PUBLIC_BASE_URL": os.environ.get("PUBLIC_BASE_URL", "").rstrip("/"),
    "CHECKIN_TOKEN_SECONDS": int(os.environ.get("CHECKIN_TOKEN_SECONDS", "45")),
    "CHECKIN_OPENS_MINUTES_BEFORE": int(os.environ.get("CHECKIN_OPENS_MINUTES_BEFORE", "30")),
    "CHECKIN_CLOSES_MINUTES_AFTER": int(os.environ.get("CHECKIN_CLOSES_MINUTES_AFTER", "0")),
    "CHECKIN_SCAN_GRACE_SECONDS": int(os.environ.get("CHECKIN_SCAN_GRACE_SECONDS", "600")),
}
# Evaluation of class and lecture sessions (kinds marked so) is open by default until this many days after the
# session ends; the administrator may change or clear it per session.
GANXUN["EVALUATION_OPEN_DAYS"] = int(os.environ.get("EVALUATION_OPEN_DAYS", "3"))
# 微课堂: the player's heartbeat interval and the lateness forgiven (a heartbeat credits at most their sum), and
# the largest lesson file accepted (a recorded lecture is large).
MICROCLASS_HEARTBEAT_SECONDS = int(os.environ.get("MICROCLASS_HEARTBEAT_SECONDS", "5"))
MICROCLASS_HEARTBEAT_GRACE_SECONDS = int(os.environ.get("MICROCLASS_HEARTBEAT_GRACE_SECONDS", "2"))
MICROCLASS_UPLOAD_MAX_BYTES = int(os.environ.get("MICROCLASS_UPLOAD_MAX_BYTES", str(500 * 1024 * 1024)))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
