"""What operators see of a running portal: a request id on every log line (web and Celery), JSON logs,
Prometheus metrics, and the heartbeats of the worker and of beat that /healthz reports.

- ``IdRichiestaMiddleware`` takes nginx's X-Request-ID (or makes one), keeps it in a context variable for
  the request, and answers with it; ``FiltroIdRichiesta`` puts it on every log record.
- A task queued during a request carries the id in its headers (``before_task_publish``) and the worker
  sets it while the task runs (``task_prerun``/``task_postrun``): one id follows a click into the PDF job.
- Metrics: requests by method and status class, their duration, cache errors (core.cache_backend), at
  /metriche for whoever sends METRICS_TOKEN as a bearer token (404 to everyone else). The workers' side
  is in the same endpoint, read at scrape time, so one scraper sees every node: tasks finished by name
  and state (SUCCESS, FAILURE, RETRY…), counted by the workers in a hash on the broker's Redis; the
  messages waiting on each queue; the outbox of messages the broker refused (core.compiti).
- Heartbeats: beat publishes ``pagine.battito`` every minute; beat's process notes the time it
  published it, the worker the time it ran it (cache keys, see ``segna_battito``). The cache fails open:
  with Redis away /healthz says "unknown", it does not fail.
"""

from __future__ import annotations

import contextvars
import logging
import os
import re
import time
import uuid
from typing import Any

import redis
from celery import current_app
from celery.signals import before_task_publish, task_postrun, task_prerun
from django.core.cache import cache
from django.db import DatabaseError
from django.http import HttpRequest
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

from alternanza.core.compiti import CODA_PESANTE, TIMEOUT_INVIO

ID_RICHIESTA: contextvars.ContextVar[str] = contextvars.ContextVar("id_richiesta", default="-")
_ID_VALIDO = re.compile(r"^[A-Za-z0-9-]{8,64}$")
INTESTAZIONE = "id_richiesta"
TASK_BATTITO = "pagine.battito"
CHIAVE_BEAT = "salute:beat"
CHIAVE_WORKER = "salute:worker"

logger = logging.getLogger(__name__)


class FiltroIdRichiesta(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = ID_RICHIESTA.get()
        return True


class IdRichiestaMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        ricevuto = request.headers.get("X-Request-ID", "")
        valore = ricevuto if _ID_VALIDO.match(ricevuto) else uuid.uuid4().hex
        segno = ID_RICHIESTA.set(valore)
        try:
            risposta = self.get_response(request)
        finally:
            ID_RICHIESTA.reset(segno)
        risposta["X-Request-ID"] = valore
        return risposta


@before_task_publish.connect
def _pubblica(sender: str | None = None, headers: dict[str, Any] | None = None, **kwargs: Any) -> None:
    if headers is not None and ID_RICHIESTA.get() != "-":
        headers[INTESTAZIONE] = ID_RICHIESTA.get()
    if sender == TASK_BATTITO:  # in beat's process: beat is alive and scheduling
        cache.set(CHIAVE_BEAT, time.time(), timeout=None)


_segni: dict[str, contextvars.Token[str]] = {}


@task_prerun.connect
def _inizio(task_id: str | None = None, task: Any = None, **kwargs: Any) -> None:
    valore = getattr(task.request, INTESTAZIONE, None) if task is not None else None
    if valore is None and task is not None:
        valore = (task.request.headers or {}).get(INTESTAZIONE) if task.request.headers else None
    if task_id is not None:
        _segni[task_id] = ID_RICHIESTA.set(valore or f"task-{task_id}")


@task_postrun.connect
def _fine(task_id: str | None = None, **kwargs: Any) -> None:
    segno = _segni.pop(task_id or "", None)
    if segno is not None:
        ID_RICHIESTA.reset(segno)


def segna_battito() -> None:
    """The worker's side of the heartbeat (the body of pagine.battito)."""
    cache.set(CHIAVE_WORKER, time.time(), timeout=None)


def eta_battiti() -> dict[str, float | None]:
    """Seconds since beat last published the heartbeat and since a worker last ran it (None: unknown)."""
    adesso = time.time()
    valori = cache.get_many([CHIAVE_BEAT, CHIAVE_WORKER])
    return {
        "beat": round(adesso - valori[CHIAVE_BEAT], 1) if CHIAVE_BEAT in valori else None,
        "worker": round(adesso - valori[CHIAVE_WORKER], 1) if CHIAVE_WORKER in valori else None,
    }


# --- Prometheus metrics (prometheus-client) -------------------------------------------------------
# Under gunicorn with several workers set PROMETHEUS_MULTIPROC_DIR (an empty folder per container): each
# process writes its samples there and /metriche sums them (prometheus-client's multiprocess mode).
RICHIESTE = Counter(
    "portale_richieste_total", "Requests answered, by method and status class", ["metodo", "stato"]
)
DURATA = Histogram(
    "portale_richiesta_secondi",
    "Time to answer a request",
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
CHIAVE_TASK = "portale:metriche:task"  # hash on the broker's Redis: "<task>|<state>" -> count


class MetricheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        inizio = time.perf_counter()
        risposta = self.get_response(request)
        DURATA.observe(time.perf_counter() - inizio)
        RICHIESTE.labels(request.method or "-", f"{risposta.status_code // 100}xx").inc()
        return risposta


_clienti: dict[str, redis.Redis] = {}


def redis_del_broker() -> redis.Redis | None:
    """A client of the broker's Redis with the short timeouts of a request (None: not a Redis broker)."""
    url = current_app.conf.broker_url or ""
    if not url.startswith(("redis://", "rediss://", "unix://")):
        return None
    if url not in _clienti:
        _clienti[url] = redis.Redis.from_url(url, **TIMEOUT_INVIO)
    return _clienti[url]


@task_postrun.connect
def _conta_task(task: Any = None, state: str | None = None, **kwargs: Any) -> None:
    """In the worker: one more task of this name in this state (inline tasks are the web's, not counted)."""
    if task is None or getattr(task.request, "is_eager", False):
        return
    client = redis_del_broker()
    if client is None:
        return
    try:
        client.hincrby(CHIAVE_TASK, f"{task.name}|{state or '-'}", 1)
    except redis.RedisError:
        logger.warning("metriche: conteggio del task %s non registrato", task.name, exc_info=True)


class MetricheDeiWorker:
    """Read at scrape time: what the workers counted, the queues, the outbox, and whether Redis answers."""

    def collect(self):
        from alternanza.core.models import CompitoInAttesa

        task = CounterMetricFamily(
            "portale_task",
            "Celery tasks finished on the workers, by task and state",
            labels=["task", "stato"],
        )
        code = GaugeMetricFamily("portale_coda_messaggi", "Messages waiting on a queue", labels=["coda"])
        raggiungibile = GaugeMetricFamily("portale_broker_raggiungibile", "1 if the broker's Redis answers")
        client = redis_del_broker()
        if client is not None:
            try:
                conteggi: dict[bytes, bytes] = client.hgetall(CHIAVE_TASK)  # type: ignore[assignment]  # sync client
                for coda in (current_app.conf.task_default_queue, CODA_PESANTE):
                    code.add_metric([coda], client.llen(coda))  # type: ignore[arg-type]  # sync client
            except redis.RedisError:
                raggiungibile.add_metric([], 0)
            else:
                raggiungibile.add_metric([], 1)
                for chiave, valore in sorted(conteggi.items()):
                    nome, _, stato = chiave.decode().rpartition("|")
                    task.add_metric([nome, stato], int(valore))
            yield from (task, code, raggiungibile)
        try:
            in_attesa = CompitoInAttesa.objects.count()
        except DatabaseError:
            return
        yield GaugeMetricFamily(
            "portale_compiti_in_attesa", "Messages the broker refused, waiting in the outbox", value=in_attesa
        )


def esposizione() -> tuple[bytes, str]:
    """The metrics in Prometheus' text format (all processes' in multiprocess mode, and the workers')."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registro = CollectorRegistry()
        multiprocess.MultiProcessCollector(registro)
    else:
        registro = REGISTRY
    dei_worker = CollectorRegistry(auto_describe=False)
    dei_worker.register(MetricheDeiWorker())
    return generate_latest(registro) + generate_latest(dei_worker), CONTENT_TYPE_LATEST
