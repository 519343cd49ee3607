"""The sending engine of the newsletter: who gets an issue, in which batches, and the record of what
was sent.

The delivery row (Consegna, unique per issue and subscriber) is the truth of what was sent:

1. `avvia` (the dispatcher) moves the issue to "in invio", creates the rows of its segment with
   INSERT ... ON CONFLICT DO NOTHING (so running it twice is harmless) and enqueues one Celery task
   per batch of delivery ids.
2. `invia_lotto` (the batch) claims its rows with PostgreSQL session-level advisory locks (try-lock: a
   row claimed by another worker is skipped), re-reads them to keep only those still "in attesa", and
   for each one sends the message through ONE Django e-mail connection opened for the batch, then marks
   the row "inviata" in its own autocommitted UPDATE before the next message goes. The same step reads
   the issue's state, so a pause stops the batch before the next message. If the worker dies, its
   session and so its claims vanish with it and the rows not yet marked stay "in attesa": the only
   message in doubt is the one the server accepted and the row does not record yet (it may be
   delivered again; its Message-ID is stable so receivers can de-duplicate it).
3. Tasks are acks_late. A task whose worker was killed is redelivered by the broker only after its
   visibility timeout (long, because it must exceed the longest task); `riprendi_fermi` (Celery beat)
   re-enqueues the pending rows of any send that made no progress for NEWSLETTER_RESUME_AFTER seconds,
   so recovery does not depend on the broker. Duplicated batch tasks are harmless (row claims).
4. Temporary SMTP errors (4xx, lost connections) leave the row "in attesa" and retry the batch with a
   growing countdown; permanent ones (5xx) are recorded on the row. The pace is limited across all
   workers to NEWSLETTER_RATE_LIMIT messages per second (limiti.attendi_turno).
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import get_connection
from django.db import connection, transaction
from django.db.models import F, Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from alternanza.core.compiti import accoda, spedisci

from . import limiti, rendering, tasks
from .models import Consegna, Iscritto, Numero, StatoConsegna, StatoIscritto, StatoNumero
from .rendering import Profilo, message_id, message_id_prova, messaggio, rendi_numero

logger = logging.getLogger(__name__)

MAX_TENTATIVI = 5  # per delivery, for temporary refusals of that recipient
BLOCCO_INSERIMENTO = 5000


class ErroreTemporaneo(Exception):
    """The SMTP server or the connection failed temporarily: retry the batch later."""


# Rendering errors that retrying cannot fix: the issue's own data is wrong (a date out of range...).
ERRORI_DEI_DATI = (OverflowError, ValueError, TypeError, ArithmeticError)


class ErroreDeiDati(Exception):
    """Rendering the issue failed for a reason in its data (ERRORI_DEI_DATI): stop, do not retry."""


def segna_errore(numero_id: int, exc: BaseException) -> bool:
    """Stop the send for good: state "errore" with the reason in words, a mail to whoever wrote the
    issue. The resume task only picks sends "in invio", so it never re-queues this one."""
    causa = exc.__cause__ if isinstance(exc, ErroreDeiDati) and exc.__cause__ else exc
    motivo = _(
        "Il numero non si può comporre con i suoi dati (%(errore)s): l'invio è fermo e non verrà "
        "ripreso. Correggi i dati (per esempio le date dei blocchi automatici) in una copia del numero."
    ) % {"errore": f"{type(causa).__name__}: {causa}"}
    aggiornati = Numero.objects.filter(pk=numero_id, stato=StatoNumero.IN_INVIO).update(
        stato=StatoNumero.ERRORE, errore=motivo[:2000]
    )
    if not aggiornati:
        return False
    logger.error("newsletter %s: invio fermato per un errore nei dati: %r", numero_id, exc)
    numero = Numero.objects.select_related("creato_da").get(pk=numero_id)
    autore = numero.creato_da
    if autore is not None and autore.email:
        from alternanza.core.email import destinatari_utenti, invia_modello

        invia_modello(
            "newsletter/email/errore",
            destinatari_utenti(type(autore).objects.filter(pk=autore.pk)),
            {
                "numero": numero,
                "motivo": motivo,
                "url_numero": settings.SITE_URL + reverse("newsletter:numero", kwargs={"pk": numero.pk}),
                "css": rendering.css_email(),
            },
            elabora_html=rendering.in_linea,
        )
    return True


@dataclass
class EsitoLotto:
    inviate: int = 0
    fallite: int = 0
    saltate: int = 0
    da_riprovare: int = 0  # temporarily refused recipients still "in attesa"
    fermato: bool = False  # the issue was paused (or is no longer sending)
    resto: list[int] | None = None  # ids handed over to a follow-up task (time budget used up)


# --- Staff actions --------------------------------------------------------------------------------
def invia_ora(numero: Numero) -> bool:
    """Start sending as soon as a worker is free. False if the issue was already sent or sending."""
    aggiornati = Numero.objects.filter(
        pk=numero.pk, stato__in=[StatoNumero.BOZZA, StatoNumero.PROGRAMMATO]
    ).update(stato=StatoNumero.PROGRAMMATO, programmato_per=timezone.now())
    if aggiornati:
        accoda(tasks.avvia_invio, numero.pk)  # while Redis is down, avvia_programmati starts it too
    return bool(aggiornati)


def programma(numero: Numero, quando) -> bool:
    """Schedule the send (the periodic task newsletter.avvia_programmati starts it)."""
    return bool(
        Numero.objects.filter(pk=numero.pk, stato__in=[StatoNumero.BOZZA, StatoNumero.PROGRAMMATO]).update(
            stato=StatoNumero.PROGRAMMATO, programmato_per=quando
        )
    )


def annulla_programmazione(numero: Numero) -> bool:
    return bool(
        Numero.objects.filter(pk=numero.pk, stato=StatoNumero.PROGRAMMATO).update(
            stato=StatoNumero.BOZZA, programmato_per=None
        )
    )


def annulla(numero: Numero) -> bool:
    """Cancel a scheduled, running or paused send: every batch stops before its next message (each
    worker sends at most the message it has in hand), the pending deliveries are never sent."""
    return bool(
        Numero.objects.filter(
            pk=numero.pk, stato__in=[StatoNumero.PROGRAMMATO, StatoNumero.IN_INVIO, StatoNumero.IN_PAUSA]
        ).update(stato=StatoNumero.ANNULLATO)
    )


def pausa(numero: Numero) -> bool:
    """Pause: every batch stops before its next message."""
    return bool(
        Numero.objects.filter(pk=numero.pk, stato=StatoNumero.IN_INVIO).update(stato=StatoNumero.IN_PAUSA)
    )


def riprendi(numero: Numero) -> bool:
    """Resume a paused send: the pending deliveries are enqueued again."""
    aggiornati = Numero.objects.filter(pk=numero.pk, stato=StatoNumero.IN_PAUSA).update(
        stato=StatoNumero.IN_INVIO
    )
    if aggiornati:
        transaction.on_commit(lambda: accoda_lotti(numero.pk))
    return bool(aggiornati)


# --- Dispatcher -----------------------------------------------------------------------------------
def avvia(numero_id: int, ripresa: bool = False) -> int:
    """Create the deliveries of the issue's segment and enqueue the batches. Idempotent.

    A scheduled issue is started once (a second dispatcher task finds it "in invio" and stops); with
    `ripresa` (riprendi_fermi) a send already under way gets its missing rows and pending batches again.
    Returns the number of batches enqueued.
    """
    with transaction.atomic():
        numero = Numero.objects.select_for_update().filter(pk=numero_id).first()
        if numero is None:
            return 0
        if numero.stato == StatoNumero.PROGRAMMATO:
            numero.stato = StatoNumero.IN_INVIO
            numero.avviato_il = numero.avviato_il or timezone.now()
            numero.save(update_fields=["stato", "avviato_il"])
        elif not (ripresa and numero.stato == StatoNumero.IN_INVIO):
            return 0
    if not ripresa:
        try:
            rendering.congela_generiche(numero)
        except ERRORI_DEI_DATI as exc:
            segna_errore(numero.pk, exc)
            return 0
    crea_consegne(numero)
    numero.totale_destinatari = numero.consegne.count()
    numero.save(update_fields=["totale_destinatari"])
    logger.info("newsletter %s: invio avviato, %s destinatari", numero.pk, numero.totale_destinatari)
    return accoda_lotti(numero.pk)


def crea_consegne(numero: Numero) -> None:
    """One row per recipient of the segment; rows that exist already are left alone (ON CONFLICT)."""
    ids = numero.destinatari().order_by("pk").values_list("pk", flat=True)
    blocco: list[Consegna] = []
    for iscritto_id in ids.iterator(chunk_size=BLOCCO_INSERIMENTO):
        blocco.append(Consegna(numero_id=numero.pk, iscritto_id=iscritto_id))
        if len(blocco) >= BLOCCO_INSERIMENTO:
            Consegna.objects.bulk_create(blocco, ignore_conflicts=True)
            blocco = []
    if blocco:
        Consegna.objects.bulk_create(blocco, ignore_conflicts=True)


def accoda_lotti(numero_id: int) -> int:
    """Enqueue one task per batch of the issue's pending deliveries (after the current commit)."""
    ids = list(
        Consegna.objects.filter(numero_id=numero_id, stato=StatoConsegna.IN_ATTESA)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    dimensione = max(1, settings.NEWSLETTER_BATCH_SIZE)
    lotti = [ids[i : i + dimensione] for i in range(0, len(ids), dimensione)]

    def _accoda():
        for lotto in lotti:
            spedisci(tasks.invia_lotto, [numero_id, lotto])  # broker down: riprendi_fermi resumes it

    transaction.on_commit(_accoda)
    if not lotti:
        chiudi_se_finito(numero_id)
    return len(lotti)


def avvia_programmati() -> list[int]:
    """Start the scheduled issues whose time has come (a dispatcher task each)."""
    ids = list(
        Numero.objects.filter(stato=StatoNumero.PROGRAMMATO, programmato_per__lte=timezone.now()).values_list(
            "pk", flat=True
        )
    )
    for numero_id in ids:
        spedisci(tasks.avvia_invio, [numero_id])  # broker down: still "programmato", the next tick
    return ids


def riprendi_fermi(dopo_secondi: int | None = None) -> list[int]:
    """Re-enqueue the sends that made no progress for `dopo_secondi` (a worker died mid-batch)."""
    dopo_secondi = settings.NEWSLETTER_RESUME_AFTER if dopo_secondi is None else dopo_secondi
    adesso = timezone.now()
    limite = adesso - dt.timedelta(seconds=dopo_secondi)
    ripresi = []
    # Not again within `dopo_secondi` of the last resume: if the workers are merely busy elsewhere, the
    # queue gets at most one extra copy of the batches per period instead of one per beat tick.
    candidati = Numero.objects.filter(stato=StatoNumero.IN_INVIO).filter(
        Q(ripreso_il__isnull=True) | Q(ripreso_il__lte=limite)
    )
    for numero in candidati:
        ultimo = numero.consegne.aggregate(m=Max("inviata_il"))["m"] or numero.avviato_il
        if ultimo and ultimo > limite:
            continue
        if not Numero.objects.filter(pk=numero.pk, ripreso_il=numero.ripreso_il).update(ripreso_il=adesso):
            continue  # another beat tick took it
        logger.warning("newsletter %s: nessun progresso da %ss, riaccodo i lotti", numero.pk, dopo_secondi)
        avvia(numero.pk, ripresa=True)
        ripresi.append(numero.pk)
    return ripresi


def chiudi_se_finito(numero_id: int) -> bool:
    """Mark the issue sent when no delivery is pending any more."""
    if Consegna.objects.filter(numero_id=numero_id, stato=StatoConsegna.IN_ATTESA).exists():
        return False
    return bool(
        Numero.objects.filter(pk=numero_id, stato=StatoNumero.IN_INVIO).update(
            stato=StatoNumero.INVIATO, inviato_il=timezone.now()
        )
    )


# --- Batch ---------------------------------------------------------------------------------------
def _interessi(ids: list[int]) -> dict[int, Profilo]:
    """Profiles (interests, language) of the batch's subscribers, in three queries of plain values (the
    same profiles as Profilo.di over prefetched instances, without two related managers per subscriber)."""
    lingue = dict(Iscritto.objects.filter(consegne__pk__in=ids).values_list("pk", "lingua"))
    interessi: dict[str, dict[int, list[int]]] = {}
    for nome, colonna in (("distretti", "distretto_id"), ("ambiti", "ambitotematico_id")):
        per_iscritto = interessi[nome] = {}
        righe = getattr(Iscritto, nome).through.objects.filter(iscritto_id__in=list(lingue))
        for iscritto_id, altro_id in righe.values_list("iscritto_id", colonna):
            per_iscritto.setdefault(iscritto_id, []).append(altro_id)
    return {
        pk: Profilo(
            distretti=tuple(sorted(interessi["distretti"].get(pk, ()))),
            ambiti=tuple(sorted(interessi["ambiti"].get(pk, ()))),
            lingua=lingua or "it",
        )
        for pk, lingua in lingue.items()
    }


# Claims are PostgreSQL session-level advisory locks (the technique of the Que and GoodJob job queues):
# they hold across the per-message commits and vanish with the session when a worker dies, so nothing
# stays stuck.
SPAZIO_LOCK = 0x4E4C  # "NL": namespace of the newsletter's advisory locks (key = delivery id)


def _blocca(ids: list[int]) -> list[int]:
    """Claim the still pending deliveries among `ids` (try-lock, never waits): the ids claimed."""
    with connection.cursor() as cursore:
        # OFFSET 0 keeps the subquery apart, so the lock is only tried on rows that passed the filter.
        cursore.execute(
            f"SELECT s.id FROM (SELECT id FROM {Consegna._meta.db_table} WHERE id = ANY(%s) AND stato = %s "  # noqa: S608 - table name from the model  # nosec B608
            "ORDER BY id OFFSET 0) s WHERE pg_try_advisory_lock(%s, s.id::integer)",
            [list(ids), StatoConsegna.IN_ATTESA, SPAZIO_LOCK],
        )
        return [riga[0] for riga in cursore.fetchall()]


def _sblocca(ids: list[int]) -> None:
    if ids:
        with connection.cursor() as cursore:
            cursore.execute(
                "SELECT pg_advisory_unlock(%s, x::integer) FROM unnest(%s::bigint[]) x",
                [SPAZIO_LOCK, list(ids)],
            )


def _da_inviare(ids: list[int]) -> list[Consegna]:
    """The claimed rows, read again after the lock (a row sent meanwhile by another worker drops out)."""
    return list(
        Consegna.objects.filter(pk__in=ids, stato=StatoConsegna.IN_ATTESA)
        .select_related("iscritto")
        .only("pk", "tentativi", "iscritto__id", "iscritto__email", "iscritto__chiave", "iscritto__stato",
              "iscritto__lingua", "iscritto__non_recapitabile_il")
        .order_by("pk")
    )  # fmt: skip


def _segna(consegna: Consegna, numero_id: int, **campi) -> bool:
    """Record the outcome of one delivery (autocommitted: a Celery task runs outside any transaction)
    and say whether the issue is still sending, so a pause stops the batch before the next message."""
    Consegna.objects.filter(pk=consegna.pk).update(tentativi=consegna.tentativi, **campi)
    return Numero.objects.filter(pk=numero_id, stato=StatoNumero.IN_INVIO).exists()


def _rifiuto(exc: Exception) -> tuple[int, str] | None:
    """(SMTP code, description) when the server answered this message with a refusal; None when the
    connection itself failed (then no recipient is to blame and the batch is retried later)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):  # one recipient per message
        codice, risposta = next(iter(exc.recipients.values()))
        return codice, f"{codice} {_testo(risposta)}"[:1000]
    if isinstance(exc, smtplib.SMTPResponseException) and not isinstance(exc, smtplib.SMTPConnectError):
        return exc.smtp_code, f"{exc.smtp_code} {_testo(exc.smtp_error)}"[:1000]
    return None


def _testo(risposta: bytes | str) -> str:
    """The server's words as staff read them ("5.1.1 User unknown"), not Python's b'...' of the bytes."""
    return risposta.decode("utf-8", "replace") if isinstance(risposta, bytes) else str(risposta)


_EDIZIONI: dict[tuple, rendering.Edizione] = {}


def _edizione(numero: Numero) -> rendering.Edizione:
    """The issue's rendering state, kept across the batches this process runs (the last two issues)."""
    chiave = (numero.pk, numero.aggiornato_il)
    if chiave not in _EDIZIONI:
        while len(_EDIZIONI) >= 2:
            _EDIZIONI.pop(next(iter(_EDIZIONI)))
        _EDIZIONI[chiave] = rendering.Edizione(numero)
    return _EDIZIONI[chiave]


def invia_lotto(numero_id: int, consegna_ids: list[int]) -> EsitoLotto:
    """Send the deliveries of one batch that are still pending; see the module docstring.

    Must run outside any transaction (a Celery task): each outcome commits on its own.
    Raises ErroreTemporaneo when the connection fails: the caller retries the batch later.
    """
    esito = EsitoLotto()
    numero = Numero.objects.filter(pk=numero_id, stato=StatoNumero.IN_INVIO).first()
    if numero is None:
        esito.fermato = True
        return esito
    try:
        edizione = _edizione(numero)
    except ERRORI_DEI_DATI as exc:
        segna_errore(numero_id, exc)
        esito.fermato = True
        return esito
    profili = _interessi(consegna_ids)
    scadenza = time.monotonic() + tasks.DURATA_MASSIMA_LOTTO
    bloccati = _blocca(consegna_ids)
    connessione = get_connection(fail_silently=False)
    try:
        connessione.open()  # once: send_messages() then reuses it instead of opening one per message
        righe = _da_inviare(bloccati)
        for posizione, consegna in enumerate(righe):
            if time.monotonic() > scadenza:
                esito.resto = [riga.pk for riga in righe[posizione:]]
                break
            if not _invia(connessione, edizione, profili, consegna, esito):
                esito.fermato = True
                break
    except ErroreDeiDati as exc:
        segna_errore(numero_id, exc)
        esito.fermato = True
    except (OSError, smtplib.SMTPException) as exc:
        raise ErroreTemporaneo(str(exc)) from exc
    finally:
        _sblocca(bloccati)
        try:
            connessione.close()
        except (OSError, smtplib.SMTPException):
            logger.info("newsletter %s: chiusura della connessione SMTP non riuscita", numero_id)
    if esito.resto:
        spedisci(tasks.invia_lotto, [numero_id, esito.resto])
    elif not esito.fermato:
        chiudi_se_finito(numero_id)
    return esito


def _invia(
    connessione, edizione: rendering.Edizione, profili: dict, consegna: Consegna, esito: EsitoLotto
) -> bool:
    """Send one claimed delivery and record its outcome; False when the issue stopped sending."""
    numero_id = edizione.numero.pk
    iscritto = consegna.iscritto
    if iscritto.stato != StatoIscritto.CONFERMATO or iscritto.non_recapitabile_il is not None:
        esito.saltate += 1
        return _segna(consegna, numero_id, stato=StatoConsegna.SALTATA)
    consegna.tentativi += 1
    try:
        contenuto = edizione.per(profili.get(iscritto.pk) or Profilo(lingua=iscritto.lingua))
    except ERRORI_DEI_DATI as exc:
        raise ErroreDeiDati(str(exc)) from exc
    msgid = message_id(numero_id, consegna.pk)
    limiti.attendi_turno(settings.NEWSLETTER_RATE_LIMIT)
    try:
        connessione.send_messages([messaggio(contenuto, iscritto, msgid)])
    except (OSError, smtplib.SMTPException) as exc:
        rifiuto = _rifiuto(exc)
        if rifiuto is None:
            _segna(consegna, numero_id, errore=str(exc)[:1000])  # the attempt counts, then the batch retries
            raise ErroreTemporaneo(str(exc)) from exc
        codice, descrizione = rifiuto
        if codice >= 500:
            rimbalzo_permanente(iscritto.pk, descrizione)
            esito.fallite += 1
            return _segna(
                consegna,
                numero_id,
                stato=StatoConsegna.ERRORE_PERMANENTE,
                errore=descrizione,
                rimbalzo="hard",
            )
        if consegna.tentativi >= MAX_TENTATIVI:
            esito.fallite += 1
            stato = StatoConsegna.ERRORE_PERMANENTE if codice >= 500 else StatoConsegna.ERRORE_TEMPORANEO
            return _segna(consegna, numero_id, stato=stato, errore=descrizione)
        esito.da_riprovare += 1  # stays "in attesa": the task retries the batch for it
        return _segna(consegna, numero_id, errore=descrizione)
    # The server has the message: record it before the next one goes, so a killed worker leaves at
    # most this one in doubt.
    esito.inviate += 1
    campi = {"stato": StatoConsegna.INVIATA, "inviata_il": timezone.now(), "message_id": msgid, "errore": ""}
    return _segna(consegna, numero_id, **campi)


def rimbalzo_permanente(iscritto_id: int, motivo: str) -> bool:
    """Count a hard bounce (5xx at SMTP time, or a permanent DSN); at NEWSLETTER_BOUNCE_LIMIT the
    address is paused as undeliverable, with the reason on its page. True when it was paused now."""
    Iscritto.objects.filter(pk=iscritto_id).update(rimbalzi=F("rimbalzi") + 1)
    return bool(
        Iscritto.objects.filter(
            pk=iscritto_id, rimbalzi__gte=settings.NEWSLETTER_BOUNCE_LIMIT, non_recapitabile_il__isnull=True
        ).update(
            non_recapitabile_il=timezone.now(),
            motivo_pausa=_("Indirizzo non recapitabile: %(motivo)s") % {"motivo": motivo[:500]},
        )
    )


def invia_prova(numero_id: int, indirizzi: list[str] | str, profilo: Profilo | None = None) -> int:
    """Send the issue to the reviewers' addresses, marked as a test, without delivery rows. Each message
    gets a fresh Message-ID (a repeated one makes the providers hide the second proof)."""
    numero = Numero.objects.get(pk=numero_id)
    contenuto = rendi_numero(numero, profilo or Profilo())
    contenuto.oggetto = f"[PROVA] {contenuto.oggetto}"
    elenco = [indirizzi] if isinstance(indirizzi, str) else list(indirizzi)
    messaggi = [messaggio(contenuto, Iscritto(email=email), message_id_prova(numero_id)) for email in elenco]
    connessione = get_connection()
    return connessione.send_messages(messaggi) or 0
