"""How the portal's Celery tasks are named and routed: `<label>.<verb>` names, the queue set on the task.

A task that must run on a dedicated queue declares it with the custom option `coda` (e.g.
``@shared_task(name="report.genera", coda=CODA_PESANTE)``), and the one router below, named in
settings.CELERY_TASK_ROUTES, reads it. Celery's own `queue` task attribute is deprecated (it stops having
an effect in Celery 6, which wants task_routes), and routing by name pattern tied the queue to a naming
accident; a router that reads an attribute of the task keeps the choice next to the task's code.

A renamed task keeps its old name for one release with `vecchio_nome`: messages already in the broker
carry the old name, and a worker that does not know a name drops the message.

Queuing never fails a request. `spedisci` publishes with a fresh connection, short timeouts and one
attempt, and answers None when the broker is down or frozen (about a second at most). `accoda` is what
views and services call: after the transaction commits it publishes, and a message the broker could not
take waits in the outbox (CompitoInAttesa, the same database as the data it talks about) until the
periodic task core.spedisci_in_attesa sends it. Work whose own rows say what is still to do (a report
job "in coda", a newsletter issue "programmato") is picked up by its own periodic task instead, and only
needs `spedisci` not to raise. Delivery is at least once: a message published just before its outbox row
could be deleted may go out twice, so tasks stay idempotent (they already are: workers die too).
"""

from __future__ import annotations

import logging
import socket
from typing import Any

import redis.exceptions
from celery import Task, current_app, shared_task
from django.db import transaction
from kombu.exceptions import OperationalError as BrokerOperationalError

CODA_PESANTE = "pesanti"  # memory-hungry work (WeasyPrint PDFs, open-data exports): its own recycled worker

logger = logging.getLogger("alternanza.compiti")

ERRORI_BROKER = (
    BrokerOperationalError,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    ConnectionError,
    socket.timeout,
    OSError,
)
# Publishing from a request: a stopped Redis refuses at once, a frozen one costs these timeouts, once.
TIMEOUT_INVIO = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
UN_TENTATIVO = {"max_retries": 0}
LOTTO_IN_ATTESA = 200


def instrada(
    name: str,
    args: Any = None,
    kwargs: Any = None,
    options: Any = None,
    task: Task | None = None,
    **_extra: Any,
) -> dict[str, str] | None:
    """The task router: the queue a task declares with `coda`, or None (the default queue)."""
    if task is None:  # a message sent by name (send_task): the registered task says where it goes
        task = current_app.tasks.get(name)
    coda = getattr(task, "coda", None)
    return {"queue": coda} if coda else None


def vecchio_nome(vecchio: str, nuovo: str) -> None:
    """Register the old name of a renamed task: its messages are handed on, unchanged, to the new name.

    The hand-over keeps the arguments and the task id (a report job recognises its own task by id), and
    the new task's options (queue, time limits, retries) apply, as they do to a message sent today.
    """

    def inoltra(self: Task, *args: Any, **kwargs: Any) -> str:
        return current_app.tasks[nuovo].apply_async(args, kwargs, task_id=self.request.id).id

    inoltra.__doc__ = f"Old name of {nuovo}, for the messages queued before the rename."
    shared_task(bind=True, name=vecchio, ignore_result=True)(inoltra)


def spedisci(task: Task, args: Any = (), kwargs: Any = None, **opzioni: Any) -> str | None:
    """Publish one message now; its task id, or None (logged) when the broker cannot take it."""
    if task.app.conf.task_always_eager:  # runs here and now: its own errors are not the broker's
        return task.apply_async(args, kwargs, **opzioni).id
    try:
        with current_app.connection_for_write(transport_options=TIMEOUT_INVIO) as conn:
            risultato = task.apply_async(
                args, kwargs, connection=conn, retry=True, retry_policy=UN_TENTATIVO, **opzioni
            )
    except ERRORI_BROKER as exc:
        logger.warning("broker non raggiungibile per %s (%s: %s)", task.name, type(exc).__name__, exc)
        return None
    return risultato.id


def accoda(task: Task, *args: Any, **kwargs: Any) -> None:
    """Run `task(*args, **kwargs)` on a worker after the current transaction commits; while the broker is
    down the message waits in the outbox and goes out with core.spedisci_in_attesa."""

    def invia() -> None:
        if spedisci(task, args, kwargs) is None:
            from alternanza.core.models import CompitoInAttesa

            CompitoInAttesa.objects.create(task=task.name, argomenti=list(args), argomenti_nominati=kwargs)

    transaction.on_commit(invia)


def spedisci_in_attesa() -> int:
    """Send the outbox, oldest first, while the broker takes it; the number of messages sent."""
    from alternanza.core.models import CompitoInAttesa

    inviati = 0
    while True:
        with transaction.atomic():
            righe = list(CompitoInAttesa.objects.select_for_update(skip_locked=True)[:LOTTO_IN_ATTESA])
            if not righe:
                return inviati
            spediti: list[int] = []
            for riga in righe:
                task = current_app.tasks.get(riga.task)
                if task is None:  # renamed without vecchio_nome, or removed: nothing can run it
                    logger.error("compito in attesa %s: task sconosciuto %s, scartato", riga.pk, riga.task)
                    riga.delete()
                    continue
                if spedisci(task, riga.argomenti, riga.argomenti_nominati) is None:
                    CompitoInAttesa.objects.filter(pk=riga.pk).update(tentativi=riga.tentativi + 1)
                    CompitoInAttesa.objects.filter(pk__in=spediti).delete()
                    return inviati + len(spediti)  # still down: the rest waits for the next run
                spediti.append(riga.pk)
            CompitoInAttesa.objects.filter(pk__in=spediti).delete()
            inviati += len(spediti)
