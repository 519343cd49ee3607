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

from alternanza.core.anno_scolastico import anno_scolastico_di
from alternanza.core.compiti import CODA_PESANTE, vecchio_nome
from alternanza.report.models import ReportJob, TipoReport

logger = logging.getLogger("alternanza.report")

LIMITE_DURO = min(settings.CELERY_TASK_TIME_LIMIT_MAX, 20 * 60)
LIMITE_MORBIDO = LIMITE_DURO - 60


def _transitori() -> tuple[type[BaseException], ...]:
    """The database or the broker away for a moment: worth a retry (the broker's errors are servizi's)."""
    from alternanza.report import servizi

    return (OperationalError, InterfaceError, *servizi.BROKER_ERRORS)


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


def _standard(anno: str) -> list[ReportJob]:
    """The standard reports of a school year: the metropolitan one and one per district with bodies."""
    from alternanza.report import servizi
    from alternanza.report.models import OrganoGovernance

    organi = OrganoGovernance.objects.filter(attivo=True, invio_automatico=True).select_related("distretto")
    metropolitani = [o for o in organi if o.distretto_id is None]
    per_distretto: dict = {}
    for organo in organi:
        if organo.distretto_id is not None:
            per_distretto.setdefault(organo.distretto, []).append(organo)
    jobs = [
        servizi.richiedi(
            TipoReport.METROPOLITANO,
            anno,
            origine=ReportJob.Origine.PIANIFICATO,
            invia_a=metropolitani,
        )
    ]
    for distretto, destinatari in sorted(per_distretto.items(), key=lambda kv: kv[0].nome):
        jobs.append(
            servizi.richiedi(
                TipoReport.DISTRETTO,
                anno,
                distretto=distretto,
                origine=ReportJob.Origine.PIANIFICATO,
                invia_a=destinatari,
            )
        )
    return jobs


@shared_task(name="report.genera_mensili", acks_late=True, time_limit=120, soft_time_limit=100)
def report_mensili() -> list[int]:
    """Monthly (beat): the standard reports of the current school year, sent to the bodies."""
    return [job.pk for job in _standard(anno_scolastico_di())]


@shared_task(name="report.genera_annuali", acks_late=True, time_limit=120, soft_time_limit=100)
def report_annuali() -> list[int]:
    """Yearly (beat, in July): the standard reports of the school year that has just ended in June."""
    return [job.pk for job in _standard(anno_scolastico_di())]


# Old names, carried by messages queued before the rename: remove in the next release.
vecchio_nome("alternanza.tasks.pesanti.genera_report", "report.genera")
vecchio_nome("alternanza.tasks.sorveglia_report", "report.sorveglia")
vecchio_nome("alternanza.tasks.invia_report", "report.invia")
vecchio_nome("alternanza.tasks.report_mensili", "report.genera_mensili")
vecchio_nome("alternanza.tasks.report_annuali", "report.genera_annuali")
