"""Gunicorn for the fact-check desk: `gunicorn -c gunicorn.conf.py factcheck.wsgi`
(bin/start does this when DEBUG=false). Every value can be changed from the environment.

Sizing for the 2-core machines this runs on (README "Production"):
- workers = 2, one process per core. Not the usual 2 x cores + 1: each worker holds its own
  sentence encoder for link search (torch + MiniLM, about 0.4 GB once warm), and on a
  single-host install the Celery workers share the same two cores, so more processes would
  only add memory and contention, not throughput.
- threads = 4 per worker (the gthread worker): a page spends most of its time waiting on
  PostgreSQL, so threads overlap those waits cheaply; 2 x 4 = 8 requests in flight. The
  CPU-heavy part of link search runs on the encoder's own thread and releases the GIL.
  Measured (docs/benchmarks.md, "Page costs"): 2 x 8 threads served the review pages no faster
  than 2 x 4 (20.6 against 21.8 req/s, 8 clients, 200,000 claims): the two cores are the limit.
  Re-measure with `benchmarks/review_pages.py --http --web-threads N` or `load.py --web-threads N`.
- No preload_app: factcheck/wsgi.py starts a background thread that warms the encoder, and a
  thread does not survive fork. Each worker imports the app itself after the fork, so each
  worker process warms its encoder once at start (LINK_WARM_WEB), as before.
- No max_requests: a recycled worker would load and warm the encoder again (15-20 s of CPU).
"""

import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_WORKERS", "2"))
threads = int(os.environ.get("WEB_THREADS", "4"))
worker_class = "gthread"
preload_app = False
# A request that takes longer than this is stuck (the slowest pages answer in well under a
# second); the worker is replaced. Link search can wait for a cold encoder, hence 60 not 30.
timeout = int(os.environ.get("WEB_TIMEOUT", "60"))
graceful_timeout = 30
# Behind a TLS proxy that keeps connections open to us.
keepalive = 5
# The proxy's address: only it may set X-Forwarded-For/-Proto (README "Production").
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# Django logs every request itself (factcheck.ops.middleware.request_log, with the request
# id), so gunicorn's access log stays off; its own messages go to stderr as JSON lines too.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        }
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}},
    "loggers": {
        "gunicorn.error": {"handlers": ["console"], "level": loglevel.upper(), "propagate": False},
        "gunicorn.access": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}
