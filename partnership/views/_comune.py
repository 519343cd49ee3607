"""Helpers shared by the partnership views: role gates, pagination, the cache of the public pages."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.template.loader import render_to_string

from alternanza.core.cache import frammento, pagina_pubblica_in_cache
from distretti.permissions import ambito_di
from partnership.permissions import chiave_ambito
from partnership.signals import AREA

PER_PAGINA = 25
DURATA_FRAMMENTI = 600


def pagina(request, queryset, per_pagina: int = PER_PAGINA):
    return Paginator(queryset, per_pagina).get_page(request.GET.get("pagina"))


def richiede_ufficio(vista):
    """District offices and staff: the browsing pages of the network."""

    @login_required
    @wraps(vista)
    def controllata(request, *args, **kwargs):
        ambito = ambito_di(request.user)
        if not (ambito.staff or ambito.ufficio_distretto):
            raise PermissionDenied
        return vista(request, *args, **kwargs)

    return controllata


def richiede_staff(vista):
    @login_required
    @wraps(vista)
    def controllata(request, *args, **kwargs):
        if not ambito_di(request.user).staff:
            raise PermissionDenied
        return vista(request, *args, **kwargs)

    return controllata


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
