"""Caching of the public Festival pages.

Everything is cached in Redis under a *version* that changes whenever an edition, event, date or news
item changes (signals in eventi.signals), so a cached page is never stale for longer than a save:
- anonymous visitors get the whole page from one key (the CSRF token is a placeholder replaced with
  the visitor's own token on the way out), so a hit costs one Redis round trip and no query;
- templates also cache their expensive fragments (`{% cache %}` keyed by the same version), which
  serves logged-in users and other query strings of the same data.
The version is a timestamp: it doubles as the Last-Modified of the pages, and with the path, language
and CSRF cookie it forms the ETag (a 304 keeps the browser's own copy, whose CSRF token matches its
own cookie).
"""

from __future__ import annotations

import hashlib
import re
import time
from datetime import UTC, datetime
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotModified
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.http import http_date, quote_etag
from django.utils.translation import get_language

CHIAVE_VERSIONE = "eventi:versione"
DURATA = 60 * 60  # fragments expire anyway after an hour (pages showing "today" use the date in the key)


def versione() -> int:
    """The current version of the public Festival content (microseconds since the epoch)."""
    valore = cache.get(CHIAVE_VERSIONE)
    if valore is None:
        valore = time.time_ns() // 1000
        cache.add(CHIAVE_VERSIONE, valore, None)
        valore = cache.get(CHIAVE_VERSIONE, valore)
    return valore


def invalida(**_kwargs) -> None:
    """A public Festival record changed: every cached page becomes stale."""
    cache.set(CHIAVE_VERSIONE, max(time.time_ns() // 1000, (cache.get(CHIAVE_VERSIONE) or 0) + 1), None)


def ultima_modifica() -> datetime:
    return datetime.fromtimestamp(versione() / 1_000_000, tz=UTC)


def etag(request, versione_pagina: int, csrf: str) -> str:
    """The page's validator: content version, path, language and the visitor's CSRF secret."""
    materiale = "|".join(str(p) for p in (versione_pagina, request.get_full_path(), get_language(), csrf))
    return quote_etag(hashlib.sha256(materiale.encode()).hexdigest()[:32])


def versione_della_richiesta(request) -> int:
    """The content version, read from Redis once per request."""
    valore = getattr(request, "_versione_eventi", None)
    if valore is None:
        valore = request._versione_eventi = versione()
    return valore


# The CSRF token in a cached page is a placeholder: each visitor gets its own token on the way out.
SEGNAPOSTO_CSRF = "@@csrf-eventi@@"
_TOKEN_CSRF = re.compile(rb'(name="csrfmiddlewaretoken" value=")([^"]+)(")')
_COOKIE_PERSONALI = ("sessionid", "messages")


def _memorizzabile(request) -> bool:
    """Anonymous visitors without a session or pending messages all see the same page."""
    return not any(request.COOKIES.get(nome) for nome in (settings.SESSION_COOKIE_NAME, *_COOKIE_PERSONALI))


def _chiave_pagina(request) -> str:
    """The page's key: it holds (version, page) so one round trip reads both the version and the page."""
    materiale = f"{request.get_full_path()}|{get_language()}|{timezone.localdate().isoformat()}"
    return f"eventi:pagina:{hashlib.sha256(materiale.encode()).hexdigest()[:40]}"


def _da_cache(corpo: bytes, tipo: str, request) -> HttpResponse:
    if SEGNAPOSTO_CSRF.encode() in corpo:
        corpo = corpo.replace(SEGNAPOSTO_CSRF.encode(), get_token(request).encode())
    return HttpResponse(corpo, content_type=tipo)


def _in_cache(chiave: str, versione_pagina: int, response) -> None:
    personale = response.cookies.get(settings.SESSION_COOKIE_NAME)
    if response.status_code != 200 or response.streaming or personale:
        return
    corpo = response.content
    if b"csrfmiddlewaretoken" in corpo:
        corpo = _TOKEN_CSRF.sub(rb"\g<1>" + SEGNAPOSTO_CSRF.encode() + rb"\g<3>", corpo)
    valore = (versione_pagina, corpo, response["Content-Type"], response.get("Content-Disposition"))
    cache.set(chiave, valore, DURATA)


def condizionale(view):
    """Public pages for anonymous visitors: whole page from Redis, ETag / Last-Modified, 304.

    One Redis round trip reads the version and the page together: no database query on a hit. Users who
    are logged in (or have a session) get the page rendered for them, marked private.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        anonimo = not request.user.is_authenticated
        if request.method not in ("GET", "HEAD") or not anonimo:
            response = view(request, *args, **kwargs)
            response.setdefault("Cache-Control", "private, no-cache")
            return response
        chiave = _chiave_pagina(request) if _memorizzabile(request) else None
        salvata = None
        if chiave:
            letti = cache.get_many([CHIAVE_VERSIONE, chiave])
            if letti.get(CHIAVE_VERSIONE) is not None:
                request._versione_eventi = letti[CHIAVE_VERSIONE]
            salvata = letti.get(chiave)
        versione_pagina = versione_della_richiesta(request)
        tag = etag(request, versione_pagina, request.COOKIES.get(settings.CSRF_COOKIE_NAME, ""))
        # Only the ETag validates (If-Modified-Since alone can't tell whose CSRF token the copy holds).
        if_none_match = request.headers.get("If-None-Match", "")
        if tag in [t.strip() for t in if_none_match.split(",")]:
            risposta = HttpResponseNotModified()
            risposta["ETag"] = tag
            return risposta
        if salvata is not None and salvata[0] == versione_pagina:
            _versione, corpo, tipo, disposizione = salvata
            response = _da_cache(corpo, tipo, request)
            if disposizione:
                response["Content-Disposition"] = disposizione
        else:
            response = view(request, *args, **kwargs)
            if chiave:
                _in_cache(chiave, versione_pagina, response)
        if response.status_code == 200 and not response.has_header("ETag"):
            # The page may have just set the CSRF cookie: the next request will carry it.
            csrf = request.META.get("CSRF_COOKIE") or request.COOKIES.get(settings.CSRF_COOKIE_NAME, "")
            response["ETag"] = etag(request, versione_pagina, csrf)
            response["Last-Modified"] = http_date(versione_pagina // 1_000_000)
            response.setdefault("Cache-Control", "public, max-age=0, must-revalidate")
        return response

    return wrapper
