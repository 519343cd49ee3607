"""Availability: the health endpoint for load balancers and docker-compose (database and Redis status as
JSON), and the server-error handler that tells an unreachable database (503, retry shortly) from a bug
(500). Neither uses the database to answer.
"""

from __future__ import annotations

import logging
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)

RIPROVA_DOPO = 30  # seconds: Retry-After of the "temporarily unavailable" page


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:  # any driver error means "down": report it, never answer 500
        logger.exception("healthz: database check failed")
        return False


def _redis_ok() -> bool | None:
    if not settings.REDIS_URL:
        return None  # no Redis configured (make run): nothing to check
    import redis

    try:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
        return bool(client.ping())
    except redis.RedisError:
        logger.exception("healthz: redis check failed")
        return False


@never_cache
@require_GET
def healthz(request):
    db_ok = _database_ok()
    redis_ok = _redis_ok()
    healthy = db_ok and redis_ok is not False
    body = {
        "status": "ok" if healthy else "error",
        "database": "ok" if db_ok else "error",
        "redis": "not configured" if redis_ok is None else ("ok" if redis_ok else "error"),
    }
    return JsonResponse(body, status=200 if healthy else 503)


def _database_irraggiungibile(errore: BaseException | None) -> bool:
    """Whether the error being handled comes from a database connection that failed (not a bad query)."""
    while errore is not None:
        if isinstance(errore, (OperationalError, InterfaceError)):
            return True
        errore = errore.__cause__ or errore.__context__
    return False


def errore_server(request: HttpRequest, template_name: str = "500.html") -> HttpResponse:
    """handler500: 503 with Retry-After when the database cannot be reached, Django's 500 otherwise.

    Called inside the `except` of Django's exception handling, so sys.exc_info() is the error. Both pages
    are rendered without a request context (no context processors, no session, no database).
    """
    if _database_irraggiungibile(sys.exc_info()[1]):
        risposta = HttpResponse(loader.get_template("503.html").render(), status=503)
        risposta["Retry-After"] = str(RIPROVA_DOPO)
        return risposta
    return defaults.server_error(request, template_name)
