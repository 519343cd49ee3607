"""Public pages of the territory: districts, their comuni and schools."""

from django.db.models import Count
from django.shortcuts import get_object_or_404, render

from distretti.models import Distretto, Scuola


def elenco(request):
    distretti = Distretto.objects.annotate(n_comuni=Count("comuni", distinct=True))
    return render(request, "distretti/elenco.html", {"distretti": distretti})


def dettaglio(request, slug):
    distretto = get_object_or_404(Distretto, slug=slug)
    return render(
        request,
        "distretti/dettaglio.html",
        {
            "distretto": distretto,
            "comuni": distretto.comuni.all(),
            "ultimo_aggiornamento": distretto.aggiornato_il,
        },
    )


def scuola(request, codice):
    scuola = get_object_or_404(
        Scuola.objects.select_related("comune__distretto"), codice_meccanografico=codice
    )
    return render(
        request, "distretti/scuola.html", {"scuola": scuola, "ultimo_aggiornamento": scuola.aggiornato_il}
    )
