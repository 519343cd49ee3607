"""The public event list and month calendar (same filters), and the iCalendar feed per filter."""

from __future__ import annotations

import calendar
from collections import defaultdict
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import BadRequest
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from alternanza.core.moduli import DATA_MASSIMA, DATA_MINIMA
from eventi.cache import DURATA_GIORNALIERA, condizionale
from eventi.filters import FiltroEventi, inizio_giorno
from eventi.ical import calendario as ical_calendario
from eventi.models import DataEvento, Evento

PER_PAGINA = 20
MAX_PER_GIORNO = 4
# The feed covers the events that ended less than a year ago and all the future ones.
FEED_GIORNI_PASSATI = 365


def _filtro(request, predefinito_da: bool) -> FiltroEventi:
    dati = request.GET.copy()
    dati.pop("pagina", None)
    dati.pop("mese", None)
    if predefinito_da and "da" not in dati and not dati.get("a") and not dati.get("edizione"):
        # By default the list starts today (a bookmark keeps its own dates). A form sent with an empty
        # start ("da=") means "from the beginning": the past events are listed too.
        dati["da"] = timezone.localdate().isoformat()
    return FiltroEventi(dati, queryset=Evento.objects.pubblici().select_related("comune"))


def _pagina(filtro: FiltroEventi, numero):
    paginator = Paginator(filtro.qs.order_by("inizio", "pk"), PER_PAGINA)
    return paginator.get_page(numero)


def url_feed(request, webcal: bool = False) -> str:
    """The iCalendar feed with the filters of the page (without its page and month)."""
    dati = request.GET.copy()
    dati.pop("pagina", None)
    dati.pop("mese", None)
    percorso = reverse("eventi:feed_ics") + (f"?{dati.urlencode()}" if dati else "")
    if not webcal:
        return percorso
    return "webcal://" + settings.SITE_URL.split("://", 1)[-1].rstrip("/") + percorso


def _intervallo_vuoto(filtro: FiltroEventi, pagina) -> str:
    """A sentence when the chosen dates exclude every event, so "0 events" is not a mystery."""
    if pagina.paginator.count or not filtro.form.is_valid():
        return ""
    da, a = filtro.form.cleaned_data.get("da"), filtro.form.cleaned_data.get("a")
    if da and a:
        return _("Nessun evento tra il %(da)s e il %(a)s: prova ad allargare le date.") % {
            "da": formats.date_format(da),
            "a": formats.date_format(a),
        }
    if da:
        return _("Nessun evento dal %(da)s in poi: per gli eventi passati lascia vuoto «Dal giorno».") % {
            "da": formats.date_format(da)
        }
    if a:
        return _("Nessun evento fino al %(a)s.") % {"a": formats.date_format(a)}
    return ""


@condizionale(durata=DURATA_GIORNALIERA)
def elenco(request):
    filtro = _filtro(request, predefinito_da=True)
    pagina = _pagina(filtro, request.GET.get("pagina"))
    contesto = {
        "filtro": filtro,
        "pagina": pagina,
        "vista": "elenco",
        "intervallo_vuoto": _intervallo_vuoto(filtro, pagina),
        "url_feed": url_feed(request),
        "url_webcal": url_feed(request, webcal=True),
    }
    return render(request, "eventi/elenco.html", contesto)


def _mese(valore: str | None) -> date:
    """The month of `?mese=AAAA-MM`: the current one when absent; 400 for a month that cannot be shown
    (unreadable, or outside the years the portal's dates live in: the grid reaches into the next month)."""
    if not valore:
        return timezone.localdate().replace(day=1)
    try:
        anno, mese = (int(x) for x in valore.split("-", 1))
        primo = date(anno, mese, 1)
    except (TypeError, ValueError):
        raise BadRequest(f"mese non valido: {valore[:20]!r}") from None
    if not DATA_MINIMA <= primo <= DATA_MASSIMA:
        raise BadRequest(f"mese fuori intervallo: {valore[:20]!r}")
    return primo


def _griglia(filtro: FiltroEventi, primo: date) -> dict:
    settimane = calendar.Calendar(firstweekday=0).monthdatescalendar(primo.year, primo.month)
    inizio, fine = settimane[0][0], settimane[-1][-1]
    date_eventi = (
        DataEvento.objects.filter(
            evento__in=filtro.qs.values("pk"),
            inizio__lt=inizio_giorno(fine + timedelta(days=1)),
            fine__gte=inizio_giorno(inizio),
        )
        .select_related("evento")
        .only("inizio", "fine", "evento__titolo", "evento__slug", "evento__stato")
        .order_by("inizio", "evento_id")
    )
    per_giorno: dict[date, list] = defaultdict(list)
    for data in date_eventi:
        giorno = max(timezone.localdate(data.inizio), inizio)
        ultimo = min(timezone.localdate(data.fine), fine)
        while giorno <= ultimo:
            per_giorno[giorno].append(data)
            giorno += timedelta(days=1)
    righe = []
    for settimana in settimane:
        riga = []
        for giorno in settimana:
            voci = per_giorno.get(giorno, [])
            riga.append(
                {
                    "giorno": giorno,
                    "nel_mese": giorno.month == primo.month,
                    "oggi": giorno == timezone.localdate(),
                    "voci": voci[:MAX_PER_GIORNO],
                    "altri": max(0, len(voci) - MAX_PER_GIORNO),
                    "totale": len(voci),
                }
            )
        righe.append(riga)
    return {"settimane": righe, "totale": sum(len(v) for v in per_giorno.values())}


@condizionale(durata=DURATA_GIORNALIERA)
def calendario(request):
    filtro = _filtro(request, predefinito_da=False)
    primo = _mese(request.GET.get("mese"))
    precedente = (primo - timedelta(days=1)).replace(day=1)
    successivo = (primo + timedelta(days=32)).replace(day=1)
    contesto_mesi = {  # no link to a month the page would refuse
        "precedente": precedente if precedente >= DATA_MINIMA else None,
        "successivo": successivo if successivo <= DATA_MASSIMA else None,
    }
    contesto = {
        "filtro": filtro,
        "mese": primo,
        **contesto_mesi,
        "griglia": _griglia(filtro, primo),
        "vista": "calendario",
        "url_feed": url_feed(request),
        "url_webcal": url_feed(request, webcal=True),
    }
    return render(request, "eventi/calendario.html", contesto)


def eventi_con_date(queryset):
    return queryset.select_related("comune").prefetch_related(
        Prefetch("date", queryset=DataEvento.objects.order_by("inizio"))
    )


@condizionale
def feed_ics(request):
    """All public events (optionally filtered like the list) as a subscribable iCalendar feed."""
    filtro = _filtro(request, predefinito_da=False)
    qs = filtro.qs
    dati = filtro.form.cleaned_data if filtro.form.is_valid() else {}
    if not any(dati.get(k) for k in ("edizione", "da", "a")):
        # Without dates or an edition the feed is "what is coming" (and the last year): a subscribed
        # calendar does not download the whole archive. A past edition or dates are followed as asked.
        qs = qs.filter(fine__gte=timezone.now() - timedelta(days=FEED_GIORNI_PASSATI))
    eventi = eventi_con_date(qs.order_by("inizio", "pk"))
    risposta = HttpResponse(
        ical_calendario(eventi, _("Festival della Cultura tecnica – eventi")),
        content_type="text/calendar; charset=utf-8",
    )
    risposta["Content-Disposition"] = 'inline; filename="eventi.ics"'
    return risposta
