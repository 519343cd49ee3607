"""Celery tasks of the reports: leaves that take ids and call the service (servizi; the job row is the truth).

servizi imports this module at the top and enqueues; the tasks import servizi inside their body, so
neither module imports the other at load time. `genera_report` declares the "pesanti" queue (see
alternanza.core.compiti), whose worker is recycled after a memory bound (WeasyPrint does not give memory
back). Its time limits stay below CELERY_TASK_TIME_LIMIT_MAX, which settings keep below the broker's
visibility timeout.
"""

from __future__ import annotations

import contextlib
import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.utils.translation import gettext_noop

from alternanza.core.compiti import CODA_PESANTE, ERRORI_BROKER, vecchio_nome

logger = logging.getLogger("alternanza.report")

LIMITE_DURO = min(settings.CELERY_TASK_TIME_LIMIT_MAX, 20 * 60)
LIMITE_MORBIDO = LIMITE_DURO - 60


def _transitori() -> tuple[type[BaseException], ...]:
    """The database or the broker away for a moment: worth a retry (the broker's errors are compiti's)."""
    return (OperationalError, InterfaceError, *ERRORI_BROKER)


def attesa_prima_del_tentativo(tentativo: int) -> int:
    """Back-off between retries: 10 s, 40 s, 160 s…, capped at 10 minutes."""
    return min(600, 10 * 4**tentativo)


@shared_task(
    bind=True,
    name="report.genera",
    coda=CODA_PESANTE,
    acks_late=True,
    time_limit=LIMITE_DURO,
    soft_time_limit=LIMITE_MORBIDO,
    max_retries=3,
)
def genera_report(self, job_id: int) -> str:
    """Build the PDF of a report job (idempotent: a finished or running job is left alone)."""
    from alternanza.report import servizi
    from alternanza.report.rendering import DatiNonValidi

    transitori = _transitori()
    try:
        return servizi.esegui(job_id, task_id=self.request.id or "")
    except SoftTimeLimitExceeded:
        servizi.segna_errore(job_id, f"Tempo massimo di generazione superato ({LIMITE_MORBIDO} s).")
        return "errore: tempo"
    except transitori as exc:
        if self.request.retries >= self.max_retries:
            logger.exception("report %s: errore transitorio, tentativi esauriti", job_id)
            _segna_errore_se_possibile(job_id, f"Errore temporaneo ripetuto: {exc}")
            return "errore: transitorio"
        logger.warning("report %s: errore transitorio (%s), nuovo tentativo", job_id, exc)
        # If the database is still away the watcher will find the stale heartbeat.
        with contextlib.suppress(*transitori):
            servizi.rimetti_in_coda(job_id, gettext_noop("nuovo tentativo dopo un errore temporaneo"))
        raise self.retry(exc=exc, countdown=attesa_prima_del_tentativo(self.request.retries)) from exc
    except DatiNonValidi as exc:
        # Bad data: a retry would fail the same way. The reason, in words, goes to the job and the requester.
        logger.warning("report %s: dati non validi: %s", job_id, exc)
        _segna_errore_se_possibile(job_id, str(exc))
        return "errore: dati"
    except Exception as exc:
        logger.exception("report %s: generazione fallita", job_id)
        _segna_errore_se_possibile(job_id, f"{type(exc).__name__}: {exc}")
        return "errore"


def _segna_errore_se_possibile(job_id: int, messaggio: str) -> None:
    from alternanza.report import servizi

    try:
        servizi.segna_errore(job_id, messaggio)
    except _transitori():
        logger.warning("report %s: errore non registrato, lo farà sorveglia_report", job_id)


@shared_task(name="report.sorveglia", acks_late=True, time_limit=120, soft_time_limit=100)
def sorveglia_report() -> dict:
    """Periodic: dispatch requests kept while Redis was down, recover jobs whose worker died."""
    from alternanza.report import servizi

    return servizi.sorveglia()


@shared_task(
    bind=True,
    name="report.invia",
    acks_late=True,
    time_limit=120,
    soft_time_limit=100,
    max_retries=5,
)
def invia_report(self, invio_id: int) -> str:
    """Send one report link to a governance body (outbox row; safe to run twice)."""
    from alternanza.report import servizi

    try:
        return servizi.esegui_invio(invio_id)
    except _transitori() as exc:
        if self.request.retries >= self.max_retries:
            from alternanza.report.models import InvioReport

            InvioReport.objects.filter(pk=invio_id, stato=InvioReport.Stato.DA_INVIARE).update(
                stato=InvioReport.Stato.ERRORE, errore=str(exc)[:2000]
            )
            return "errore"
        raise self.retry(exc=exc, countdown=attesa_prima_del_tentativo(self.request.retries)) from exc


@shared_task(name="report.pianificazioni", acks_late=True, time_limit=120, soft_time_limit=100)
def esegui_pianificazioni() -> list[int]:
    """Periodic (beat, every five minutes): request the reports of the schedules that are due."""
    from alternanza.report import pianificazioni

    return pianificazioni.esegui_dovute()


# Old names, carried by messages queued before the rename: remove in the next release.
vecchio_nome("alternanza.tasks.pesanti.genera_report", "report.genera")
vecchio_nome("alternanza.tasks.sorveglia_report", "report.sorveglia")
vecchio_nome("alternanza.tasks.invia_report", "report.invia")
