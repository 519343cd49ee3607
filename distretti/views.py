"""Pages of the territory: the districts, each district with its comuni and schools, each school.

Public visitors see the active schools of the registry; metropolitan staff and the district's own
technical office also see what is not public (inactive schools, registry year, history of names).
Every list runs a constant number of queries whatever the number of schools, and the public pages are
cached whole for anonymous visitors (alternanza.core.cache) until something of the territory changes.
"""

from __future__ import annotations

from datetime import datetime
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Max, Q
from django.shortcuts import get_object_or_404, render

from alternanza.core import cache
from alternanza.core.scelta import risposta_json
from alternanza.core.sezioni import aree_delle_sezioni, aree_di, sezioni_del_distretto, sezioni_di
from distretti.filters import ScuoleDelDistrettoFilter
from distretti.models import Comune, Distretto, Scuola
from distretti.permissions import ambito_di
from distretti.scelta import COMUNI, SCUOLE

SCUOLE_PER_PAGINA = 25


def _piu_recente(*date: datetime | None) -> datetime | None:
    presenti = [d for d in date if d]
    return max(presenti) if presenti else None


def _conteggi_fonte(prefisso: str, condizione: Q) -> dict[str, Count]:
    """Annotations that tell where the schools come from: real registry rows (state / paritarie) or
    made-up demo placeholders. `prefisso` is the path to the schools ("comuni__scuole__", "scuole__")."""
    scuole = prefisso.rstrip("_")

    def conta(**filtro):
        return Count(
            scuole,
            filter=condizione & Q(**{f"{prefisso}{k}": v for k, v in filtro.items()}),
            distinct=True,
        )

    return {
        "n_statali_reali": conta(demo=False, statale=True),
        "n_paritarie_reali": conta(demo=False, statale=False),
        "n_dimostrative": conta(demo=True),
    }


def _fonte(righe) -> dict[str, int]:
    """The schools' provenance summed over annotated rows (districts or comuni)."""
    return {
        "statali": sum(r.n_statali_reali for r in righe),
        "paritarie": sum(r.n_paritarie_reali for r in righe),
        "dimostrative": sum(r.n_dimostrative for r in righe),
    }


@cache.pagina_pubblica_in_cache(*cache.AREE_TERRITORIO)
def elenco(request):
    distretti = list(
        Distretto.objects.annotate(
            n_comuni=Count("comuni", distinct=True),
            n_scuole=Count("comuni__scuole", filter=Q(comuni__scuole__attiva=True), distinct=True),
            scuole_aggiornate_il=Max("comuni__scuole__aggiornato_il"),
            **_conteggi_fonte("comuni__scuole__", Q(comuni__scuole__attiva=True)),
        )
    )
    return render(
        request,
        "distretti/elenco.html",
        {
            "distretti": distretti,
            "totale_comuni": sum(d.n_comuni for d in distretti),  # type: ignore[attr-defined]  # annotated
            "totale_scuole": sum(d.n_scuole for d in distretti),  # type: ignore[attr-defined]  # annotated
            "fonte": _fonte(distretti),
            "mappa": all(d.area_mappa for d in distretti),
            "staff": ambito_di(request.user).staff,
            "ultimo_aggiornamento": _piu_recente(
                *(d.aggiornato_il for d in distretti),
                *(d.scuole_aggiornate_il for d in distretti),  # type: ignore[attr-defined]  # annotated
            ),
        },
    )


def _in_cache_con_le_sezioni(view):
    """The whole page for anonymous visitors, stale also when the content of a section changes (the
    sections' areas are known once every app's AppConfig.ready has registered its section)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        in_cache = cache.pagina_pubblica_in_cache(*cache.AREE_TERRITORIO, *aree_delle_sezioni())(view)
        return in_cache(request, *args, **kwargs)

    return wrapper


@_in_cache_con_le_sezioni
def dettaglio(request, slug):
    distretto = get_object_or_404(Distretto, slug=slug)
    riservato = ambito_di(request.user).vede_distretto(distretto.pk)
    filtro_attive = Q() if riservato else Q(scuole__attiva=True)
    comuni = list(
        Comune.objects.filter(distretto=distretto).annotate(
            n_scuole=Count("scuole", filter=filtro_attive),
            scuole_aggiornate_il=Max("scuole__aggiornato_il"),
            **_conteggi_fonte("scuole__", filtro_attive),
        )
    )
    scuole = Scuola.objects.visibili_a(request.user).filter(comune__distretto=distretto)
    filtro = ScuoleDelDistrettoFilter(
        request.GET or None,
        queryset=scuole.select_related("comune").order_by("denominazione", "pk"),
        comuni=comuni,
        riservato=riservato,
    )
    return render(
        request,
        "distretti/dettaglio.html",
        {
            "distretto": distretto,
            "comuni": comuni,
            "fonte": _fonte(comuni),
            "filtro": filtro,
            "pagina": Paginator(filtro.qs, SCUOLE_PER_PAGINA).get_page(request.GET.get("pagina")),
            "riservato": riservato,
            "filtri_attivi": any(v for k, v in request.GET.items() if k != "pagina"),
            "sezioni": sezioni_del_distretto(request, distretto),
            "ultimo_aggiornamento": _piu_recente(
                distretto.aggiornato_il,
                *(c.scuole_aggiornate_il for c in comuni),  # type: ignore[attr-defined]  # annotated
            ),
        },
    )


def _in_cache_con_le_sezioni_della_scuola(view):
    """As for the district: the school's page is stale when the content of its sections changes."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        in_cache = cache.pagina_pubblica_in_cache(*cache.AREE_TERRITORIO, *aree_di("scuola"))(view)
        return in_cache(request, *args, **kwargs)

    return wrapper


@_in_cache_con_le_sezioni_della_scuola
def scuola(request, codice):
    scuola = get_object_or_404(
        Scuola.objects.visibili_a(request.user).select_related("comune__distretto"),
        codice_meccanografico=codice,
    )
    riservato = ambito_di(request.user).vede_distretto(scuola.comune.distretto_id)
    istituto = None
    if (
        scuola.codice_istituto_riferimento
        and scuola.codice_istituto_riferimento != scuola.codice_meccanografico
    ):
        istituto = (
            Scuola.objects.filter(codice_meccanografico=scuola.codice_istituto_riferimento, attiva=True)
            .only("codice_meccanografico", "denominazione")
            .first()
        )
    return render(
        request,
        "distretti/scuola.html",
        {
            "scuola": scuola,
            "distretto": scuola.comune.distretto,
            "istituto": istituto,
            "riservato": riservato,
            "storico_nomi": scuola.storico_nomi.all() if riservato else (),
            # Its published projects, Festival events and partnerships (registered by those apps).
            "sezioni": sezioni_di("scuola", request, scuola),
            "ultimo_aggiornamento": scuola.aggiornato_il,
        },
    )


@login_required
def cerca_scuole(request):
    """The schools autocomplete: the schools the user may choose (alternanza.core.scelta)."""
    return risposta_json(request, SCUOLE, Scuola.objects.sceglibili_da(request.user))


@login_required
def cerca_comuni(request):
    """The comuni autocomplete (every comune of the Città metropolitana)."""
    return risposta_json(request, COMUNI, Comune.objects.all())
