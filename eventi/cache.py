"""Caching of the public Festival pages, on the portal's page cache (alternanza.core.cache).

- Anonymous visitors get the whole page from Redis (alternanza.core.cache.pagina_pubblica_in_cache, areas
  "festival" and "territorio": the pages also show district and comune names); each visitor gets its
  own CSRF token on the way out, and a hit runs no database query.
- Templates cache their expensive fragments (`{% cache %}` keyed by the same versions), which serves
  logged-in users and the first visitor of another query string of the same data.
- The area "festival" is bumped whenever an edition, event, date or news item changes (signals in
  eventi.signals; eventi.demo calls `invalida()` after its bulk inserts), so nothing is stale for longer
  than a save.
- The ETag is a hash of the page (without its per-response CSRF token) and of the visitor's CSRF
  cookie: a 304 keeps the browser's own copy, whose CSRF token matches its own cookie. It is computed
  from the body, so a cache hit needs no extra Redis round trip for it.
"""

from __future__ import annotations

import hashlib
import re
from functools import wraps

from django.conf import settings
from django.http import HttpResponseNotModified
from django.utils.http import quote_etag

from alternanza.core.cache import invalida as invalida_aree
from alternanza.core.cache import pagina_pubblica_in_cache, versioni

AREA = "festival"
AREE = (AREA, "territorio")
DURATA = 60 * 60  # entries expire anyway after an hour (fragments showing "today" have the date in the key)
DURATA_GIORNALIERA = 5 * 60  # pages that depend on today's date


def invalida(**_kwargs) -> None:
    """A public Festival record changed: every cached Festival page becomes stale."""
    invalida_aree(AREA)


def versioni_della_richiesta(request) -> list[int]:
    """The versions of the areas, read from Redis once per request."""
    valore = getattr(request, "_versioni_eventi", None)
    if valore is None:
        valore = request._versioni_eventi = versioni(*AREE)
    return valore


def versione_della_richiesta(request) -> str:
    """One string for the fragment keys: changes when any area of the pages changes."""
    return "-".join(map(str, versioni_della_richiesta(request)))


_TOKEN_CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"')


def etag(corpo: bytes, csrf: str) -> str:
    """The page's validator: its content (without the per-response CSRF token) and the visitor's CSRF
    secret, so a 304 only ever confirms a copy whose forms work with the visitor's own cookie."""
    impronta = hashlib.sha256(_TOKEN_CSRF.sub(b"", corpo))
    impronta.update(csrf.encode())
    return quote_etag(impronta.hexdigest()[:32])


def condizionale(view=None, *, pagina: bool = True, durata: int = DURATA):
    """Public Festival page: page cache for anonymous visitors, ETag / Last-Modified, 304 answers.

    `pagina=False` for downloads (.ics): ETag and 304 only, the response keeps its own headers.
    `durata`: shorter for pages that depend on today's date ("today", "from today"), so that after
    midnight they are stale for minutes at most."""
    if view is None:
        return lambda v: condizionale(v, pagina=pagina, durata=durata)
    in_cache = pagina_pubblica_in_cache(*AREE, durata=durata)(view) if pagina else view

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD") or request.user.is_authenticated:
            response = view(request, *args, **kwargs)
            response.setdefault("Cache-Control", "private, no-cache")
            return response
        response = in_cache(request, *args, **kwargs)
        if response.status_code != 200 or response.streaming or response.has_header("ETag"):
            return response
        # The page may have just set the CSRF cookie: the next request will carry it.
        csrf = request.META.get("CSRF_COOKIE") or request.COOKIES.get(settings.CSRF_COOKIE_NAME, "")
        tag = etag(response.content, csrf)
        if tag in [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]:
            risposta = HttpResponseNotModified()
            risposta["ETag"] = tag
            return risposta
        response["ETag"] = tag
        response.setdefault("Cache-Control", "public, max-age=0, must-revalidate")
        return response

    return wrapper
