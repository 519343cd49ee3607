"""The sending engine of the newsletter.

The delivery row (Consegna, unique per issue and subscriber) is the truth of what was sent:

1. `avvia` (the dispatcher) moves the issue to "in invio", creates the rows of its segment with
   INSERT ... ON CONFLICT DO NOTHING (so running it twice is harmless) and enqueues one Celery task
   per batch of delivery ids.
2. `invia_lotto` (the batch) sends over ONE SMTP connection. It claims its deliveries a few at a time
   with PostgreSQL session-level advisory locks (try-lock: a row claimed by another worker is skipped),
   re-reads them to keep only those still "in attesa", and for each one hands the message to the SMTP
   server and then marks the row "inviata" in its own autocommitted UPDATE, after the server accepted
   THAT message and before the server accepts the next one (the UPDATE runs on a second, non-blocking
   session while the next message's MAIL, RCPT and data travel; that message's final dot waits for the
   commit: see _Spedizione, _Registro, _SecondaSessione); the same
   statement returns the issue's state, so a pause stops the batch before the next message. If the
   worker dies, its session and so its claims vanish with it; the rows not yet marked stay "in attesa":
   the only message in doubt is the one accepted and not yet recorded at that instant (it may be
   delivered again; its Message-ID is stable so receivers can de-duplicate it).
3. Tasks are acks_late. A task whose worker was killed is redelivered by the broker only after its
   visibility timeout (long, because it must exceed the longest task); `riprendi_invii` (Celery beat)
   re-enqueues the pending rows of any send that made no progress for NEWSLETTER_RESUME_AFTER seconds,
   so recovery does not depend on the broker. Duplicated batch tasks are harmless (row claims).
4. Temporary SMTP errors (4xx, lost connections) leave the row "in attesa" and retry the batch with a
   growing countdown; permanent ones (5xx) are recorded on the row. The pace is limited across all
   workers to NEWSLETTER_RATE_LIMIT messages per second (limiti.attendi_turno).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import re
import select
import smtplib
import socket
import time
from dataclasses import dataclass
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.db import connection, transaction
from django.db.models import Max, Q
from django.utils import timezone

from . import limiti, rendering, tasks
from .models import Consegna, Iscritto, Numero, StatoConsegna, StatoIscritto, StatoNumero
from .rendering import Profilo, message_id, messaggio, rendi_numero

logger = logging.getLogger(__name__)

MAX_TENTATIVI = 5  # per delivery, for temporary refusals of that recipient
BLOCCO_INSERIMENTO = 5000


class ErroreTemporaneo(Exception):
    """The SMTP server or the connection failed temporarily: retry the batch later."""


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
        transaction.on_commit(lambda: tasks.avvia_invio.delay(numero.pk))
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
            tasks.invia_lotto.delay(numero_id, lotto)

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
        tasks.avvia_invio.delay(numero_id)
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


# --- Batch ----------------------------------------------------------------------------------------
def _classifica(exc: Exception) -> tuple[bool, str]:
    """(permanent?, description) of an SMTP failure for one recipient."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codici = [codice for codice, _msg in exc.recipients.values()]
        permanente = bool(codici) and all(codice >= 500 for codice in codici)
        return permanente, "; ".join(f"{c} {m!r}" for c, m in exc.recipients.values())[:1000]
    if isinstance(exc, smtplib.SMTPResponseException) and not isinstance(exc, smtplib.SMTPConnectError):
        return exc.smtp_code >= 500, f"{exc.smtp_code} {exc.smtp_error!r}"[:1000]
    if isinstance(exc, OSError | smtplib.SMTPException):  # lost connection, timeout, refused
        raise ErroreTemporaneo(str(exc)) from exc
    raise exc  # a bug, not a delivery problem: let the task fail loudly


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
# stays stuck. SQLite (the zero-setup demo, tasks inline in one process) needs no claim.
SPAZIO_LOCK = 0x4E4C  # "NL": namespace of the newsletter's advisory locks (key = delivery id)
GRUPPO = 100  # deliveries claimed per round trip (each group ends with a record not overlapped)


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def _blocca(ids: list[int]) -> list[int]:
    """Claim the still pending deliveries among `ids` (try-lock, never waits): the ids claimed."""
    if not _postgres():
        return list(
            Consegna.objects.filter(pk__in=ids, stato=StatoConsegna.IN_ATTESA).values_list("pk", flat=True)
        )
    tabella = Consegna._meta.db_table
    with connection.cursor() as cursore:
        # OFFSET 0 keeps the subquery apart, so the lock is only tried on rows that passed the filter.
        cursore.execute(
            f"SELECT s.id FROM (SELECT id FROM {tabella} WHERE id = ANY(%s) AND stato = %s "  # noqa: S608 - table name from the model  # nosec B608
            "ORDER BY id OFFSET 0) s WHERE pg_try_advisory_lock(%s, s.id::integer)",
            [list(ids), StatoConsegna.IN_ATTESA, SPAZIO_LOCK],
        )
        return [riga[0] for riga in cursore.fetchall()]


def _sblocca(ids: list[int]) -> None:
    if ids and _postgres():
        with connection.cursor() as cursore:
            cursore.execute(
                "SELECT pg_advisory_unlock(%s, x::integer) FROM unnest(%s::bigint[]) x",
                [SPAZIO_LOCK, list(ids)],
            )


def _segna(consegna: Consegna, numero_id: int, **campi) -> bool:
    """Record the outcome of one delivery (its own commit) and say whether the issue is still sending.

    One round trip on PostgreSQL: the pause check before the next message rides on this UPDATE.
    """
    campi["tentativi"] = consegna.tentativi
    if not _postgres():
        Consegna.objects.filter(pk=consegna.pk).update(**campi)
        return _in_invio(numero_id)
    with connection.cursor() as cursore:
        cursore.execute(*_istruzione_segna(consegna.pk, numero_id, campi))
        return _ancora_in_invio(cursore.fetchone())


def _istruzione_segna(consegna_id: int, numero_id: int, campi: dict) -> tuple[str, list]:
    colonne = ", ".join(f"{Consegna._meta.get_field(nome).column} = %s" for nome in campi)
    return (
        f"UPDATE {Consegna._meta.db_table} SET {colonne} WHERE id = %s "  # noqa: S608 - names from the model  # nosec B608
        f"RETURNING (SELECT stato FROM {Numero._meta.db_table} WHERE id = %s)",
        [*campi.values(), consegna_id, numero_id],
    )


def _ancora_in_invio(riga) -> bool:
    return bool(riga) and riga[0] == StatoNumero.IN_INVIO


class _SecondaSessione:
    """A second PostgreSQL session, non-blocking (a psycopg2 asynchronous connection, autocommit): the
    record of an accepted message is sent on it and committed while the same thread carries the next
    message over SMTP, then waited for before that message's final dot. No helper thread, so no wake-up
    latency between the two. Opened per batch, closed at its end (a killed worker's dies with it)."""

    def __init__(self):
        import psycopg2

        self._conn = psycopg2.connect(**connection.get_connection_params(), async_=True)
        self.in_corso = False
        try:
            self._attendi()
            self._cursore = self._conn.cursor()
            if not settings.NEWSLETTER_SYNCHRONOUS_COMMIT:
                self._cursore.execute("SET synchronous_commit TO off")
                self._attendi()
        except BaseException:
            self._conn.close()
            raise

    def _attendi(self) -> None:
        from psycopg2 import OperationalError, extensions

        while True:
            stato = self._conn.poll()  # raises the statement's error, if any
            if stato == extensions.POLL_OK:
                return
            if stato == extensions.POLL_READ:
                select.select([self._conn.fileno()], [], [])
            elif stato == extensions.POLL_WRITE:
                select.select([], [self._conn.fileno()], [])
            else:
                raise OperationalError(f"poll() returned {stato}")

    def avvia(self, istruzione: str, parametri: list) -> None:
        self._cursore.execute(istruzione, parametri)  # returns at once: the server works meanwhile
        self.in_corso = True

    def risultato(self):
        self.in_corso = False
        self._attendi()
        return self._cursore.fetchone()

    def chiudi(self) -> None:
        self._conn.close()


def _commit_asincrono(attivo: bool) -> None:
    """NEWSLETTER_SYNCHRONOUS_COMMIT=false: this session's commits skip the WAL flush wait while the
    batch runs (see settings.py for what that trades); reset afterwards, the connection is reused."""
    if settings.NEWSLETTER_SYNCHRONOUS_COMMIT or not _postgres() or connection.in_atomic_block:
        return
    with connection.cursor() as cursore:
        cursore.execute("SET synchronous_commit TO off" if attivo else "RESET synchronous_commit")


def _in_invio(numero_id: int) -> bool:
    return Numero.objects.filter(pk=numero_id, stato=StatoNumero.IN_INVIO).exists()


def _da_inviare(ids: list[int]) -> list[Consegna]:
    """The claimed rows, read again after the lock (a row sent meanwhile by another worker drops out)."""
    return list(
        Consegna.objects.filter(pk__in=ids, stato=StatoConsegna.IN_ATTESA)
        .select_related("iscritto")
        .only("pk", "tentativi", "iscritto__id", "iscritto__email", "iscritto__chiave", "iscritto__stato",
              "iscritto__lingua")
        .order_by("pk")
    )  # fmt: skip


_PUNTO_A_INIZIO_RIGA = re.compile(rb"(?m)^\.")


def _rset(smtp: smtplib.SMTP) -> None:
    with contextlib.suppress(smtplib.SMTPServerDisconnected):
        smtp.rset()


def _prepara(smtp: smtplib.SMTP, mittente: str, destinatario: str, dati: bytes) -> None:
    """What smtplib.SMTP.sendmail does for one recipient, up to the message data but not the final dot
    (the same commands; the same replies raise the same exceptions after the same RSET or close)."""
    smtp.ehlo_or_helo_if_needed()
    opzioni = [f"size={len(dati)}"] if smtp.does_esmtp and smtp.has_extn("size") else []
    codice, risposta = smtp.mail(mittente, opzioni)
    if codice != 250:
        smtp.close() if codice == 421 else _rset(smtp)
        raise smtplib.SMTPSenderRefused(codice, risposta, mittente)
    codice, risposta = smtp.rcpt(destinatario)
    if codice not in (250, 251):
        smtp.close() if codice == 421 else _rset(smtp)
        raise smtplib.SMTPRecipientsRefused({destinatario: (codice, risposta)})
    smtp.putcmd("data")
    codice, risposta = smtp.getreply()
    if codice != 354:
        raise smtplib.SMTPDataError(codice, risposta)
    if dati.startswith(b".") or b"\n." in dati:  # a scan instead of the regex when nothing to stuff
        dati = _PUNTO_A_INIZIO_RIGA.sub(b"..", dati)
    smtp.send(dati if dati.endswith(b"\r\n") else dati + b"\r\n")


def _concludi(smtp: smtplib.SMTP) -> None:
    """The final dot of the transaction _prepara left open: the server accepts the message or refuses it."""
    smtp.send(b".\r\n")
    codice, risposta = smtp.getreply()
    if codice != 250:
        smtp.close() if codice == 421 else _rset(smtp)
        raise smtplib.SMTPDataError(codice, risposta)


class _Spedizione:
    """Sends over ONE open connection.

    With Django's SMTP backend each profile's message is generated once as bytes with placeholders and each
    recipient's copy is a byte substitution (the MIME generator costs more than the SMTP exchange), and each
    SMTP transaction goes in two steps: `prepara` (MAIL, RCPT, DATA and the message) and `concludi` (the
    final dot: only then does the server take the message). Between the two the record of the previous
    message is waited for (_Registro), so at any instant at most one message is accepted and not yet
    recorded. A transaction whose dot never comes (pause, kill, error) is dropped by the server when the
    connection closes (RFC 5321, 4.1.1.4).

    Any other backend (tests: locmem), and addresses that need Django's encoder, get real EmailMessage
    objects through send_messages."""

    def __init__(self, connessione):
        self.connessione = connessione
        self.veloce = isinstance(connessione, SMTPBackend)
        self.mittente = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
        if self.veloce and connessione.connection.sock is not None:
            # The final dot is a small write right after the message data: with Nagle's algorithm it
            # would wait for the server's delayed ACK of that data (tens of milliseconds per message).
            with contextlib.suppress(OSError):
                connessione.connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def grezzo(self, contenuto: rendering.Contenuto, iscritto: Iscritto, msgid: str) -> bytes | None:
        """The recipient's message bytes for the two-step path, or None (send it with `invia`)."""
        if not self.veloce:
            return None
        modello = contenuto.modello_grezzo()
        return modello.per(iscritto, msgid) if modello else None

    def invia(self, contenuto: rendering.Contenuto, iscritto: Iscritto, msgid: str) -> None:
        self.connessione.send_messages([messaggio(contenuto, iscritto, msgid)])

    def prepara(self, destinatario: str, dati: bytes) -> None:
        _prepara(self.connessione.connection, self.mittente, destinatario, dati)

    def concludi(self) -> None:
        _concludi(self.connessione.connection)

    def interrompi(self) -> None:
        """Close the socket without the final dot: the open transaction is discarded."""
        self.connessione.connection.close()


def _seconda_sessione() -> _SecondaSessione | None:
    """The second session, or None (records on the main session, one after the other) if it cannot open."""
    import psycopg2

    try:
        return _SecondaSessione()
    except psycopg2.Error:
        logger.warning("newsletter: seconda sessione non disponibile, registro in sequenza", exc_info=True)
        return None


class _Registro:
    """The outcome records of a batch, each committed on its own. The record of an accepted message
    waits (`rimanda`) while the next message travels: `avvia` sends it on the second session when there
    is one (outside any transaction, on PostgreSQL), `scarica` writes it or waits for it; any other
    record writes it first. Each write says whether the issue is still sending."""

    def __init__(self, numero_id: int, seconda: _SecondaSessione | None = None):
        self.numero_id = numero_id
        self._seconda = seconda
        self._pendente: tuple[Consegna, str, dt.datetime] | None = None

    def rimanda(self, consegna: Consegna, msgid: str) -> None:
        self._pendente = (consegna, msgid, timezone.now())

    def _campi(self) -> tuple[Consegna, dict]:
        consegna, msgid, quando = self._pendente
        self._pendente = None
        campi = {"stato": StatoConsegna.INVIATA, "inviata_il": quando, "message_id": msgid, "errore": ""}
        return consegna, campi

    def avvia(self) -> None:
        """Start the deferred record on the second session, without waiting for it."""
        if self._pendente is not None and self._seconda is not None and not self._seconda.in_corso:
            consegna, campi = self._campi()
            campi["tentativi"] = consegna.tentativi
            self._seconda.avvia(*_istruzione_segna(consegna.pk, self.numero_id, campi))

    def scarica(self) -> bool:
        if self._seconda is not None and self._seconda.in_corso:
            return _ancora_in_invio(self._seconda.risultato())
        if self._pendente is None:
            return True
        consegna, campi = self._campi()
        return _segna(consegna, self.numero_id, **campi)

    def segna(self, consegna: Consegna, **campi) -> bool:
        ancora = self.scarica()
        return _segna(consegna, self.numero_id, **campi) and ancora


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
    numero = Numero.objects.filter(pk=numero_id).first()
    if numero is None or numero.stato != StatoNumero.IN_INVIO:
        esito.fermato = True
        return esito
    profili = _interessi(consegna_ids)
    edizione = _edizione(numero)
    inizio = time.monotonic()
    connessione = get_connection(fail_silently=False)
    guasto: ErroreTemporaneo | None = None
    bloccati: list[int] = []
    seconda: _SecondaSessione | None = None
    try:
        connessione.open()  # once: send_messages() then reuses it instead of opening one per message
        _commit_asincrono(True)
        spedizione = _Spedizione(connessione)
        if spedizione.veloce and _postgres() and not connection.in_atomic_block:
            seconda = _seconda_sessione()  # inside a transaction (tests) its rows would be invisible to it
        registro = _Registro(numero_id, seconda)
        for posizione in range(0, len(consegna_ids), GRUPPO):
            if time.monotonic() - inizio > tasks.DURATA_MASSIMA_LOTTO:
                esito.resto = consegna_ids[posizione:]
                break
            if not _in_invio(numero_id):
                esito.fermato = True
                break
            bloccati = _blocca(consegna_ids[posizione : posizione + GRUPPO])
            try:
                guasto = _invia_gruppo(spedizione, registro, _da_inviare(bloccati), edizione, profili, esito)
            finally:
                # The last accepted message is recorded before its claim goes, whatever stopped the group.
                if not registro.scarica():
                    esito.fermato = True
            _sblocca(bloccati)
            bloccati = []
            if guasto is not None or esito.fermato:
                break
    except (OSError, smtplib.SMTPException) as exc:
        raise ErroreTemporaneo(str(exc)) from exc
    finally:
        if seconda is not None:
            seconda.chiudi()
        _sblocca(bloccati)
        _commit_asincrono(False)
        try:
            connessione.close()
        except (OSError, smtplib.SMTPException):
            logger.info("newsletter %s: chiusura della connessione SMTP non riuscita", numero_id)
    if guasto is not None:
        raise guasto
    if esito.resto:
        tasks.invia_lotto.delay(numero_id, esito.resto)
    elif not esito.fermato:
        chiudi_se_finito(numero_id)
    return esito


def _invia_gruppo(
    spedizione: _Spedizione,
    registro: _Registro,
    righe: list[Consegna],
    edizione: rendering.Edizione,
    profili: dict[int, Profilo],
    esito: EsitoLotto,
) -> ErroreTemporaneo | None:
    """Send the claimed rows of one group; the temporary failure that must retry the batch, if any.

    Sets esito.fermato when the issue stopped sending: nothing more goes out after the record that
    said so (a message carried up to its dot meanwhile is dropped with the connection)."""
    numero_id = registro.numero_id
    for consegna in righe:
        iscritto = consegna.iscritto
        if iscritto.stato != StatoIscritto.CONFERMATO:
            esito.saltate += 1
            if not registro.segna(consegna, stato=StatoConsegna.SALTATA):
                esito.fermato = True
                return None
            continue
        consegna.tentativi += 1
        contenuto = edizione.per(profili.get(iscritto.pk) or Profilo(lingua=iscritto.lingua))
        msgid = message_id(numero_id, consegna.pk)
        dati = spedizione.grezzo(contenuto, iscritto, msgid)
        limiti.attendi_turno(settings.NEWSLETTER_RATE_LIMIT)
        try:
            if dati is None:
                if not registro.scarica():
                    esito.fermato = True
                    return None
                spedizione.invia(contenuto, iscritto, msgid)
            else:
                registro.avvia()  # the previous message's record commits while this one travels
                try:
                    spedizione.prepara(iscritto.email, dati)
                    errore = None
                except Exception as exc:  # noqa: BLE001 - raised below, once the previous record is in
                    errore = exc
                ancora = registro.scarica()
                if not ancora:
                    spedizione.interrompi()  # paused meanwhile: this message never gets its dot
                    esito.fermato = True
                    return None
                if errore is not None:
                    raise errore
                spedizione.concludi()
        except Exception as exc:  # noqa: BLE001 - classified below, unknown ones re-raised
            try:
                permanente, descrizione = _classifica(exc)
            except ErroreTemporaneo as temporaneo:
                registro.segna(consegna, errore=str(exc)[:1000])  # the attempt, then retry
                return temporaneo
            if permanente or consegna.tentativi >= MAX_TENTATIVI:
                stato = StatoConsegna.ERRORE_PERMANENTE if permanente else StatoConsegna.ERRORE_TEMPORANEO
                esito.fallite += 1
                ancora = registro.segna(consegna, stato=stato, errore=descrizione)
            else:
                esito.da_riprovare += 1
                ancora = registro.segna(consegna, errore=descrizione)
            if not ancora:
                esito.fermato = True
                return None
            continue
        # The server accepted this message: its record is committed before the next one is accepted.
        esito.inviate += 1
        registro.rimanda(consegna, msgid)
    return None


def invia_prova(numero_id: int, email: str) -> None:
    """Send the issue to one address (the staff member's own), marked as a test, without a delivery row."""
    numero = Numero.objects.get(pk=numero_id)
    contenuto = rendi_numero(numero, Profilo())
    contenuto.oggetto = f"[PROVA] {contenuto.oggetto}"
    finto = Iscritto(email=email)
    messaggio(contenuto, finto, message_id(numero_id, 0)).send()
