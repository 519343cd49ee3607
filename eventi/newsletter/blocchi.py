"""Automatic blocks of an issue: upcoming events, newly published projects, news.

Chosen by the issue's date range and by the subscriber's interests (districts, thematic areas): a
subscriber with no preference in a dimension gets everything in it. Items are plain dicts (title,
absolute URL, when, summary) so the same data feeds the HTML part, the text part and the web version.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format

from alternanza.core.testo import html_in_testo

MASSIMO_PER_BLOCCO = 6
MASSIMO_CANDIDATI = 2000  # items of the period matched in memory against each subscriber's interests
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


@dataclass(frozen=True)
class Candidato:
    """An item that may enter a block, with what the subscriber's interests are matched against."""

    voce: dict
    distretto_id: int | None = None
    ambiti: frozenset[int] = frozenset()
    per_tutti: bool = False

    def adatto(self, profilo) -> bool:
        if self.per_tutti:
            return True
        if profilo.distretti and self.distretto_id not in profilo.distretti:
            return False
        return not profilo.ambiti or bool(self.ambiti.intersection(profilo.ambiti))


def _ambiti_di(modello, ids: list[int]) -> dict[int, frozenset[int]]:
    through = modello.ambiti.through
    campo = modello._meta.model_name + "_id"
    mappa: dict[int, set[int]] = {}
    for oggetto_id, ambito_id in through.objects.filter(**{f"{campo}__in": ids}).values_list(
        campo, "ambitotematico_id"
    ):
        mappa.setdefault(oggetto_id, set()).add(ambito_id)
    return {k: frozenset(v) for k, v in mappa.items()}


def eventi(numero) -> list[Candidato]:
    from eventi.models import DataEvento, Evento

    inizio, fine = periodo_eventi(numero)
    # Only events not ended by now (the time of the preview, or of the send).
    inizio = max(inizio, timezone.now())
    eventi_ = list(
        Evento.objects.pubblicati()
        .nel_periodo(inizio, fine)
        .only("pk", "titolo", "slug", "descrizione", "inizio", "distretto_id")
        .order_by("inizio", "pk")[:MASSIMO_CANDIDATI]
    )
    ids = [e.pk for e in eventi_]
    prime_date: dict[int, dt.datetime] = {}
    for evento_id, data_inizio in (
        DataEvento.objects.filter(evento_id__in=ids, fine__gte=inizio, inizio__lt=fine)
        .order_by("inizio")
        .values_list("evento_id", "inizio")
    ):
        prime_date.setdefault(evento_id, data_inizio)
    ambiti = _ambiti_di(Evento, ids)
    return [
        Candidato(
            _voce(
                e.titolo,
                e.get_absolute_url(),
                date_format(timezone.localtime(prime_date.get(e.pk, e.inizio)), "DATETIME_FORMAT"),
                e.sommario,
            ),
            e.distretto_id,
            ambiti.get(e.pk, frozenset()),
        )
        for e in eventi_
    ]


def progetti(numero) -> list[Candidato]:
    from alternanza.progetti.models import Progetto

    inizio, fine = periodo_novita(numero)
    progetti_ = list(
        Progetto.objects.pubblicati()
        .filter(pubblicato_il__gte=inizio, pubblicato_il__lt=fine)
        .select_related("scuola")
        .order_by("-pubblicato_il", "-pk")[:MASSIMO_CANDIDATI]
    )
    ambiti = _ambiti_di(Progetto, [p.pk for p in progetti_])
    return [
        Candidato(
            _voce(
                p.titolo, p.get_absolute_url(), getattr(p.scuola, "denominazione", ""), _taglia(p.descrizione)
            ),
            p.distretto_id,
            ambiti.get(p.pk, frozenset()),
        )
        for p in progetti_
    ]


def notizie(numero) -> list[Candidato]:
    from eventi.models import Notizia

    inizio, fine = periodo_novita(numero)
    qs = Notizia.objects.pubblicate().filter(data_pubblicazione__gte=inizio, data_pubblicazione__lt=fine)
    return [
        # News are for everyone: no district, no thematic area to match.
        Candidato(
            _voce(
                n.titolo,
                n.get_absolute_url(),
                date_format(timezone.localtime(n.data_pubblicazione)),
                n.sommario,
            ),
            per_tutti=True,
        )
        for n in qs.order_by("-data_pubblicazione", "-pk")[:MASSIMO_PER_BLOCCO]
    ]


def _taglia(testo: str, lunghezza: int = 200) -> str:
    semplice = " ".join(html_in_testo(testo or "").split())
    return semplice if len(semplice) <= lunghezza else semplice[: lunghezza - 1].rsplit(" ", 1)[0] + "…"


def candidati(numero) -> dict[str, list[Candidato]]:
    """Everything the issue's blocks may show (a few queries, once per issue and batch)."""
    risultato = {}
    if numero.blocco_eventi:
        risultato["eventi"] = eventi(numero)
    if numero.blocco_progetti:
        risultato["progetti"] = progetti(numero)
    if numero.blocco_notizie:
        risultato["notizie"] = notizie(numero)
    return risultato


def scegli(tutti: dict[str, list[Candidato]], profilo) -> dict[str, tuple[int, ...]]:
    """Indexes of the candidates each block shows to this profile (pure Python: no query)."""
    scelte = {}
    for chiave, lista in tutti.items():
        indici = []
        for indice, candidato in enumerate(lista):
            if candidato.adatto(profilo):
                indici.append(indice)
                if len(indici) == MASSIMO_PER_BLOCCO:
                    break
        scelte[chiave] = tuple(indici)
    return scelte


def voci(tutti: dict[str, list[Candidato]], scelte: dict[str, tuple[int, ...]]) -> dict[str, list[dict]]:
    return {chiave: [tutti[chiave][i].voce for i in indici] for chiave, indici in scelte.items()}


def per_profilo(numero, profilo) -> dict[str, list[dict]]:
    """The blocks the issue shows to one profile of interests."""
    tutti = candidati(numero)
    return voci(tutti, scegli(tutti, profilo))
