"""The e-mails of a booking (templates eventi/email/prenotazione_<tipo>*): what each carries.

The confirmed booking's mail (and the reminder) carries the event's .ics, the place with an
OpenStreetMap link, the personal link (change, cancel) and the QR code of the check-in link, as an
inline image (Content-ID) and as a link for clients that hide images.
"""

from __future__ import annotations

import io
from email.mime.image import MIMEImage
from urllib.parse import urlencode

import qrcode
from django.conf import settings
from django.db.models import Prefetch
from django.urls import reverse

from alternanza.core.email import invia_modello
from eventi.ical import calendario, luogo_di
from eventi.models import DataEvento, Evento
from eventi.prenotazioni import services
from eventi.prenotazioni.models import MessaggioPrenotati, Prenotazione
from eventi.prenotazioni.tokens import CONFERMA_VALIDITA, token_conferma, token_ingresso, token_personale

TIPI = ("conferma", "confermata", "attesa", "offerta", "annullata", "promemoria", "link")
CON_ALLEGATI = ("confermata", "promemoria")
CID_QR = "qr-ingresso"


def url_mappa(evento: Evento) -> str:
    """An OpenStreetMap search for the event's address (no third-party script, no API key)."""
    parti = [evento.indirizzo, evento.comune.nome if evento.comune is not None else ""]
    testo = ", ".join(p for p in parti if p)
    return "https://www.openstreetmap.org/search?" + urlencode({"query": testo}) if testo else ""


def url_ingresso(p: Prenotazione) -> str:
    return settings.SITE_URL + reverse("eventi:ingresso", kwargs={"token": token_ingresso(p)})


def url_personale(p: Prenotazione) -> str:
    return settings.SITE_URL + reverse("eventi:prenotazione", kwargs={"token": token_personale(p)})


def qr_png(testo: str) -> bytes:
    immagine = qrcode.make(testo, box_size=8, border=2)
    buffer = io.BytesIO()
    immagine.save(buffer, format="PNG")
    return buffer.getvalue()


def _evento_completo(evento_id: int, data_id: int) -> Evento:
    """The event with, as its dates, only the booked one (the mail and its .ics speak of that date)."""
    solo_la_data = Prefetch("date", queryset=DataEvento.objects.filter(pk=data_id))
    return Evento.objects.select_related("comune").prefetch_related(solo_la_data).get(pk=evento_id)


def invia(pk: int, tipo: str) -> int:
    """Send the booking's mail of kind `tipo` in the language the booking was made in."""
    if tipo not in TIPI:
        raise ValueError(tipo)
    if tipo == "promemoria" and not services.segna_promemoria(pk):
        return 0  # already reminded (a task run twice)
    p = Prenotazione.objects.select_related("scuola", "data").get(pk=pk)
    evento = _evento_completo(p.evento_id, p.data_id)
    contesto = {
        "prenotazione": p,
        "evento": evento,
        "date": list(evento.date.all()),
        "luogo": luogo_di(evento),
        "url_evento": settings.SITE_URL + evento.get_absolute_url(),
        "url_mappa": url_mappa(evento),
        "url_personale": url_personale(p),
        "url_conferma": settings.SITE_URL
        + reverse("eventi:prenotazione_conferma", kwargs={"token": token_conferma(p)}),
        "giorni": CONFERMA_VALIDITA // 86400,
        "url_ingresso": url_ingresso(p),
        "cid_qr": CID_QR,
    }
    allegati: list = []
    if tipo in CON_ALLEGATI:
        allegati.append((f"{evento.slug[:80]}.ics", calendario([evento], evento.titolo), "text/calendar"))
        qr = MIMEImage(qr_png(contesto["url_ingresso"]), "png")
        qr.add_header("Content-ID", f"<{CID_QR}>")
        qr.add_header("Content-Disposition", "inline", filename="qr-ingresso.png")
        allegati.append(qr)
    return invia_modello(
        f"eventi/email/prenotazione_{tipo}", [(p.email, p.lingua)], contesto, allegati=allegati
    )


def invia_messaggio(messaggio_id: int) -> int:
    """Send an organisers' message to every confirmed booking, once (the row's state says if it went)."""
    from django.db import transaction
    from django.utils import timezone

    with transaction.atomic():
        m = MessaggioPrenotati.objects.select_for_update().select_related("evento").get(pk=messaggio_id)
        if m.stato != MessaggioPrenotati.Stato.IN_CODA:
            return 0
        destinatari = list(m.evento.prenotazioni.confermate().values_list("email", "lingua"))
        contesto = {
            "messaggio": m,
            "evento": m.evento,
            "url_evento": settings.SITE_URL + m.evento.get_absolute_url(),
        }
        inviati = invia_modello("eventi/email/prenotazione_messaggio", destinatari, contesto)
        m.stato = MessaggioPrenotati.Stato.INVIATO
        m.destinatari = inviati
        m.inviato_il = timezone.now()
        m.save(update_fields=["stato", "destinatari", "inviato_il"])
    return inviati
