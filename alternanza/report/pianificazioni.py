"""Schedules of the reports as data (PianificazioneReport), dispatched by one periodic task.

Why the portal's own table rather than django-celery-beat's database scheduler: a schedule here says
"monthly during the school year" and "to these governance bodies", which a crontab row cannot hold;
the rows are edited in the portal's own forms with the portal's permissions; and the one beat entry
("report-pianificazioni", every five minutes) never changes, so an edit applies at the next run
without restarting beat (django-celery-beat would also need its own tables, admin and a scheduler
process configured differently from the other beat entries). The cost is a resolution of five minutes,
which is plenty for monthly and yearly reports.
"""

from __future__ import annotations

import datetime
import logging

from django.db import transaction
from django.utils import timezone

from alternanza.core.anno_scolastico import anno_scolastico_di
from alternanza.report.models import PianificazioneReport, ReportJob

logger = logging.getLogger("alternanza.report")

# The months of the school year, when the monthly reports go out (no July and August).
MESI_ANNO_SCOLASTICO = (9, 10, 11, 12, 1, 2, 3, 4, 5, 6)


def prossima_dopo(pianificazione: PianificazioneReport, dopo: datetime.datetime) -> datetime.datetime:
    """The first time strictly after `dopo` at which the schedule is due (local time of the portal)."""
    locale = timezone.localtime(dopo)
    fuso = timezone.get_current_timezone()
    anno, mese = locale.year, locale.month
    for _ in range(36):  # at most three years ahead: always enough for monthly and yearly schedules
        adatto = (
            mese in MESI_ANNO_SCOLASTICO
            if pianificazione.frequenza == PianificazioneReport.Frequenza.MENSILE
            else mese == pianificazione.mese
        )
        if adatto:
            candidato = datetime.datetime(anno, mese, pianificazione.giorno, pianificazione.ora, tzinfo=fuso)
            if candidato > dopo:
                return candidato
        mese += 1
        if mese > 12:
            anno, mese = anno + 1, 1
    raise ValueError("pianificazione senza una prossima esecuzione")


def aggiorna_prossima(pianificazione: PianificazioneReport, adesso: datetime.datetime | None = None) -> None:
    """Set the next run from now (after a create or an edit in the portal)."""
    pianificazione.prossima_esecuzione = prossima_dopo(pianificazione, adesso or timezone.now())


def esegui_dovute(adesso: datetime.datetime | None = None) -> list[int]:
    """Request the reports of the active schedules that are due; returns the ids of the new jobs.

    Runs missed while beat was down produce one report (not one per missed month). Rows are locked with
    SKIP LOCKED, so two dispatchers at once never request the same report twice.
    """
    from alternanza.report import servizi

    adesso = adesso or timezone.now()
    nuovi: list[int] = []
    with transaction.atomic():
        dovute = (
            PianificazioneReport.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(attiva=True, prossima_esecuzione__lte=adesso)
            .select_related("distretto", "ambito")
            .order_by("prossima_esecuzione", "pk")
        )
        for pianificazione in dovute:
            organi = list(pianificazione.organi.filter(attivo=True))
            job = servizi.richiedi(
                pianificazione.tipo,
                anno_scolastico_di(timezone.localdate(adesso)),
                distretto=pianificazione.distretto,
                ambito=pianificazione.ambito,
                origine=ReportJob.Origine.PIANIFICATO,
                invia_a=organi,
                pianificazione=pianificazione,
            )
            nuovi.append(job.pk)
            pianificazione.ultima_esecuzione = adesso
            pianificazione.prossima_esecuzione = prossima_dopo(pianificazione, adesso)
            pianificazione.save(update_fields=["ultima_esecuzione", "prossima_esecuzione"])
            logger.info("pianificazione %s: report %s richiesto", pianificazione.pk, job.pk)
    return nuovi
