"""Settings shared by every mode; values come from the environment."""

import os
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


DEV_SECRET_KEY = "django-insecure-dev-only-never-use-in-production"  # noqa: S105
SECRET_KEY = os.environ.get("SECRET_KEY", DEV_SECRET_KEY)
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
# The portal's address as the public reaches it, for the links in mail (receipts, notices to
# applicants), which have no request to take it from: SITE_URL, else the first allowed host (the
# development server's address on a developer's machine).
SITE_URL = (os.environ.get("SITE_URL") or (
    f"http://{ALLOWED_HOSTS[0]}" if ALLOWED_HOSTS and ALLOWED_HOSTS[0] not in ("127.0.0.1", "localhost", "*")
    else "http://127.0.0.1:8000")).rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    # The queue of Django's Tasks framework, kept in the portal's own database (see TASKS below).
    "django_tasks_db",
    # The rich-text editor's static files (disclosure/core/rich_text.py).
    "django_prose_editor",
    # The domain, one app per part; dependencies run down this list (docs/architecture.md).
    "disclosure.core",
    "disclosure.access",
    "disclosure.catalogue",
    "disclosure.workcalendar",
    "disclosure.items",
    "disclosure.disclosure_requests",
    "disclosure.feedback",
    "disclosure.annual_reports",
    "disclosure.site",
    "disclosure.backoffice",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "disclosure.core.middleware.DatabaseUnavailableMiddleware",
    # Marks an anonymous public GET, which may read from a replica, before anything reads
    # (disclosure/core/replica.py; without DATABASE_REPLICA_URL nothing reads the mark).
    "disclosure.core.replica.ReplicaReadsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Cache-Control on every answer; above the session, CSRF and page-cache middleware so that it
    # sees their cookies and the pages served from cache (disclosure/core/cache_headers.py says why).
    "disclosure.core.cache_headers.CacheHeadersMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Anonymous GETs of public pages from the shared cache: above the session, locale, CSRF, auth
    # and messages middleware, so that a hit costs none of their work (disclosure/core/cache.py).
    "disclosure.core.cache.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "disclosure.access.middleware.StaffTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

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
                "django.template.context_processors.csp",
                "disclosure.core.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# Several test runs may share one PostgreSQL server: each can name its own test database.
if os.environ.get("TEST_DATABASE_NAME"):
    DATABASES["default"]["TEST"] = {"NAME": os.environ["TEST_DATABASE_NAME"]}
# A streaming replica of the primary for anonymous public reads; staff, every POST, commands and
# tasks stay on the primary (disclosure/core/replica.py holds the rule and says why).
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"],
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
    # A test run reads the one test database through both aliases.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["disclosure.core.replica.PrimaryReplicaRouter"]
# For this long after a change to public content, public reads stay on the primary: longer than the
# replica's usual replication lag, or a page rendered from the replica may show what was just withdrawn.
REPLICA_LAG_SECONDS = int(os.environ.get("DATABASE_REPLICA_LAG_SECONDS", "10"))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
# The portal's own Chinese for what Django and the security libraries ship untranslated.
LOCALE_PATHS = [BASE_DIR / "locale"]
# One date style in the back office (portal/formats/zh_Hans/formats.py says which).
FORMAT_MODULE_PATH = ["portal.formats"]
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            # Several sites (or test runs) may share one Redis server.
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", ""),
            "OPTIONS": {
                # A Redis outage must not take the site down: cache misses instead of errors.
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 1,
                "SOCKET_TIMEOUT": 1,
            },
        }
    }
    # Sessions in the database, read through the shared cache: any web replica serves any visitor.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # A per-process cache would let replicas disagree about a session: the database alone.
    SESSION_ENGINE = "django.contrib.sessions.backends.db"
# How long shared caches (nginx's micro-cache, a CDN) and browsers may keep a public page: a
# withdrawn item may still be seen that long. nginx counts in whole seconds (a copy of max-age N
# stays fresh N to N + 1 s), and other web processes see a purge within the page cache's generation
# memo (0.5 s, disclosure/core/cache.py): 1 keeps the total under the 3 s the office is promised.
# Under a crowd nginx still asks Django for each page about once a second, whatever the crowd.
PUBLIC_PAGE_MAX_AGE = int(os.environ.get("PUBLIC_PAGE_MAX_AGE", "1"))
# The page cache stores pages only in a cache every web process shares (Redis), since a purge must
# reach them all; with local memory it stays off unless this says the site runs in one process.
PUBLIC_PAGE_CACHE_SINGLE_PROCESS = env_bool("PUBLIC_PAGE_CACHE_SINGLE_PROCESS", False)

# Mail (Django's MAILERS): console by default; EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend
# with EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS for a real server.
# Every mail goes through the outbox (disclosure/core/mail.py) and is sent by the task worker; the
# timeout keeps a mail server that never answers from holding the worker.
def mailers(default_backend: str) -> dict:
    """MAILERS from the environment: EMAIL_BACKEND (else `default_backend`) and, for SMTP, its server."""
    backend = os.environ.get("EMAIL_BACKEND", default_backend)
    config: dict = {"BACKEND": backend}
    if backend.endswith("smtp.EmailBackend"):
        config["OPTIONS"] = {
            "host": os.environ.get("EMAIL_HOST", "localhost"),
            "port": int(os.environ.get("EMAIL_PORT", "25")),
            "username": os.environ.get("EMAIL_HOST_USER", ""),
            "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
            "use_tls": env_bool("EMAIL_USE_TLS", False),
            "timeout": int(os.environ.get("EMAIL_TIMEOUT", "20")),
        }
    return {"default": config}


MAILERS = mailers("django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "xxgk@example.edu.cn")

LOGIN_URL = "admin:login"

# ---- Background work: Django's Tasks framework (docs/deploy.md) ----
# The queue lives in the portal's database (django-tasks-db): nothing more to run than
# `python manage.py db_worker`. TASKS_BACKEND may name another backend, for many workers
# django_tasks_rq.RQBackend on the Redis the stack already has.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}
if TASKS["default"]["BACKEND"] == "django_tasks_rq.RQBackend":
    # `pip install -e '.[rq]'`; workers: `python manage.py rqworker --with-scheduler
    # --job-class django_tasks_rq.Job default` (the scheduler runs the retries that wait).
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    RQ_QUEUES = {"default": {"URL": REDIS_URL or "redis://127.0.0.1:6379/0"}}
# One outbox for every mail (disclosure/core/mail.py): a mail the server refused waits and is tried
# again after MAIL_RETRY_SECONDS * 2**(attempt-1), at most MAIL_RETRY_MAX_SECONDS apart; after
# MAIL_MAX_ATTEMPTS it is marked failed for the office, who may send it again from the admin.
MAIL_MAX_ATTEMPTS = int(os.environ.get("MAIL_MAX_ATTEMPTS", "8"))
MAIL_RETRY_SECONDS = int(os.environ.get("MAIL_RETRY_SECONDS", "60"))
MAIL_RETRY_MAX_SECONDS = int(os.environ.get("MAIL_RETRY_MAX_SECONDS", "3600"))

# ---- Security: content policy, login lockout, two-factor (see docs/security.md) ----
# No inline script anywhere: scripts come from our static files, or carry the per-response nonce.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    # Item bodies may show images from the university's other sites.
    "img-src": [CSP.SELF, "data:", "https:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out client before the password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.5"))  # hours
# Locked per account and address together: five failures for one account behind a campus NAT must
# not lock every other account out of the same address (each account is guessed from one place).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_TEMPLATE = "lockout.html"
AXES_HTTP_RESPONSE_CODE = 429
# The same client address as the public rate limits (X-Forwarded-For only behind our proxy).
AXES_CLIENT_IP_CALLABLE = "disclosure.core.ratelimit.client_address"
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "信息公开网")
# The admin never shows a device's secret key or its QR code: whoever reads it has the second factor.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Token first: an anonymous call is then told 401 with a WWW-Authenticate header, not 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # JSON only: the documentation page at /api/v1/docs/ is the human view (the browsable API
    # needs inline script, which the content policy forbids).
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "EXCEPTION_HANDLER": "disclosure.api.exceptions.api_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # A client posting a form or a file where JSON is expected gets a 415, not a surprise.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DATETIME_FORMAT": "iso-8601",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "高校信息公开网 API",
    "DESCRIPTION": "主动公开信息、信息公开事项清单、公开渠道、依申请公开与年度报告的开放数据接口。",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ItemStatusEnum": "disclosure.items.models.DisclosureItem.Status",
        "RequestStatusEnum": "disclosure.disclosure_requests.models.DisclosureRequest.Status",
        "ReplyReasonEnum": "disclosure.disclosure_requests.models.ReplyReason",
    },
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "disclosure.api.schema.add_error_responses",
        "disclosure.api.schema.state_constraints",
        "disclosure.api.schema.add_links",
    ],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {"jieba": {"level": "WARNING"}},
}

# ---- The portal's own rules (see ../shared/domain/rules.md for their sources) ----
DISCLOSURE = {
    "UNIVERSITY_NAME": os.environ.get("UNIVERSITY_NAME", "示范大学"),
    "SITE_NAME": os.environ.get("SITE_NAME", "信息公开网"),
    "OFFICE_NAME": os.environ.get("OFFICE_NAME", "党政办公室"),
    # These three are the defaults until the office saves 网站设置 in the admin (disclosure.site
    # SiteSettings): from then on the pages, letters and reports read the saved values.
    # 教育部学校标识码: the first part of every item's index number (索引号).
    "UNIVERSITY_CODE": os.environ.get("UNIVERSITY_CODE", "4100000000"),
    # Working days allowed to publish proactive information after it was produced (national ceiling 20).
    "PUBLISH_WITHIN_WORKDAYS": 15,
    # Working days allowed to update published information after it changed.
    "UPDATE_WITHIN_WORKDAYS": 20,
    # A deadline this many working days away or fewer counts as "due soon".
    "DUE_SOON_WORKDAYS": 3,
    # Request clock.
    "REQUEST_REPLY_WORKDAYS": 15,
    "REQUEST_EXTENSION_MAX_WORKDAYS": 15,
    "REQUEST_CORRECTION_WITHIN_WORKDAYS": 7,
    "THIRD_PARTY_REPLY_WORKDAYS": 15,
    # Submissions after this hour (local time) count as received on the next working day.
    "OFFICE_CLOSES_AT_HOUR": 17,
    # Attachments.
    "ATTACHMENT_MAX_BYTES": int(os.environ.get("ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024)),
    "ATTACHMENT_EXTENSIONS": [
        "pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "wps", "et", "ofd", "txt",
        "jpg", "jpeg", "png", "gif", "zip", "rar", "7z",
    ],
    # The first academic year a yearly report may be about; the last is the year after this one
    # (disclosure/annual_reports/years.py): any other year in a report URL or the API is a 404.
    "REPORT_FIRST_YEAR": 2000,
    # Text extraction from attachments for search (disclosure/items/extract.py): larger files are not
    # read; a file whose extraction runs longer than the time limit fails its own task; the text kept
    # per attachment is cut at the character limit; an office file may unpack to at most that many bytes.
    "ATTACHMENT_TEXT_MAX_BYTES": int(os.environ.get("ATTACHMENT_TEXT_MAX_BYTES", 20 * 1024 * 1024)),
    "ATTACHMENT_TEXT_SECONDS": int(os.environ.get("ATTACHMENT_TEXT_SECONDS", 60)),
    "ATTACHMENT_TEXT_MAX_CHARS": int(os.environ.get("ATTACHMENT_TEXT_MAX_CHARS", 200_000)),
    "ATTACHMENT_UNPACKED_MAX_BYTES": int(os.environ.get("ATTACHMENT_UNPACKED_MAX_BYTES", 100 * 1024 * 1024)),
    # Applicants of requests closed longer than this are anonymised by `anonymise_requests`.
    "REQUEST_RETENTION_YEARS": 5,
    # The opinion box (意见箱): working days to answer; senders of opinions answered longer ago than
    # the retention period (default: that of requests) are anonymised by `anonymise_opinions`.
    "OPINION_REPLY_WORKDAYS": 15,
    "OPINION_RETENTION_YEARS": 5,
    # Survey answer sheets accepted per client address and hour: a campus shares few addresses
    # behind NAT, so this is far above the one sheet per browser the cookie asks for.
    "SURVEY_SUBMIT_LIMIT": 30,
}
