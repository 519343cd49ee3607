"""iCalendar (RFC 5545) export of events: one VEVENT per date, times with TZID=Europe/Rome + VTIMEZONE."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings
from django.utils import timezone

from alternanza.core.testo import testo_semplice
from eventi.models import StatoEvento

ROMA = ZoneInfo("Europe/Rome")


def _dominio() -> str:
    return settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0] or "alternanza"


def _luogo(evento) -> str:
    parti = [evento.luogo, evento.indirizzo, evento.comune.nome if evento.comune_id else ""]
    testo = ", ".join(p for p in parti if p)
    if evento.online:
        testo = f"{testo} – online" if testo else "Online"
    return testo


def calendario(eventi, nome: str) -> bytes:
    """Serialise events (with `date` prefetched and `comune` selected) as an iCalendar file."""
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Città metropolitana di Bologna//Rete alternanza//IT")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", nome)
    cal.add("x-wr-timezone", "Europe/Rome")
    adesso = timezone.now()
    dominio = _dominio()
    for evento in eventi:
        url = settings.SITE_URL + evento.get_absolute_url()
        descrizione = testo_semplice(evento.descrizione, 1500)
        if evento.stato == StatoEvento.ANNULLATO and evento.motivo_annullamento:
            descrizione = f"ANNULLATO: {evento.motivo_annullamento}\n\n{descrizione}"
        for data in evento.date.all():
            ve = icalendar.Event()
            ve.add("uid", f"evento-{evento.pk}-{data.pk}@{dominio}")
            ve.add("dtstamp", adesso)
            ve.add("dtstart", data.inizio.astimezone(ROMA))
            ve.add("dtend", data.fine.astimezone(ROMA))
            ve.add("summary", evento.titolo)
            ve.add("description", descrizione)
            ve.add("url", url)
            luogo = _luogo(evento)
            if luogo:
                ve.add("location", luogo)
            ve.add("last-modified", evento.aggiornato_il)
            ve.add("status", "CANCELLED" if evento.stato == StatoEvento.ANNULLATO else "CONFIRMED")
            cal.add_component(ve)
    cal.add_missing_timezones()
    return cal.to_ical()
