"""Caching of the public Festival pages.

Public pages are rendered from fragments cached in Redis under a *version* that changes whenever an
edition, event, date or news item changes (signals in eventi.signals), so a cached page is never stale
for longer than a save. The version is a timestamp: it doubles as the Last-Modified of the pages, and
with the path, language and CSRF cookie it forms the ETag (a 304 keeps the browser's own copy, whose
CSRF token matches its own cookie).
"""

from __future__ import annotations

import hashlib
import time
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import cache
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


def etag(request, csrf: str) -> str:
    """The page's validator: content version, path, language and the visitor's CSRF secret."""
    materiale = "|".join(str(p) for p in (versione(), request.get_full_path(), get_language(), csrf))
    return quote_etag(hashlib.sha256(materiale.encode()).hexdigest()[:32])


def condizionale(view):
    """Answer 304 to anonymous visitors whose copy is current; add ETag / Last-Modified / Cache-Control."""
    from functools import wraps

    from django.http import HttpResponseNotModified

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        anonimo = not request.user.is_authenticated
        if request.method not in ("GET", "HEAD") or not anonimo:
            response = view(request, *args, **kwargs)
            response.setdefault("Cache-Control", "private, no-cache")
            return response
        tag = etag(request, request.COOKIES.get(settings.CSRF_COOKIE_NAME, ""))
        modifica = int(ultima_modifica().timestamp())
        # Only the ETag validates (If-Modified-Since alone can't tell whose CSRF token the copy holds).
        if_none_match = request.headers.get("If-None-Match", "")
        if tag in [t.strip() for t in if_none_match.split(",")]:
            risposta = HttpResponseNotModified()
            risposta["ETag"] = tag
            return risposta
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.has_header("ETag"):
            # The page may have just set the CSRF cookie: the next request will carry it.
            csrf = request.META.get("CSRF_COOKIE") or request.COOKIES.get(settings.CSRF_COOKIE_NAME, "")
            response["ETag"] = etag(request, csrf)
            response["Last-Modified"] = http_date(modifica)
            response.setdefault("Cache-Control", "public, max-age=0, must-revalidate")
        return response

    return wrapper
