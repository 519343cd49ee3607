"""Bounces reported after the SMTP conversation: delivery status notifications (DSN, RFC 3464) that the
provider sends to a bounce mailbox, read by a periodic task (newsletter.leggi_rimbalzi) over POP3 or IMAP.

NEWSLETTER_BOUNCE_MAILBOX is a URL: pop3://user:password@host:110, pop3s://…:995, imap://…:143 or
imaps://…:993 (for IMAP, the path is the folder, INBOX by default). Each DSN is matched to the delivery
by the Message-ID of the original message (ours are stable per delivery: newsletter.<issue>.<row>@…):
a permanent failure (status 5.x.x) is a hard bounce (counted towards NEWSLETTER_BOUNCE_LIMIT, then the
address is paused), a temporary one (4.x.x, "delayed") a soft bounce, recorded and retried by the
provider. Messages read are deleted from the mailbox, whatever they were (the mailbox is for bounces).
"""

from __future__ import annotations

import email
import imaplib
import logging
import poplib
import re
from dataclasses import dataclass
from email.message import Message
from urllib.parse import unquote, urlsplit

from django.conf import settings

from .models import Consegna

logger = logging.getLogger(__name__)

MASSIMO_PER_GIRO = 500  # messages read per run (the next run reads the rest)
_MSGID = re.compile(r"<newsletter\.\d+\.\d+@[^>]+>")


@dataclass(frozen=True)
class Rimbalzo:
    message_id: str
    destinatario: str
    permanente: bool
    motivo: str


def analizza(grezzo: bytes) -> list[Rimbalzo]:
    """The bounces a DSN reports ([] for any other message)."""
    msg = email.message_from_bytes(grezzo)
    if msg.get_content_type() != "multipart/report":
        return []
    originale = ""
    stati: list[Message] = []
    for parte in msg.walk():
        tipo = parte.get_content_type()
        if tipo == "message/delivery-status":
            # The first block is per message, the others per recipient.
            blocchi = parte.get_payload()
            if isinstance(blocchi, list):
                stati.extend(b for b in blocchi[1:] if isinstance(b, Message))
        elif tipo in ("message/rfc822", "text/rfc822-headers") and not originale:
            contenuto = parte.get_payload()
            if isinstance(contenuto, list) and contenuto and isinstance(contenuto[0], Message):
                testo = contenuto[0].as_string()
            else:
                testo = str(contenuto)
            trovato = _MSGID.search(testo)
            originale = trovato.group(0) if trovato else ""
    if not originale:
        return []
    risultato = []
    for blocco in stati:
        azione = (blocco.get("Action") or "").strip().lower()
        stato = (blocco.get("Status") or "").strip()
        if azione not in ("failed", "delayed"):
            continue
        destinatario = (blocco.get("Final-Recipient") or "").rpartition(";")[2].strip()
        diagnosi = " ".join((blocco.get("Diagnostic-Code") or "").split())
        risultato.append(
            Rimbalzo(
                message_id=originale,
                destinatario=destinatario,
                permanente=azione == "failed" and stato.startswith("5"),
                motivo=f"{stato} {diagnosi}".strip()[:1000],
            )
        )
    return risultato


def registra(rimbalzo: Rimbalzo) -> bool:
    """Record a bounce on its delivery (and, when hard, on the subscriber). False: no such delivery."""
    from .invio import rimbalzo_permanente

    consegna = Consegna.objects.filter(message_id=rimbalzo.message_id).only("pk", "iscritto_id").first()
    if consegna is None:
        return False
    tipo = "hard" if rimbalzo.permanente else "soft"
    Consegna.objects.filter(pk=consegna.pk).update(rimbalzo=tipo, errore=rimbalzo.motivo)
    if rimbalzo.permanente:
        rimbalzo_permanente(consegna.iscritto_id, rimbalzo.motivo)
    return True


def _messaggi_pop3(url) -> list[bytes]:
    classe = poplib.POP3_SSL if url.scheme == "pop3s" else poplib.POP3
    porta = url.port or (995 if url.scheme == "pop3s" else 110)
    casella = classe(url.hostname, porta, timeout=30)
    try:
        casella.user(unquote(url.username or ""))
        casella.pass_(unquote(url.password or ""))
        quanti = len(casella.list()[1])
        letti = []
        for numero in range(1, min(quanti, MASSIMO_PER_GIRO) + 1):
            letti.append(b"\r\n".join(casella.retr(numero)[1]))
            casella.dele(numero)
        return letti
    finally:
        casella.quit()  # deletions take effect here


def _messaggi_imap(url) -> list[bytes]:
    classe = imaplib.IMAP4_SSL if url.scheme == "imaps" else imaplib.IMAP4
    porta = url.port or (993 if url.scheme == "imaps" else 143)
    casella = classe(url.hostname, porta, timeout=30)
    try:
        casella.login(unquote(url.username or ""), unquote(url.password or ""))
        casella.select(unquote(url.path.strip("/")) or "INBOX")
        _stato, dati = casella.search(None, "ALL")
        letti = []
        for grezzo_numero in (dati[0] or b"").split()[:MASSIMO_PER_GIRO]:
            numero = grezzo_numero.decode() if isinstance(grezzo_numero, bytes) else str(grezzo_numero)
            _stato, parti = casella.fetch(numero, "(RFC822)")
            letti.append(next(p[1] for p in parti if isinstance(p, tuple)))
            casella.store(numero, "+FLAGS", "\\Deleted")
        casella.expunge()
        return letti
    finally:
        casella.logout()


def leggi_casella() -> dict[str, int]:
    """Read the bounce mailbox once (the periodic task): counts of messages, hard and soft bounces."""
    indirizzo = settings.NEWSLETTER_BOUNCE_MAILBOX
    esito = {"messaggi": 0, "permanenti": 0, "temporanei": 0}
    if not indirizzo:
        return esito
    url = urlsplit(indirizzo)
    if url.scheme in ("pop3", "pop3s"):
        messaggi = _messaggi_pop3(url)
    elif url.scheme in ("imap", "imaps"):
        messaggi = _messaggi_imap(url)
    else:
        raise ValueError(f"NEWSLETTER_BOUNCE_MAILBOX: unknown scheme {url.scheme!r}")
    for grezzo in messaggi:
        esito["messaggi"] += 1
        for rimbalzo in analizza(grezzo):
            if registra(rimbalzo):
                esito["permanenti" if rimbalzo.permanente else "temporanei"] += 1
    logger.info("newsletter: casella dei rimbalzi letta: %s", esito)
    return esito
