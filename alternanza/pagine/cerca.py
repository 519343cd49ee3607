"""The page of the site-wide search (/cerca/): grouped results, or one kind paginated with its filters.

What each kind may show is alternanza.pagine.ricerca (the apps' visibili_a scopes); this view only reads
the request. Cached for anonymous visitors like the other public pages: the areas are those of the
records it lists, so any change to them makes the cached answers stale.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_safe

from alternanza.core.cache import pagina_pubblica_in_cache
from alternanza.core.ricerca import pulisci
from alternanza.pagine import ricerca

PER_PAGINA = 20


@require_safe
@pagina_pubblica_in_cache("progetti", "festival", "partnership", "scuole", "territorio")
def cerca(request):
    testo = pulisci(request.GET.get("q"))
    tipo = ricerca.PER_CHIAVE.get(request.GET.get("tipo", ""))
    contesto: dict[str, Any] = {
        "q": testo,
        "tipi": ricerca.TIPI,
        "tipo": tipo,
        "senza_valutazione": not testo,
    }
    if testo and tipo is not None:
        qs, filtri = ricerca.di_un_tipo(tipo, request.user, testo, request.GET)
        contesto["filtri"] = filtri
        contesto["pagina"] = Paginator(qs, PER_PAGINA).get_page(request.GET.get("pagina"))
    elif testo:
        gruppi = ricerca.raggruppati(request.user, testo)
        contesto["gruppi"] = gruppi
        contesto["vuoti"] = [str(g["tipo"].etichetta) for g in gruppi if not g["risultati"]]
    return render(request, "pagine/cerca.html", contesto)
