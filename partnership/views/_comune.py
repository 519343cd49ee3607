"""Helpers shared by the partnership views: role gates, pagination, the cache of the public pages."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator

from alternanza.core.cache import pagina_pubblica_in_cache
from distretti.permissions import ambito_di
from partnership.signals import AREA

PER_PAGINA = 25
DURATA_PAGINE = 600


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


# The public pages are cached whole for anonymous visitors (alternanza.core.cache, area "partnership",
# bumped by partnership.signals on any change to what the pages show).
pagina_pubblica = pagina_pubblica_in_cache(AREA, durata=DURATA_PAGINE)
