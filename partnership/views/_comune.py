"""Helpers shared by the partnership views: role gates, pagination, cached fragments for visitors."""

from __future__ import annotations

import hashlib
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from distretti.permissions import ambito_di
from partnership.querysets import organizzazioni_di
from partnership.segnali import generazione

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


def e_referente_organizzazione(user) -> bool:
    return bool(organizzazioni_di(user))


# --- Cached fragments of the public pages ---------------------------------------------------------
# Whole pages are not cached: base.html carries CSRF tokens (language switch, page feedback). The
# expensive part, the list of results, is rendered once per (query string, language, data generation)
# and reused for every visitor; partnership.segnali starts a new generation on any change.


def frammento(request, nome: str, template: str, contesto_fn):
    """Render `template` with contesto_fn(), cached for anonymous visitors only."""
    if request.user.is_authenticated:
        return mark_safe(render_to_string(template, contesto_fn(), request=request))  # noqa: S308 - our template
    impronta = hashlib.sha256(request.GET.urlencode().encode()).hexdigest()[:32]
    chiave = f"partnership:frammento:{nome}:{generazione()}:{get_language()}:{impronta}"
    html = cache.get(chiave)
    if html is None:
        html = render_to_string(template, contesto_fn(), request=request)
        cache.set(chiave, html, DURATA_FRAMMENTI)
    return mark_safe(html)  # noqa: S308 - output of our own auto-escaped template


def filtro_html(request, filtro, nome: str, durata: int = DURATA_FRAMMENTI):
    """The rendered filter form, cached per query string: rendering ~150 <option>s through Django's
    widget templates costs more than the list itself. Its choices (districts, comuni, S3 areas,
    thematic areas) change rarely; a few minutes of staleness is acceptable, user data is never in it."""
    parametri = request.GET.copy()
    parametri.pop("pagina", None)
    impronta = hashlib.sha256(parametri.urlencode().encode()).hexdigest()[:32]
    chiave = f"partnership:filtro:{nome}:{get_language()}:{impronta}"
    html = cache.get(chiave)
    if html is None:
        html = render_to_string("partnership/_filtro.html", {"filtro": filtro}, request=request)
        cache.set(chiave, html, durata)
    return mark_safe(html)  # noqa: S308 - output of our own auto-escaped template
