"""schema.org Event data (JSON-LD) of an event page."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse

from alternanza.core.testo import testo_semplice
from eventi.models import Evento, StatoEvento


def _assoluto(percorso: str) -> str:
    return settings.SITE_URL + percorso


# Few places left: schema.org LimitedAvailability below this share of the capacity.
QUOTA_LIMITATA = 0.2


def disponibilita(evento: Evento) -> str:
    """schema.org availability of a bookable event: InStock, LimitedAvailability, SoldOut (over the dates
    still to come, each with the event's capacity)."""
    liberi = evento.posti_liberi
    if not liberi:
        return "https://schema.org/SoldOut"
    capienza = (evento.posti or 0) * len(evento.date_prenotabili())
    if liberi <= max(1, int(capienza * QUOTA_LIMITATA)):
        return "https://schema.org/LimitedAvailability"
    return "https://schema.org/InStock"


def dati_evento(evento: Evento) -> dict[str, Any]:
    """The schema.org Event of `evento` (dates, place or online link, organisers, offers, image)."""
    online = evento.online
    luoghi: list[dict[str, Any]] = []
    comune = evento.comune if evento.comune_id else None
    if comune is not None:
        luoghi.append(
            {
                "@type": "Place",
                "name": evento.luogo or comune.nome,
                "address": {
                    "@type": "PostalAddress",
                    "streetAddress": evento.indirizzo,
                    "addressLocality": comune.nome,
                    "addressRegion": "BO",
                    "addressCountry": "IT",
                },
            }
        )
    if online:
        luoghi.append(
            {"@type": "VirtualLocation", "url": evento.link_online or _assoluto(evento.get_absolute_url())}
        )
    if online and evento.comune_id:
        modalita = "https://schema.org/MixedEventAttendanceMode"
    elif online:
        modalita = "https://schema.org/OnlineEventAttendanceMode"
    else:
        modalita = "https://schema.org/OfflineEventAttendanceMode"
    organizzatori = [
        {"@type": "Organization", "name": s.denominazione, "url": _assoluto(s.get_absolute_url())}
        for s in evento.scuole.all()
    ] + [{"@type": "Organization", "name": o.nome} for o in evento.organizzazioni.all()]
    dati: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": evento.titolo,
        "description": testo_semplice(evento.descrizione, 500),
        "startDate": evento.inizio.isoformat(),
        "endDate": evento.fine.isoformat(),
        "eventStatus": "https://schema.org/EventCancelled"
        if evento.stato == StatoEvento.ANNULLATO
        else "https://schema.org/EventScheduled",
        "eventAttendanceMode": modalita,
        "location": luoghi[0] if len(luoghi) == 1 else luoghi,
        "url": _assoluto(evento.get_absolute_url()),
        "inLanguage": "it",
        "isAccessibleForFree": True,
    }
    if evento.immagine:
        dati["image"] = [_assoluto(evento.immagine.url)]
    if organizzatori:
        dati["organizer"] = organizzatori if len(organizzatori) > 1 else organizzatori[0]
    if evento.prenotabile_sul_portale:
        dati["offers"] = {
            "@type": "Offer",
            "price": "0",
            "priceCurrency": "EUR",
            "url": _assoluto(reverse("eventi:prenota", kwargs={"slug": evento.slug})),
            "availability": disponibilita(evento),
        }
        if evento.prenotazioni_dal:
            dati["offers"]["validFrom"] = evento.prenotazioni_dal.isoformat()
    elif evento.prenotazione != Evento.Prenotazione.LIBERO and evento.link_prenotazione:
        dati["offers"] = {
            "@type": "Offer",
            "price": "0",
            "priceCurrency": "EUR",
            "url": evento.link_prenotazione,
            "availability": "https://schema.org/InStock",
        }
    if evento.posti:
        dati["maximumAttendeeCapacity"] = evento.posti
    return dati


AUTORE = {"@type": "GovernmentOrganization", "name": "Città metropolitana di Bologna"}


def dati_edizione(edizione, eventi) -> dict[str, Any]:
    """schema.org Festival (an EventSeries) of an edition, with its events as subEvent."""
    dati: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": ["Festival", "EventSeries"],
        "name": f"{edizione.titolo} {edizione.anno}",
        "startDate": edizione.data_inizio.isoformat(),
        "endDate": edizione.data_fine.isoformat(),
        "url": _assoluto(edizione.get_absolute_url()),
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "eventStatus": "https://schema.org/EventScheduled",
        "location": {
            "@type": "Place",
            "name": "Città metropolitana di Bologna",
            "address": {"@type": "PostalAddress", "addressRegion": "BO", "addressCountry": "IT"},
        },
        "organizer": AUTORE,
        "subEvent": [
            {
                "@type": "Event",
                "name": e.titolo,
                "startDate": e.inizio.isoformat(),
                "endDate": e.fine.isoformat(),
                "url": _assoluto(e.get_absolute_url()),
            }
            for e in eventi
        ],
    }
    if edizione.tema:
        dati["description"] = edizione.tema
    if edizione.immagine:
        dati["image"] = [_assoluto(edizione.immagine.url)]
    return dati


def dati_notizia(notizia) -> dict[str, Any]:
    """schema.org NewsArticle of a news page (author, dates, image)."""
    dati: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": notizia.titolo[:110],
        "description": notizia.sommario,
        "datePublished": notizia.data_pubblicazione.isoformat(),
        "dateModified": notizia.aggiornata_il.isoformat(),
        "author": AUTORE,
        "publisher": AUTORE,
        "url": _assoluto(notizia.get_absolute_url()),
        "mainEntityOfPage": _assoluto(notizia.get_absolute_url()),
        "inLanguage": "it",
    }
    if notizia.immagine:
        dati["image"] = [_assoluto(notizia.immagine.url)]
    return dati
