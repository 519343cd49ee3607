"""Helpers shared by the partnership views: pagination and the cache of the public pages."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.template.loader import render_to_string

from alternanza.core.cache import frammento, pagina_pubblica_in_cache
from partnership.permissions import chiave_ambito
from partnership.signals import AREA

PER_PAGINA = 25
DURATA_FRAMMENTI = 600


def pagina(request, queryset, per_pagina: int = PER_PAGINA):
    return Paginator(queryset, per_pagina).get_page(request.GET.get("pagina"))


# --- Cache of the public pages (alternanza.core.cache, area "partnership") ---------------------------------
# Anonymous visitors get whole pages; everyone else gets the expensive parts (filter form and list of
# results) rendered once per (full path, language, area version, viewer's scope) and reused by every
# viewer with the same scope; partnership.signals bumps the area on any change to what the pages show.

pagina_pubblica = pagina_pubblica_in_cache(AREA, durata=DURATA_FRAMMENTI)


def frammenti(
    request, nome: str, parti: dict, per_ambito: bool = True, durata: int = DURATA_FRAMMENTI
) -> dict:
    """{part: HTML} for parti = {part: (template, context function)}; one Redis round trip on a hit.

    Context functions run only on a miss, so a hit costs no database query for the list."""

    def calcola() -> dict:
        return {
            parte: render_to_string(t, contesto(), request=request) for parte, (t, contesto) in parti.items()
        }

    ambito = chiave_ambito(request.user) if per_ambito else "tutti"
    # The SafeStrings of render_to_string come back from the cache as such.
    return frammento(request, f"partnership:{nome}", (AREA,), calcola, ambito=ambito, durata=durata)
