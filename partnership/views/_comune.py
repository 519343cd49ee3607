"""Helpers shared by the partnership views: pagination and the cache of the public pages."""

from __future__ import annotations

from django.core.paginator import Paginator

from alternanza.core.cache import pagina_pubblica_in_cache
from partnership.signals import AREA

PER_PAGINA = 25
DURATA_PAGINE = 600


def pagina(request, queryset, per_pagina: int = PER_PAGINA):
    return Paginator(queryset, per_pagina).get_page(request.GET.get("pagina"))


# The public pages are cached whole for anonymous visitors (alternanza.core.cache, area "partnership",
# bumped by partnership.signals on any change to what the pages show).
pagina_pubblica = pagina_pubblica_in_cache(AREA, durata=DURATA_PAGINE)
