"""gunicorn settings for 干训 in production: ``gunicorn -c config/gunicorn.conf.py``.

Every value can be overridden from the environment (``GUNICORN_CMD_ARGS`` or the variables below).
Static files are served by WhiteNoise inside the application, so no separate static server is needed.
"""

import multiprocessing
import os

wsgi_app = "config.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Synchronous workers: the app is short requests against one database.  On SQLite keep this small
# (WAL + IMMEDIATE transactions let the writers queue); on PostgreSQL scale with the cores.
workers = int(os.environ.get("WEB_CONCURRENCY", min(multiprocessing.cpu_count() * 2 + 1, 8)))
# A large roster import is validated in one request.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = 30
# Recycle workers now and then so that a slow leak cannot grow without bound.
max_requests = 2000
max_requests_jitter = 200
# The TLS-terminating proxy in front sets X-Forwarded-Proto; trust it only from these addresses: the same
# proxies the application believes X-Forwarded-For from (TRUSTED_PROXIES), unless set apart.
forwarded_allow_ips = (
    os.environ.get("FORWARDED_ALLOW_IPS")
    or ",".join(os.environ.get("TRUSTED_PROXIES", "").replace(",", " ").split())
    or "127.0.0.1"
)
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")


def _without_server_header(default_headers):
    def headers(self):
        return [line for line in default_headers(self) if not line.lower().startswith("server:")]

    return headers


def post_worker_init(worker):
    """Say nothing about the server software: gunicorn has no setting for its ``Server`` header, so each worker
    drops it from the headers it writes (an attacker learns nothing to look up vulnerabilities by)."""
    from gunicorn.http import wsgi

    if not getattr(wsgi.Response.default_headers, "ganxun_without_server", False):
        wsgi.Response.default_headers = _without_server_header(wsgi.Response.default_headers)
        wsgi.Response.default_headers.ganxun_without_server = True
