"""Helpers shared by the partnership views: role gates, pagination, cached fragments for visitors."""

from __future__ import annotations

import hashlib
import re
from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.middleware.csrf import get_token
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


# --- Cached fragments of the list pages -----------------------------------------------------------
# Whole pages are not cached: base.html carries CSRF tokens (language switch, page feedback). The
# expensive parts, the filter form and the list of results, are rendered once per (query string,
# language, data generation, viewer's scope) and reused by every viewer with the same scope;
# partnership.segnali starts a new generation on any change to what the lists show.


def chiave_ambito(user) -> str:
    """Who sees the same list: staff all alike, others by their districts and organisations."""
    ambito = ambito_di(user)
    if ambito.staff:
        return "staff"
    if not ambito.autenticato:
        return "anonimo"
    distretti = sorted(ambito.distretti_ufficio | ambito.distretti_scuole)
    return f"d{'.'.join(map(str, distretti))}-s{'.'.join(map(str, sorted(ambito.scuole)))}-o" + ".".join(
        map(str, sorted(organizzazioni_di(user)))
    )


def frammenti(
    request, nome: str, parti: dict, per_ambito: bool = True, durata: int = DURATA_FRAMMENTI
) -> dict:
    """{part: HTML} for parti = {part: (template, context function)}; one Redis round trip on a hit.

    Context functions run only on a miss, so a hit costs no database query for the list."""
    impronta = hashlib.sha256(request.GET.urlencode().encode()).hexdigest()[:32]
    ambito = chiave_ambito(request.user) if per_ambito else "tutti"
    base = f"partnership:{nome}:{generazione()}:{get_language()}:{ambito}:{impronta}"
    chiavi = {parte: f"{base}:{parte}" for parte in parti}
    trovati = cache.get_many(list(chiavi.values()))
    risultato, nuovi = {}, {}
    for parte, (template, contesto_fn) in parti.items():
        html = trovati.get(chiavi[parte])
        if html is None:
            html = render_to_string(template, contesto_fn(), request=request)
            nuovi[chiavi[parte]] = html
        risultato[parte] = mark_safe(html)  # noqa: S308 - output of our own auto-escaped templates  # nosec
    if nuovi:
        cache.set_many(nuovi, durata)
    return risultato


# --- Whole public pages for anonymous visitors ------------------------------------------------------
# The same technique as alternanza.cache (which this lower layer may not import): the page is stored with
# a placeholder instead of the CSRF token of its forms, and each visitor gets their own token on the way
# out. Keyed by the data generation, so any change to organisations, partnerships or agreements makes
# the old pages unreachable. Visitors with a session or pending messages get a fresh render.

_SEGNAPOSTO_CSRF = b"@@csrf-rete@@"
_TOKEN_CSRF = re.compile(rb'(name="csrfmiddlewaretoken" value=")([^"]+)(")')


def _visita_personale(request) -> bool:
    if request.method not in ("GET", "HEAD"):
        return True
    if request.COOKIES.get(settings.SESSION_COOKIE_NAME) or request.COOKIES.get("messages"):
        return True
    return request.user.is_authenticated


def pagina_pubblica(vista):
    """Decorator: serve the whole page from Redis to anonymous visitors (no database query on a hit)."""

    @wraps(vista)
    def in_cache(request, *args, **kwargs):
        if _visita_personale(request):
            return vista(request, *args, **kwargs)
        impronta = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
        chiave = f"partnership:pagina:{generazione()}:{get_language()}:{impronta}"
        salvata = cache.get(chiave)
        if salvata is not None:
            corpo, tipo = salvata
            if _SEGNAPOSTO_CSRF in corpo:
                corpo = corpo.replace(_SEGNAPOSTO_CSRF, get_token(request).encode())
            return HttpResponse(corpo, content_type=tipo)
        risposta = vista(request, *args, **kwargs)
        if (
            risposta.status_code == 200
            and not risposta.streaming
            and not risposta.cookies.get(settings.SESSION_COOKIE_NAME)
        ):
            corpo = _TOKEN_CSRF.sub(rb"\g<1>" + _SEGNAPOSTO_CSRF + rb"\g<3>", risposta.content)
            cache.set(chiave, (corpo, risposta["Content-Type"]), DURATA_FRAMMENTI)
        return risposta

    return in_cache
