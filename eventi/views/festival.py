"""The Festival home (current edition), the page of any edition and the archive of past editions."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Q, Sum
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from alternanza.core.anno_scolastico import anno_della_primavera
from alternanza.core.jsonld import script_jsonld
from alternanza.progetti.models import Progetto
from distretti.models import Comune, Scuola
from eventi.cache import DURATA_GIORNALIERA, condizionale
from eventi.filters import inizio_giorno
from eventi.models import Edizione, Evento, Notizia, Prenotazione
from eventi.schema import dati_edizione
from partnership.models import Organizzazione


def _pubblicate():
    return Edizione.objects.filter(stato=Edizione.Stato.PUBBLICATA)


def _settimana(giorno: date) -> tuple[date, date]:
    """Monday..Sunday of the week of `giorno`."""
    lunedi = giorno - timedelta(days=giorno.weekday())
    return lunedi, lunedi + timedelta(days=6)


def _vetrina_progetti(edizione: Edizione, limite: int = 6) -> list[Progetto]:
    """Published projects (with showcase consent) of the school year whose spring hosts the edition."""
    return list(
        Progetto.objects.pubblicati()
        .filter(anno_scolastico=anno_della_primavera(edizione.anno))
        .select_related("scuola__comune")
        .order_by("-pubblicato_il", "-id")[:limite]
    )


def _contatori(edizione) -> dict:
    eventi = Evento.objects.pubblicati().filter(edizione=edizione)
    filtro = {"eventi__edizione": edizione, "eventi__stato": "pubblicato"}
    confermate = Prenotazione.objects.confermate().filter(evento__edizione=edizione)
    # Schools involved: those organising a published event and those that booked a class.
    scuole = Scuola.objects.filter(
        Q(**filtro) | Q(prenotazioni_eventi__in=confermate.filter(scuola__isnull=False))
    )
    return {
        "eventi": eventi.count(),
        "posti_prenotati": confermate.aggregate(n=Sum("posti", default=0))["n"],
        "scuole": scuole.distinct().count(),
        "organizzazioni": Organizzazione.objects.filter(**filtro).distinct().count(),
        "comuni": Comune.objects.filter(**filtro).distinct().count(),
    }


def _nel_periodo(inizio, fine, limite=6):
    return list(
        Evento.objects.pubblicati()
        .nel_periodo(inizio_giorno(inizio), inizio_giorno(fine + timedelta(days=1)))
        .select_related("comune")[:limite]
    )


def _contesto_edizione(edizione: Edizione | None, corrente: bool) -> dict:
    """Everything the edition page shows (the current edition also shows today's and this week's events)."""
    if edizione is None:
        return {"edizione": None, "corrente": corrente}
    giorno = timezone.localdate()
    lunedi, domenica = _settimana(giorno)
    return {
        "edizione": edizione,
        "corrente": corrente,
        "contatori": _contatori(edizione),
        "in_evidenza": list(
            Evento.objects.pubblici()
            .filter(edizione=edizione)
            .order_by("-in_evidenza", "inizio", "pk")
            .select_related("comune")[:6]
        ),
        "oggi": _nel_periodo(giorno, giorno) if corrente else [],
        "settimana": _nel_periodo(lunedi, domenica) if corrente else [],
        "notizie": list(Notizia.objects.pubblicate().filter(edizione=edizione)[:3]),
        "archivio": list(_pubblicate().exclude(pk=edizione.pk).only("anno", "titolo", "tema")),
        "progetti": _vetrina_progetti(edizione),
    }


# The programme of an edition's own page: every public event, by date (about 150 a year).
MAX_PROGRAMMA = 300


def _programma(edizione: Edizione) -> list[Evento]:
    return list(
        Evento.objects.pubblici()
        .filter(edizione=edizione)
        .select_related("comune")
        .only("titolo", "slug", "inizio", "fine", "stato", "comune__nome", "online")
        .order_by("inizio", "pk")[:MAX_PROGRAMMA]
    )


@condizionale(durata=DURATA_GIORNALIERA)
def festival(request):
    """The home of the current edition: the latest published edition."""
    edizione = _pubblicate().first()
    contesto = _contesto_edizione(edizione, corrente=True)
    if edizione is not None:
        contesto["jsonld"] = script_jsonld(dati_edizione(edizione, contesto["in_evidenza"]))
    return render(request, "eventi/festival.html", contesto)


@condizionale
def edizione(request, anno):
    edizione = get_object_or_404(_pubblicate(), anno=anno)
    # An edition's own page shows the edition, not "today": that is the Festival home's job.
    contesto = _contesto_edizione(edizione, corrente=False)
    contesto["ultimo_aggiornamento"] = edizione.aggiornata_il
    contesto["programma"] = programma = _programma(edizione)
    contesto["jsonld"] = script_jsonld(dati_edizione(edizione, programma))
    return render(request, "eventi/festival.html", contesto)


@condizionale
def archivio(request):
    return render(request, "eventi/archivio.html", {"edizioni": _pubblicate()})
