"""iCalendar (RFC 5545) export of events: one VEVENT per date, times with TZID=Europe/Rome + VTIMEZONE.

The VTIMEZONE is written by hand with the European Union's rule as two RRULEs (daylight time from the
last Sunday of March at 02:00, standard time from the last Sunday of October at 03:00, in force since
1996), not with icalendar's add_missing_timezones(): that one lists every transition as one RDATE
property with dozens of comma-separated dates, and ical.js (Thunderbird) and vobject read only the
first of them, shifting every summer event by an hour (tests/eventi/test_ical.py checks the instants
with icalendar, vobject and ical.js).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings
from django.utils import timezone

from alternanza.core.testo import html_in_testo, pulisci_html
from eventi.models import StatoEvento

ROMA = ZoneInfo("Europe/Rome")


def _dominio() -> str:
    return settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0] or "alternanza"


def luogo_di(evento) -> str:
    """The place of an event on one line: room, address, comune (and "online")."""
    parti = [evento.luogo, evento.indirizzo, evento.comune.nome if evento.comune_id else ""]
    testo = ", ".join(p for p in parti if p)
    if evento.online:
        testo = f"{testo} – online" if testo else "Online"
    return testo


def descrizione_testo(evento, limite: int = 3000) -> str:
    """The event's description as plain text with its paragraphs (blank lines between them)."""
    testo = html_in_testo(pulisci_html(evento.descrizione))
    if len(testo) > limite:
        testo = testo[: limite - 1].rstrip() + "…"
    return testo


def vtimezone_roma() -> icalendar.Timezone:
    """Europe/Rome as RRULE-based STANDARD and DAYLIGHT components."""
    tz = icalendar.Timezone()
    tz.add("tzid", "Europe/Rome")
    tz.add("x-lic-location", "Europe/Rome")
    legale = icalendar.TimezoneDaylight()
    legale.add("tzname", "CEST")
    legale.add("dtstart", datetime(1970, 3, 29, 2, 0, 0))
    legale.add("tzoffsetfrom", timedelta(hours=1))
    legale.add("tzoffsetto", timedelta(hours=2))
    legale.add("rrule", {"freq": "yearly", "bymonth": 3, "byday": "-1su"})
    solare = icalendar.TimezoneStandard()
    solare.add("tzname", "CET")
    solare.add("dtstart", datetime(1970, 10, 25, 3, 0, 0))
    solare.add("tzoffsetfrom", timedelta(hours=2))
    solare.add("tzoffsetto", timedelta(hours=1))
    solare.add("rrule", {"freq": "yearly", "bymonth": 10, "byday": "-1su"})
    tz.add_component(legale)
    tz.add_component(solare)
    return tz


def calendario(eventi, nome: str) -> bytes:
    """Serialise events (with `date` prefetched and `comune` selected) as an iCalendar file.

    No event is still a valid VCALENDAR (with its VTIMEZONE), as subscribed feeds need."""
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Città metropolitana di Bologna//Rete alternanza//IT")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", nome)
    cal.add("x-wr-timezone", "Europe/Rome")
    cal.add_component(vtimezone_roma())
    adesso = timezone.now()
    dominio = _dominio()
    for evento in eventi:
        url = settings.SITE_URL + evento.get_absolute_url()
        descrizione = descrizione_testo(evento)
        if evento.stato == StatoEvento.ANNULLATO and evento.motivo_annullamento:
            descrizione = f"ANNULLATO: {evento.motivo_annullamento}\n\n{descrizione}"
        descrizione = f"{descrizione}\n\n{url}"
        for data in evento.date.all():
            ve = icalendar.Event()
            ve.add("uid", f"evento-{evento.pk}-{data.pk}@{dominio}")
            ve.add("dtstamp", adesso)
            ve.add("dtstart", data.inizio.astimezone(ROMA))
            ve.add("dtend", data.fine.astimezone(ROMA))
            ve.add("summary", evento.titolo)
            ve.add("description", descrizione)
            ve.add("url", url)
            luogo = luogo_di(evento)
            if luogo:
                ve.add("location", luogo)
            ve.add("last-modified", evento.aggiornato_il)
            ve.add("status", "CANCELLED" if evento.stato == StatoEvento.ANNULLATO else "CONFIRMED")
            cal.add_component(ve)
    return cal.to_ical()
