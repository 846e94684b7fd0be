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
# The TLS-terminating proxy in front sets X-Forwarded-Proto; trust it only from these addresses.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
