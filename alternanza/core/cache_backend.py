"""The Redis cache as an accelerator, never a dependency: a backend that fails open.

Django's RedisCache with short socket timeouts (settings: OPTIONS socket_timeout / socket_connect_timeout)
and, around every operation, this rule: when Redis answers with an error or does not answer in time,
the call returns what an empty cache would (a miss; a write that did not happen) and, for the next
`PAUSA` seconds, this process does not try again — so a stopped or frozen Redis costs a page one timeout
at most, then nothing, instead of a 500 or a 30-second hang. One warning per pause goes to the log; every
error and every call answered without Redis is counted in /metriche.

What fails open while Redis is away, and why that is acceptable:
- the public page cache (alternanza.core.cache): pages are rendered by their views;
- rate limits kept in the cache (allauth's login and password-reset limits, the newsletter's
  anti-spam): `add` answers "added" and `incr` counts 0, so nobody is locked out by an outage; the limits
  come back with Redis (an attacker able to stop Redis has easier ways in than guessing passwords);
- invalidations (`alternanza.core.cache.invalida`) are lost if Redis is frozen rather than restarted
  with its data: the affected pages can be stale until their entries expire (one hour at most).
Sessions live in the database, locks in PostgreSQL (advisory locks): nothing else depends on Redis on a
request path. Celery's broker has its own timeouts (settings.CELERY_BROKER_TRANSPORT_OPTIONS).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

import redis.exceptions
from django.core.cache.backends.redis import RedisCache
from prometheus_client import Counter

logger = logging.getLogger(__name__)

PAUSA = 10.0  # seconds this process leaves Redis alone after an error
ERRORI = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError)

# In /metriche (alternanza.core.osservabilita): how often Redis failed a call, and how many calls were
# answered as an empty cache without trying (the pause after an error) — an outage seen by the pages.
ERRORI_CACHE = Counter(
    "portale_cache_errori_total", "Cache calls that Redis failed or did not answer in time", ["operazione"]
)
SALTATE_CACHE = Counter(
    "portale_cache_saltate_total", "Cache calls answered as a miss without Redis (after an error)"
)


class _Stato:
    """Per process (shared by the threads' cache instances): until when Redis is left alone."""

    lock = threading.Lock()
    assente_fino = 0.0


def redis_assente() -> bool:
    """Whether this process is currently leaving Redis alone after an error."""
    return time.monotonic() < _Stato.assente_fino


def _errore(operazione: str, errore: BaseException) -> None:
    ERRORI_CACHE.labels(operazione).inc()
    with _Stato.lock:
        primo = not redis_assente()
        _Stato.assente_fino = time.monotonic() + PAUSA
    if primo:
        logger.warning(
            "cache Redis non disponibile (%s: %s): pagine senza cache per %.0f s",
            operazione,
            errore,
            PAUSA,
        )


def _tollerante(operazione: str, vuoto: Callable[..., Any]) -> Callable[..., Any]:
    def metodo(self: FailOpenRedisCache, *args: Any, **kwargs: Any) -> Any:
        if redis_assente():
            SALTATE_CACHE.inc()
            return vuoto(*args, **kwargs)
        try:
            return getattr(RedisCache, operazione)(self, *args, **kwargs)
        except ERRORI as errore:
            _errore(operazione, errore)
            return vuoto(*args, **kwargs)

    metodo.__name__ = operazione
    return metodo


def _default(key: Any, default: Any = None, version: Any = None) -> Any:
    return default


class FailOpenRedisCache(RedisCache):
    """RedisCache whose every operation answers as an empty cache when Redis is unavailable."""

    get = _tollerante("get", _default)
    get_many = _tollerante("get_many", lambda *a, **k: {})
    has_key = _tollerante("has_key", lambda *a, **k: False)
    set = _tollerante("set", lambda *a, **k: None)
    # "Added": callers use add() as "first one wins" (limits, debounce): while Redis is away they go on.
    add = _tollerante("add", lambda *a, **k: True)
    touch = _tollerante("touch", lambda *a, **k: False)
    set_many = _tollerante("set_many", lambda *a, **k: [])
    delete = _tollerante("delete", lambda *a, **k: False)
    delete_many = _tollerante("delete_many", lambda *a, **k: None)
    # Counters count nothing while Redis is away: every limit kept in the cache lets the request through.
    incr = _tollerante("incr", lambda *a, **k: 0)
    decr = _tollerante("decr", lambda *a, **k: 0)
    clear = _tollerante("clear", lambda *a, **k: False)
