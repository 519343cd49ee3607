"""Automatic blocks of an issue: upcoming events, newly published projects, news.

Chosen by the issue's date range and by the subscriber's interests (districts, thematic areas): a
subscriber with no preference in a dimension gets everything in it. Items are plain dicts (title,
absolute URL, when, summary) so the same data feeds the HTML part, the text part and the web version.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format

MASSIMO_PER_BLOCCO = 6
GIORNI_EVENTI = 60  # default window for upcoming events
GIORNI_NOVITA = 30  # default window back in time for projects and news


def _inizio_giorno(giorno: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(giorno, dt.time.min))


def periodo_eventi(numero) -> tuple[dt.datetime, dt.datetime]:
    oggi = timezone.localdate()
    dal = numero.periodo_dal or oggi
    al = numero.periodo_al or (dal + dt.timedelta(days=GIORNI_EVENTI))
    return _inizio_giorno(dal), _inizio_giorno(al + dt.timedelta(days=1))


def periodo_novita(numero) -> tuple[dt.datetime, dt.datetime]:
    oggi = timezone.localdate()
    al = numero.periodo_al or oggi
    dal = numero.periodo_dal or (al - dt.timedelta(days=GIORNI_NOVITA))
    return _inizio_giorno(dal), _inizio_giorno(al + dt.timedelta(days=1))


def _voce(titolo: str, percorso: str, quando: str = "", sommario: str = "") -> dict:
    return {"titolo": titolo, "url": settings.SITE_URL + percorso, "quando": quando, "sommario": sommario}


def eventi(numero, profilo) -> list[dict]:
    from eventi.models import DataEvento, Evento

    inizio, fine = periodo_eventi(numero)
    qs = Evento.objects.pubblicati().nel_periodo(inizio, fine)
    if profilo.distretti:
        qs = qs.filter(distretto_id__in=profilo.distretti)
    if profilo.ambiti:
        qs = qs.filter(ambiti__in=profilo.ambiti)
    eventi_ = list(qs.distinct().order_by("inizio", "pk")[:MASSIMO_PER_BLOCCO])
    prime_date = {}
    for evento_id, data_inizio in (
        DataEvento.objects.filter(evento__in=eventi_, fine__gte=inizio, inizio__lt=fine)
        .order_by("inizio")
        .values_list("evento_id", "inizio")
    ):
        prime_date.setdefault(evento_id, data_inizio)
    voci = []
    for evento in eventi_:
        quando = prime_date.get(evento.pk, evento.inizio)
        voci.append(
            _voce(
                evento.titolo,
                evento.get_absolute_url(),
                date_format(timezone.localtime(quando), "DATETIME_FORMAT"),
                evento.sommario,
            )
        )
    return voci


def progetti(numero, profilo) -> list[dict]:
    from alternanza.models import Progetto

    inizio, fine = periodo_novita(numero)
    qs = Progetto.objects.pubblicati().filter(pubblicato_il__gte=inizio, pubblicato_il__lt=fine)
    if profilo.distretti:
        qs = qs.filter(distretto_id__in=profilo.distretti)
    if profilo.ambiti:
        qs = qs.filter(ambiti__in=profilo.ambiti)
    qs = qs.select_related("scuola").distinct().order_by("-pubblicato_il", "-pk")[:MASSIMO_PER_BLOCCO]
    return [
        _voce(p.titolo, p.get_absolute_url(), getattr(p.scuola, "denominazione", ""), _taglia(p.descrizione))
        for p in qs
    ]


def notizie(numero, profilo) -> list[dict]:
    from eventi.models import Notizia

    inizio, fine = periodo_novita(numero)
    qs = Notizia.objects.pubblicate().filter(data_pubblicazione__gte=inizio, data_pubblicazione__lt=fine)
    return [
        _voce(
            n.titolo, n.get_absolute_url(), date_format(timezone.localtime(n.data_pubblicazione)), n.sommario
        )
        for n in qs.order_by("-data_pubblicazione", "-pk")[:MASSIMO_PER_BLOCCO]
    ]


def _taglia(testo: str, lunghezza: int = 200) -> str:
    from .rendering import html_in_testo

    semplice = " ".join(html_in_testo(testo or "").split())
    return semplice if len(semplice) <= lunghezza else semplice[: lunghezza - 1].rsplit(" ", 1)[0] + "…"


def per_profilo(numero, profilo) -> dict[str, list[dict]]:
    """The blocks the issue includes, for one profile of interests."""
    risultato = {}
    if numero.blocco_eventi:
        risultato["eventi"] = eventi(numero, profilo)
    if numero.blocco_progetti:
        risultato["progetti"] = progetti(numero, profilo)
    if numero.blocco_notizie:
        risultato["notizie"] = notizie(numero, profilo)
    return risultato
