"""Probes and the request log line.

`probes` answers /healthz and /readyz before the host check, the HTTPS redirect, sessions and
login: a load balancer or an orchestrator calls them by IP over plain HTTP, often many times a
minute, and they must stay cheap and public. They show only which dependency is down, never
why (the reason goes to the log).

`request_log` writes one line per request (method, path, status, milliseconds); with the
request id filter (settings.LOGGING) it carries the same id as the response's X-Request-ID.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse

from factcheck.ops.checks import readiness

log = logging.getLogger("factcheck.request")

HEALTH_PATH = "/healthz"
READY_PATH = "/readyz"


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response


def healthz(request: HttpRequest) -> HttpResponse:
    """The process is alive and answering; no dependency is touched."""
    return _no_store(JsonResponse({"status": "ok"}))


def readyz(request: HttpRequest) -> HttpResponse:
    """Ready to serve: the database and the broker answer. 503 names what is down."""
    checks = readiness()
    ready = all(checks.values())
    body = {
        "status": "ok" if ready else "unavailable",
        "checks": {name: "ok" if ok else "down" for name, ok in checks.items()},
    }
    if not ready:
        body["down"] = [name for name, ok in checks.items() if not ok]
    return _no_store(JsonResponse(body, status=200 if ready else 503))


PROBES = {HEALTH_PATH: healthz, HEALTH_PATH + "/": healthz, READY_PATH: readyz, READY_PATH + "/": readyz}


def probes(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
    def middleware(request: HttpRequest) -> HttpResponse:
        probe = PROBES.get(request.path_info)
        if probe is not None and request.method in {"GET", "HEAD"}:
            return probe(request)
        return get_response(request)

    return middleware


def request_log(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
    def middleware(request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = get_response(request)
        log.info(
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
            },
        )
        return response

    return middleware
