"""Health endpoint for load balancers and docker-compose: database and Redis status as JSON, answered
within the connections' own short timeouts (a 503 when either is down).

It also says how long ago beat last published its heartbeat and a worker last ran it (seconds; null when
unknown) with a verdict ("ok" within BATTITO_MASSIMO, else "late"). Those do not turn the answer into a
503: a stopped worker must alert someone, not make the load balancer take the web nodes out."""

from __future__ import annotations

import hmac
import logging

from django.conf import settings
from django.db import connection
from django.http import Http404, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from alternanza.core.osservabilita import esposizione, eta_battiti

BATTITO_MASSIMO = 180  # seconds: three missed heartbeats (beat publishes one a minute)

logger = logging.getLogger(__name__)


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
    body: dict[str, object] = {
        "status": "ok" if healthy else "error",
        "database": "ok" if db_ok else "error",
        "redis": "not configured" if redis_ok is None else ("ok" if redis_ok else "error"),
    }
    for processo, eta in eta_battiti().items():
        body[processo] = {
            "last_heartbeat_age_s": eta,
            "status": "unknown" if eta is None else ("ok" if eta <= BATTITO_MASSIMO else "late"),
        }
    return JsonResponse(body, status=200 if healthy else 503)


@never_cache
@require_GET
def metriche(request):
    """Prometheus metrics for the scraper that sends `Authorization: Bearer <METRICS_TOKEN>`; without
    that token configured and matching, the page does not exist (404)."""
    atteso = settings.METRICS_TOKEN
    ricevuto = request.headers.get("Authorization", "")
    if not atteso or not hmac.compare_digest(ricevuto.encode(), f"Bearer {atteso}".encode()):
        raise Http404
    corpo, tipo = esposizione()
    return HttpResponse(corpo, content_type=tipo)
