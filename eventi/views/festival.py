"""The Festival home (current edition), the page of any edition and the archive of past editions."""

from __future__ import annotations

from datetime import timedelta

from django.shortcuts import get_object_or_404, render

from distretti.models import Comune, Scuola
from eventi.cache import DURATA_GIORNALIERA, condizionale
from eventi.filters import inizio_giorno
from eventi.models import Edizione, Evento, Notizia
from eventi.views.aiuti import contesto_cache, oggi, pigro, settimana, vetrina_progetti
from partnership.models import Organizzazione


def _pubblicate():
    return Edizione.objects.filter(stato=Edizione.Stato.PUBBLICATA)


def _contatori(edizione) -> dict:
    eventi = Evento.objects.pubblicati().filter(edizione=edizione)
    filtro = {"eventi__edizione": edizione, "eventi__stato": "pubblicato"}
    return {
        "eventi": eventi.count(),
        "scuole": Scuola.objects.filter(**filtro).distinct().count(),
        "organizzazioni": Organizzazione.objects.filter(**filtro).distinct().count(),
        "comuni": Comune.objects.filter(**filtro).distinct().count(),
    }


def _nel_periodo(inizio, fine, limite=6):
    return list(
        Evento.objects.pubblicati()
        .nel_periodo(inizio_giorno(inizio), inizio_giorno(fine + timedelta(days=1)))
        .select_related("comune")[:limite]
    )


def _contesto_edizione(request, edizione, corrente: bool) -> dict:
    """Everything the edition page shows, computed lazily (only on a cache miss)."""
    giorno = oggi()
    lunedi, domenica = settimana(giorno)
    return {
        "edizione": edizione,
        "corrente": corrente,
        "contatori": pigro(lambda: _contatori(edizione)),
        "in_evidenza": pigro(
            lambda: list(
                Evento.objects.pubblici()
                .filter(edizione=edizione)
                .order_by("-in_evidenza", "inizio", "pk")
                .select_related("comune")[:6]
            )
        ),
        "oggi": pigro(lambda: _nel_periodo(giorno, giorno)) if corrente else [],
        "settimana": pigro(lambda: _nel_periodo(lunedi, domenica)) if corrente else [],
        "notizie": pigro(lambda: list(Notizia.objects.pubblicate().filter(edizione=edizione)[:3])),
        "archivio": pigro(lambda: list(_pubblicate().exclude(pk=edizione.pk).only("anno", "titolo", "tema"))),
        "progetti": pigro(lambda: vetrina_progetti(edizione.anno)),
        # the date is part of the key: "today" and "this week" change at midnight
        **contesto_cache(request, giorno),
    }


@condizionale(durata=DURATA_GIORNALIERA)
def festival(request):
    """The home of the current edition: the latest published edition."""
    edizione = pigro(lambda: _pubblicate().first())
    contesto = _contesto_edizione(request, edizione, corrente=True)
    return render(request, "eventi/festival.html", contesto)


@condizionale
def edizione(request, anno):
    edizione = get_object_or_404(_pubblicate(), anno=anno)
    # An edition's own page shows the edition, not "today": that is the Festival home's job.
    contesto = _contesto_edizione(request, edizione, corrente=False)
    contesto["ultimo_aggiornamento"] = edizione.aggiornata_il
    return render(request, "eventi/festival.html", contesto)


@condizionale
def archivio(request):
    edizioni = pigro(lambda: list(_pubblicate()))
    return render(request, "eventi/archivio.html", {"edizioni": edizioni, **contesto_cache(request)})
