"""gunicorn settings for the IREN Portal, all from the environment (see docs/DEPLOY.md).

Workers are threaded (gthread) by default: the arbiter's ``timeout`` then watches each worker's
main loop, not each request, so a long streamed CSV export is not killed half-way (a sync
worker holding one request for longer than ``timeout`` is, and the client sees a 200 with a
cut-off body). The timeout is generous all the same, for anyone who sets GUNICORN_THREADS=1.
"""

import gc
import json
import multiprocessing
import os
import time

from gunicorn.glogging import Logger


def _int(name, default):
    return int(os.environ.get(name, default))


bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# One process per core and one more, each of GUNICORN_THREADS threads: a process whose threads
# all wait on PostgreSQL or Redis leaves its core to the extra one. On 2 cores under the load
# bench this served the most requests within a p95 of 500 ms (docs/DEPLOY.md).
workers = _int("WEB_CONCURRENCY", multiprocessing.cpu_count() + 1)
threads = _int("GUNICORN_THREADS", 4)
worker_class = "gthread" if threads > 1 else "sync"
# Seconds a worker may stay silent before the arbiter restarts it (see above).
timeout = _int("GUNICORN_TIMEOUT", 300)
# On SIGHUP / SIGTERM, requests in flight (exports included) get this long to finish.
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 120)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Recycle each worker after this many requests (jittered so they don't all restart together):
# bounds the memory of a long-lived process. Not sooner: a new worker imports the application
# again and starts with cold per-process caches (compiled statements, rights, vocabularies,
# templates); recycling every 1,000 requests cost a third of the throughput under the load
# bench (docs/DEPLOY.md, "Sizing the web workers").
max_requests = _int("GUNICORN_MAX_REQUESTS", 20000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 2000)
# The proxy that may set X-Forwarded-* headers (the reverse proxy on the same host by default).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
proc_name = "iren-portal"


# The collector's young generation, in allocations between collections (Python's default is
# 700): a request allocates tens of thousands of short-lived objects, most freed by reference
# counting, so the default ran dozens of collections per request.
GC_THRESHOLDS = (_int("GUNICORN_GC_THRESHOLD", 20000), 20, 50)


def post_worker_init(worker):
    """Move everything loaded so far (Django, the apps, their modules) out of the collector's
    sight: the full collections that walked all of it, a few milliseconds each, were about
    2 ms of CPU per request on average (bench/cpu_per_request.py). Objects of requests are
    collected as before."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


class JsonAccessLogger(Logger):
    """One JSON object per request on stdout: parseable without a format string, safe with any
    header value (gunicorn's own format would need escaping)."""

    def access(self, resp, req, environ, request_time):
        if not (self.cfg.accesslog or self.cfg.logconfig or self.cfg.syslog):
            return
        status = resp.status.split(None, 1)[0] if isinstance(resp.status, str) else resp.status
        headers = dict((name.lower(), value) for name, value in (resp.headers or []))
        line = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "logger": "gunicorn.access",
            "remote_addr": environ.get("REMOTE_ADDR", ""),
            "forwarded_for": environ.get("HTTP_X_FORWARDED_FOR", ""),
            "method": environ.get("REQUEST_METHOD", ""),
            "path": environ.get("PATH_INFO", ""),
            "query": environ.get("QUERY_STRING", ""),
            "status": int(status),
            # Files handed to sendfile() (whitenoise) are not counted in resp.sent.
            "bytes": getattr(resp, "sent", 0) or int(headers.get("content-length") or 0),
            "duration_ms": round(request_time.total_seconds() * 1000, 1),
            "request_id": headers.get("x-request-id") or environ.get("HTTP_X_REQUEST_ID", ""),
            "user_agent": environ.get("HTTP_USER_AGENT", ""),
        }
        try:
            self.access_log.info(json.dumps(line, ensure_ascii=False))
        except Exception:  # logging must never fail a request
            self.exception("could not write the access log line")


logger_class = JsonAccessLogger
