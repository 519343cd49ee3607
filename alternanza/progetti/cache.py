"""Whole-page cache of the public showcase for anonymous visitors.

The cached HTML must not carry another visitor's CSRF token (the language switch form has one): the
token is replaced by a marker before storing and the current visitor's token is put back on each hit.
A version number in the cache, bumped whenever a project changes state or content, invalidates every
cached showcase page at once (`invalida_vetrina()`), so a published project appears immediately.
"""

from __future__ import annotations

import functools
import hashlib
import re

from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import translation

DURATA = 10 * 60
_CHIAVE_VERSIONE = "progetti:vetrina:versione"
_SEGNAPOSTO = "@@CSRF-TOKEN-VETRINA@@"
_TOKEN_RE = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')


def _versione() -> int:
    versione = cache.get(_CHIAVE_VERSIONE)
    if versione is None:
        versione = 1
        cache.add(_CHIAVE_VERSIONE, versione, None)
    return versione


def invalida_vetrina() -> None:
    """Forget every cached showcase page (call after a change visible to the public)."""
    try:
        cache.incr(_CHIAVE_VERSIONE)
    except ValueError:
        cache.set(_CHIAVE_VERSIONE, 2, None)


def _cacheabile(request) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and not request.user.is_authenticated
        and "messages" not in request.COOKIES
    )


def pagina_in_cache(prefisso: str):
    """Cache the view's 200 responses for anonymous visitors, keyed by language and full URL."""

    def decoratore(vista):
        @functools.wraps(vista)
        def avvolta(request, *args, **kwargs):
            if not _cacheabile(request):
                return vista(request, *args, **kwargs)
            impronta = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
            chiave = f"progetti:{prefisso}:{_versione()}:{translation.get_language()}:{impronta}"
            salvata = cache.get(chiave)
            if salvata is not None:
                contenuto, tipo = salvata
                risposta = HttpResponse(contenuto.replace(_SEGNAPOSTO, get_token(request)), content_type=tipo)
                risposta["X-Cache-Vetrina"] = "hit"
                return risposta
            risposta = vista(request, *args, **kwargs)
            if risposta.status_code == 200 and not getattr(risposta, "streaming", False):
                if hasattr(risposta, "render") and not risposta.is_rendered:
                    risposta.render()
                testo = _TOKEN_RE.sub(rf"\g<1>{_SEGNAPOSTO}\g<2>", risposta.content.decode(risposta.charset))
                cache.set(chiave, (testo, risposta["Content-Type"]), DURATA)
                risposta["X-Cache-Vetrina"] = "miss"
            return risposta

        return avvolta

    return decoratore
