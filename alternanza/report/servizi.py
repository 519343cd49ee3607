"""The life of a report job: request, dispatch to the broker, build, notify, send, and watch.

The job row is the truth. A request is saved first and sent to the broker only after the transaction
commits; if the broker is unreachable the row stays "in coda" without a task id and the periodic
`sorveglia` (beat task "sorveglia_report") dispatches it when Redis is back. The build is idempotent:
it locks the row, skips a job that is done or running elsewhere, and replaces the files of a job that
is built again. A worker that dies leaves a stale heartbeat, which `sorveglia` turns into a new attempt
or, after MAX_ESECUZIONI attempts, into an error — a job is never "in corso" forever.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from alternanza.core.compiti import spedisci
from alternanza.core.email import destinatari_utenti, invia_modello
from alternanza.core.utenti import nome_leggibile
from alternanza.report.models import InvioReport, ReportJob, StatoJob
from alternanza.report.tasks import genera_report, invia_report

logger = logging.getLogger("alternanza.report")

# The worker touches the job's heartbeat this often while it builds; a heartbeat older than
# HEARTBEAT_SCADUTO means the process died (a build never blocks the heartbeat thread).
HEARTBEAT_INTERVALLO = 15
HEARTBEAT_SCADUTO = timedelta(minutes=3)
# A request with no task id is left to the on-commit dispatch for this long before the watcher takes it.
ATTESA_PRIMO_INVIO = timedelta(seconds=30)
MAX_ESECUZIONI = 3
SALT_LINK = "alternanza.report.documento"
VALIDITA_LINK = timedelta(days=60)


def coda_scaduta() -> timedelta:
    """A queued message older than the broker's visibility timeout (plus margin) is taken as lost."""
    visibilita = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("visibility_timeout", 3600)
    return timedelta(seconds=visibilita) + timedelta(minutes=10)


# --- Request and dispatch ------------------------------------------------------------------------


def richiedi(
    tipo: str,
    anno_scolastico: str,
    *,
    utente=None,
    distretto=None,
    ambito=None,
    origine: str = ReportJob.Origine.UTENTE,
    invia_a=(),
    parametri: dict | None = None,
    versione: int = 1,
    prima_versione: ReportJob | None = None,
    pianificazione=None,
) -> ReportJob:
    """Record a report request and dispatch its build once the current transaction commits."""
    job = ReportJob(
        versione=versione,
        prima_versione=prima_versione,
        pianificazione=pianificazione,
        tipo=tipo,
        anno_scolastico=anno_scolastico,
        distretto=distretto,
        ambito=ambito,
        origine=origine,
        parametri=parametri or {},
        richiesto_da=utente if utente is not None and utente.is_authenticated else None,
        richiesto_da_nome=nome_leggibile(utente, ReportJob._meta.get_field("richiesto_da_nome").max_length),
    )
    job.full_clean()
    job.save()
    if invia_a:
        job.invia_a.set(invia_a)
    transaction.on_commit(partial(invia_al_broker, job.pk))
    return job


def invia_al_broker(job_id: int) -> bool:
    """Send the build task of a job to the broker; False (and the job left as it is, for `sorveglia`) if
    it is down (alternanza.core.compiti.spedisci decides how long to try)."""
    task_id = spedisci(genera_report, [job_id])
    if task_id is None:
        return False
    ReportJob.objects.filter(pk=job_id).exclude(stato=StatoJob.COMPLETATO).update(
        task_id=task_id, accodato_il=timezone.now()
    )
    return True


def nuova_versione(job: ReportJob, utente=None) -> ReportJob:
    """Request version N+1 of a report with fresh data; the earlier versions and their files stay as they are.

    The first version's row is locked so that two clicks at once number their versions 2 and 3.
    """
    radice = ReportJob.objects.select_for_update().get(pk=job.radice_id)
    ultima = radice.versioni().values_list("versione", flat=True).first() or radice.versione
    nuovo = richiedi(
        job.tipo,
        job.anno_scolastico,
        utente=utente,
        distretto=job.distretto,
        ambito=job.ambito,
        parametri=job.parametri,
        versione=ultima + 1,
        prima_versione=radice,
    )
    return nuovo


# --- Build ---------------------------------------------------------------------------------------


class Battito:
    """Touch the job's heartbeat from a side thread while the build runs (even inside WeasyPrint)."""

    def __init__(self, job_id: int, intervallo: float = HEARTBEAT_INTERVALLO):
        self.job_id = job_id
        self.intervallo = intervallo
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._batti, name=f"battito-report-{job_id}", daemon=True)

    def _batti(self) -> None:
        try:
            while not self._stop.wait(self.intervallo):
                try:
                    ReportJob.objects.filter(pk=self.job_id, stato=StatoJob.IN_CORSO).update(
                        heartbeat_il=timezone.now()
                    )
                except Exception:  # a lost heartbeat is retried at the next beat
                    logger.warning("report %s: heartbeat non registrato", self.job_id, exc_info=True)
        finally:
            connection.close()

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(timeout=5)


def avanzamento(job_id: int):
    """A callback that records progress (and a heartbeat) on the job row."""

    def avanza(percento: int, fase: str = "") -> None:
        ReportJob.objects.filter(pk=job_id, stato=StatoJob.IN_CORSO).update(
            progresso=max(0, min(99, int(percento))), fase=str(fase)[:200], heartbeat_il=timezone.now()
        )

    return avanza


def esegui(job_id: int, task_id: str = "") -> str:
    """Build the report of a job; returns what happened ("completato", "saltato: …").

    Transient errors (database, broker) propagate so that the task retries; other errors propagate too
    and the task marks the job failed.
    """
    from alternanza.report import rendering

    adesso = timezone.now()
    with transaction.atomic():
        job = ReportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None:
            return "saltato: job inesistente"
        if job.stato in (StatoJob.COMPLETATO, StatoJob.ERRORE):
            return f"saltato: già {job.stato}"
        if (
            job.stato == StatoJob.IN_CORSO
            and job.task_id != task_id
            and job.heartbeat_il
            and adesso - job.heartbeat_il < HEARTBEAT_SCADUTO
        ):
            return "saltato: in esecuzione in un altro processo"
        job.stato = StatoJob.IN_CORSO
        job.avviato_il = adesso
        job.heartbeat_il = adesso
        job.progresso = 0
        job.fase = gettext_noop("avvio")
        job.errore = ""
        job.tentativi += 1
        if task_id:
            job.task_id = task_id
        job.save()

    with Battito(job_id):
        risultato = rendering.genera(job, avanza=avanzamento(job_id))

    completa(job, risultato)
    return "completato"


def completa(job: ReportJob, risultato) -> None:
    """Store the files of a finished build, with the PDF's SHA-256, then notify.

    A finished job's files are never replaced (a new build is a new version, see nuova_versione): the
    files get new names and the row is updated only if it is still "in corso".
    """
    job.file.save(job.nome_file("pdf"), ContentFile(risultato.pdf), save=False)
    if risultato.allegato is not None:
        job.allegato.save(
            job.nome_file(risultato.allegato_estensione), ContentFile(risultato.allegato), save=False
        )
    with transaction.atomic():
        aggiornate = ReportJob.objects.filter(pk=job.pk, stato=StatoJob.IN_CORSO, sha256="").update(
            stato=StatoJob.COMPLETATO,
            progresso=100,
            fase="",
            file=job.file.name,
            allegato=job.allegato.name if job.allegato else "",
            sha256=hashlib.sha256(risultato.pdf).hexdigest(),
            pagine=risultato.pagine,
            dati_al=risultato.dati_al,
            completato_il=timezone.now(),
            heartbeat_il=timezone.now(),
        )
        if not aggiornate:
            # Someone else decided meanwhile (watcher marked it failed): keep their verdict, drop our files.
            for nome in (job.file.name, job.allegato.name if job.allegato else None):
                if nome:
                    job.file.storage.delete(nome)
            return
        transaction.on_commit(partial(_dopo_completamento, job.pk))


def _dopo_completamento(job_id: int) -> None:
    job = ReportJob.objects.select_related("richiesto_da").get(pk=job_id)
    notifica_richiedente(job)
    organi = list(job.invia_a.filter(attivo=True))
    if organi:
        invia_agli_organi(job, organi, utente=None)


def segna_errore(job_id: int, messaggio: str) -> None:
    """Mark a job failed (keeping any file of an earlier successful build) and tell the requester."""
    aggiornate = (
        ReportJob.objects.filter(pk=job_id)
        .exclude(stato=StatoJob.COMPLETATO)
        .update(stato=StatoJob.ERRORE, errore=str(messaggio)[:2000], fase="", completato_il=timezone.now())
    )
    if aggiornate:
        job = ReportJob.objects.select_related("richiesto_da").get(pk=job_id)
        notifica_richiedente(job)


def rimetti_in_coda(job_id: int, motivo: str) -> None:
    ReportJob.objects.filter(pk=job_id, stato=StatoJob.IN_CORSO).update(
        stato=StatoJob.IN_CODA, fase=str(motivo)[:200], progresso=0
    )


# --- Watcher -------------------------------------------------------------------------------------


def sorveglia(adesso=None) -> dict[str, int]:
    """Dispatch requests the broker never got, retry or fail jobs whose worker died. Safe to run often."""
    adesso = adesso or timezone.now()
    esito = {"inviati": 0, "ripresi": 0, "falliti": 0}

    da_inviare = list(
        ReportJob.objects.filter(stato=StatoJob.IN_CODA)
        .filter(
            # never sent (Redis was down) …
            Q(task_id="", creato_il__lt=adesso - ATTESA_PRIMO_INVIO)
            # … or sent so long ago that the message must be lost.
            | Q(accodato_il__lt=adesso - coda_scaduta())
        )
        .order_by("creato_il")
        .values_list("pk", flat=True)[:100]
    )
    for job_id in da_inviare:
        if not invia_al_broker(job_id):
            break  # the broker is still down: try again at the next run
        esito["inviati"] += 1

    fermi = ReportJob.objects.filter(stato=StatoJob.IN_CORSO).filter(
        Q(heartbeat_il__lt=adesso - HEARTBEAT_SCADUTO) | Q(heartbeat_il__isnull=True)
    )
    for job in fermi.only("pk", "tentativi", "heartbeat_il"):
        if job.tentativi >= MAX_ESECUZIONI:
            segna_errore(
                job.pk,
                f"Il processo di generazione si è interrotto {job.tentativi} volte: report non prodotto.",
            )
            esito["falliti"] += 1
            continue
        # Conditional on the heartbeat we read: a worker that beats meanwhile keeps its job.
        stesso_battito = (
            Q(heartbeat_il=job.heartbeat_il) if job.heartbeat_il else Q(heartbeat_il__isnull=True)
        )
        ripreso = ReportJob.objects.filter(stesso_battito, pk=job.pk, stato=StatoJob.IN_CORSO).update(
            stato=StatoJob.IN_CODA,
            task_id="",
            accodato_il=None,
            fase=gettext_noop("ripreso dopo un'interruzione"),
        )
        if ripreso:
            esito["ripresi"] += 1
            invia_al_broker(job.pk)

    fermi_invii = InvioReport.objects.filter(
        stato=InvioReport.Stato.DA_INVIARE, creato_il__lt=adesso - timedelta(minutes=5)
    ).values_list("pk", flat=True)[:200]
    for invio_id in fermi_invii:
        _accoda_invio(invia_report, invio_id)
    return esito


# --- E-mails -------------------------------------------------------------------------------------


def _url_assoluto(percorso: str) -> str:
    return settings.SITE_URL + percorso


def notifica_richiedente(job: ReportJob) -> None:
    """E-mail the requester a link to the job page (done or failed). Scheduled jobs have no requester."""
    utente = job.richiesto_da
    if utente is None or not utente.email:
        return
    try:
        invia_modello(
            "report/email/pronto" if job.stato == StatoJob.COMPLETATO else "report/email/errore",
            destinatari_utenti(get_user_model().objects.filter(pk=utente.pk)),
            {"job": job, "url": _url_assoluto(job.get_absolute_url())},
            settings.LANGUAGE_CODE,
        )
    except Exception:  # the report exists anyway: a failed notification must not fail the job
        logger.exception("report %s: notifica al richiedente non inviata", job.pk)


def link_documento(invio: InvioReport) -> str:
    """A signed link to the report's PDF for the recipients of a send (they have no account)."""
    token = signing.dumps({"j": invio.job_id, "i": invio.pk}, salt=SALT_LINK, compress=True)
    return _url_assoluto(reverse("report:documento", kwargs={"token": token}))


def invio_da_token(token: str) -> tuple[InvioReport | None, bool]:
    """The send a document link belongs to, and whether the link is still valid.

    (None, False) for a forged or unknown link; (invio, False) for a genuine link past VALIDITA_LINK,
    whose page explains and lets the body ask for a new one; (invio, True) for a link to serve.
    """
    try:
        dati = signing.loads(token, salt=SALT_LINK, max_age=VALIDITA_LINK)
        valido = True
    except signing.SignatureExpired:
        dati = signing.loads(token, salt=SALT_LINK)  # genuine but old: its ids are trustworthy
        valido = False
    except signing.BadSignature:
        return None, False
    invio = (
        InvioReport.objects.select_related("job", "job__distretto", "job__ambito", "organo", "inviato_da")
        .filter(pk=dati.get("i"), job_id=dati.get("j"))
        .first()
    )
    if invio is None or invio.job.stato != StatoJob.COMPLETATO or not invio.job.file:
        return None, False
    return invio, valido


def job_da_token(token: str) -> ReportJob | None:
    """The report a valid document link serves (the version that was sent, never a later one)."""
    invio, valido = invio_da_token(token)
    return invio.job if invio is not None and valido else None


def chiedi_nuovo_link(invio: InvioReport) -> bool:
    """A body whose link has expired asks for a new one: mail the sender (or the portal's contact).

    At most one request a day per send, so that the button cannot be used to flood the staff.
    """
    adesso = timezone.now()
    aggiornate = (
        InvioReport.objects.filter(pk=invio.pk)
        .filter(
            Q(nuovo_link_chiesto_il__isnull=True) | Q(nuovo_link_chiesto_il__lt=adesso - timedelta(days=1))
        )
        .update(nuovo_link_chiesto_il=adesso)
    )
    if not aggiornate:
        return False
    mittente = invio.inviato_da
    destinatari = (
        destinatari_utenti(get_user_model().objects.filter(pk=mittente.pk))
        if mittente is not None and mittente.email
        else [settings.PORTALE["email_contatti"]]
    )
    invia_modello(
        "report/email/nuovo_link",
        destinatari,
        {"invio": invio, "job": invio.job, "url": _url_assoluto(invio.job.get_absolute_url())},
        settings.LANGUAGE_CODE,
    )
    return True


def invia_agli_organi(
    job: ReportJob, organi, utente=None, *, messaggio: str = "", protocollo: str = ""
) -> list[InvioReport]:
    """Record one send per body and e-mail its recipients a link (the outbox rows are the truth)."""
    invii = []
    for organo in organi:
        invii.append(
            InvioReport.objects.create(
                job=job,
                organo=organo,
                destinatari="\n".join(organo.indirizzi),
                inviato_da=utente if utente is not None and utente.is_authenticated else None,
                messaggio=messaggio,
                protocollo=protocollo,
            )
        )
    for invio in invii:
        transaction.on_commit(partial(_accoda_invio, invia_report, invio.pk))
    return invii


def _accoda_invio(task, invio_id: int) -> None:
    # With the broker down the row stays "da inviare": sorveglia_report sends it later.
    spedisci(task, [invio_id])


def esegui_invio(invio_id: int) -> str:
    """Send one outbox row if it is still to be sent (running twice sends once)."""
    with transaction.atomic():
        invio = (
            InvioReport.objects.select_for_update(of=("self",))
            .select_related("job", "organo", "job__distretto", "job__ambito")
            .filter(pk=invio_id)
            .first()
        )
        if invio is None or invio.stato != InvioReport.Stato.DA_INVIARE:
            return "saltato"
        # One message to the body's addresses: they are a shared list, not private persons.
        invia_modello(
            "report/email/invio_organo",
            invio.indirizzi,
            {"job": invio.job, "organo": invio.organo, "invio": invio, "url": link_documento(invio)},
            settings.LANGUAGE_CODE,
            un_messaggio=True,
        )
        invio.stato = InvioReport.Stato.INVIATO
        invio.inviato_il = timezone.now()
        invio.errore = ""
        invio.save(update_fields=["stato", "inviato_il", "errore"])
    return "inviato"
