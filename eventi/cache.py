"""Caching of the public Festival pages, on the portal's page cache (alternanza.core.cache).

- Anonymous visitors get the whole page from Redis (alternanza.core.cache.pagina_pubblica_in_cache, areas
  "festival" and "territorio": the pages also show district and comune names); each visitor gets its
  own CSRF token on the way out, and a hit runs no database query. The .ics downloads go through it
  too: their headers (Content-Type, Content-Disposition) come back with the entry.
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
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import HttpResponseNotModified
from django.utils.http import quote_etag

from alternanza.core.cache import DURATA, pagina_pubblica_in_cache
from alternanza.core.cache import invalida as invalida_aree

AREA = "festival"
AREE = (AREA, "territorio")
DURATA_GIORNALIERA = 5 * 60  # pages that depend on today's date


def invalida(**_kwargs) -> None:
    """A public Festival record changed: every cached Festival page becomes stale."""
    invalida_aree(AREA)


_TOKEN_CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"')


def etag(corpo: bytes, csrf: str) -> str:
    """The page's validator: its content (without the per-response CSRF token) and the visitor's CSRF
    secret, so a 304 only ever confirms a copy whose forms work with the visitor's own cookie."""
    impronta = hashlib.sha256(_TOKEN_CSRF.sub(b"", corpo))
    impronta.update(csrf.encode())
    return quote_etag(impronta.hexdigest()[:32])


def condizionale(view: Callable | None = None, *, durata: int = DURATA) -> Callable:
    """Public Festival page or download: page cache for anonymous visitors, ETag, 304 answers.

    `durata`: shorter for pages that depend on today's date ("today", "from today"), so that after
    midnight they are stale for minutes at most."""
    if view is None:
        return lambda v: condizionale(v, durata=durata)
    in_cache = pagina_pubblica_in_cache(*AREE, durata=durata)(view)

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
