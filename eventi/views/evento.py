"""The page of one event (with JSON-LD and Open Graph data) and its .ics download."""

from __future__ import annotations

from datetime import UTC
from urllib.parse import quote, urlencode

from django.conf import settings
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from alternanza.core.jsonld import script_jsonld
from alternanza.core.testo import testo_semplice
from eventi import workflow
from eventi.cache import condizionale
from eventi.forms import DecisioneForm
from eventi.ical import calendario as ical_calendario
from eventi.ical import descrizione_testo, luogo_di
from eventi.models import Evento
from eventi.schema import dati_evento
from eventi.views.elenco import eventi_con_date


def _evento_visibile(request, slug) -> Evento:
    """The event if the user may see it (public, or in the user's scope), else 404."""
    return get_object_or_404(
        Evento.objects.visibili_a(request.user)
        .select_related("edizione", "comune__distretto")
        .prefetch_related("date"),  # the dates, each with its places left (read several times)
        slug=slug,
    )


def _correlati(evento: Evento, limite: int = 4) -> list[Evento]:
    """Other public events sharing a thematic area, the comune or the edition, the closest in time first."""
    ambiti = list(evento.ambiti.values_list("pk", flat=True))
    return list(
        Evento.objects.pubblicati()
        .exclude(pk=evento.pk)
        .filter(
            Q(ambiti__in=ambiti) | Q(comune_id=evento.comune_id) if evento.comune_id else Q(ambiti__in=ambiti)
        )
        .filter(fine__gte=evento.inizio)
        .annotate(comuni=Count("ambiti", filter=Q(ambiti__in=ambiti)))
        .order_by("-comuni", "inizio", "pk")
        .select_related("comune")[:limite]
    )


def _organizzatori(evento: Evento) -> list[dict]:
    voci = [
        {"nome": s.denominazione, "url": s.get_absolute_url(), "descrizione": s.comune.nome, "tipo": "scuola"}
        for s in evento.scuole.select_related("comune")
    ]
    voci += [
        {
            "nome": o.nome,
            "url": o.get_absolute_url() if o.pubblica else "",
            "descrizione": testo_semplice(o.profilo, 300),
            "tipo": o.get_tipo_display(),
        }
        for o in evento.organizzazioni.all()
    ]
    return voci


def _condivisione(evento: Evento) -> list[tuple[str, str]]:
    """Plain share links (no third-party scripts)."""
    url = quote(settings.SITE_URL + evento.get_absolute_url(), safe="")
    titolo = quote(evento.titolo, safe="")
    return [
        ("Facebook", f"https://www.facebook.com/sharer/sharer.php?u={url}"),
        ("LinkedIn", f"https://www.linkedin.com/sharing/share-offsite/?url={url}"),
        ("X", f"https://x.com/intent/post?url={url}&text={titolo}"),
        ("WhatsApp", f"https://wa.me/?text={titolo}%20{url}"),
        ("E-mail", f"mailto:?subject={titolo}&body={url}"),
    ]


def _fmt_utc(valore) -> str:
    return valore.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def link_calendari(evento: Evento) -> dict[str, str]:
    """ "Add to calendar" links of Google Calendar and Outlook.com (first date; the .ics has them all)."""
    url = settings.SITE_URL + evento.get_absolute_url()
    dettagli = f"{descrizione_testo(evento, 1200)}\n\n{url}"
    luogo = luogo_di(evento)
    google = {
        "action": "TEMPLATE",
        "text": evento.titolo,
        "dates": f"{_fmt_utc(evento.inizio)}/{_fmt_utc(evento.fine)}",
        "details": dettagli,
        "location": luogo,
        "ctz": "Europe/Rome",
    }
    outlook = {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": evento.titolo,
        "startdt": evento.inizio.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "enddt": evento.fine.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "body": dettagli,
        "location": luogo,
    }
    return {
        "google": "https://calendar.google.com/calendar/render?" + urlencode(google),
        "outlook": "https://outlook.live.com/calendar/0/deeplink/compose?" + urlencode(outlook),
    }


def _dettaglio(request, evento: Evento):
    azioni = []
    organizza = False
    if request.user.is_authenticated:
        azioni = workflow.azioni_possibili(request.user, evento)
        modificabile = Evento.objects.modificabili_da(request.user).filter(pk=evento.pk).exists()
        organizza = Evento.objects.organizzati_da(request.user).filter(pk=evento.pk).exists()
    else:
        modificabile = False
    contesto = {
        "evento": evento,
        "url_assoluto": settings.SITE_URL + evento.get_absolute_url(),
        "date": list(evento.date.all()),
        "pubblici": list(evento.pubblici.all()),
        "ambiti": list(evento.ambiti.all()),
        "organizzatori": _organizzatori(evento),
        "correlati": _correlati(evento),
        "condivisione": _condivisione(evento),
        "jsonld": script_jsonld(dati_evento(evento)),
        "azioni": azioni,
        "modificabile": modificabile,
        "organizza": organizza,
        "prenotazioni_aperte": evento.prenotazioni_aperte(),
        "date_prenotabili": evento.date_prenotabili(),
        "adesso": timezone.now(),
        "calendari": link_calendari(evento),
        "og_descrizione": testo_semplice(evento.descrizione, 300),
        "form_decisione": DecisioneForm() if azioni else None,
        "ultimo_aggiornamento": evento.aggiornato_il,
    }
    return render(request, "eventi/evento.html", contesto)


@condizionale
def evento(request, slug):
    return _dettaglio(request, _evento_visibile(request, slug))


@condizionale
def evento_ics(request, slug):
    evento = get_object_or_404(eventi_con_date(Evento.objects.visibili_a(request.user)), slug=slug)
    corpo = ical_calendario([evento], evento.titolo)
    risposta = HttpResponse(corpo, content_type="text/calendar; charset=utf-8")
    risposta["Content-Disposition"] = f'attachment; filename="{evento.slug[:80]}.ics"'
    return risposta
