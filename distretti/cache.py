"""Cache of the public territory pages.

Two layers, both keyed by a *version* that any change to a district, comune, school or name bumps
(model signals; the registry import and the demo loader, which write in bulk, bump it themselves), by
the running release (templates, static manifest), the language and the full path with its filters:

- `pagina_anonima_in_cache`: the whole response for anonymous visitors without a session, as the
  portal's alternanza.cache does for its pages (that module sits in a higher layer: distretti must not
  import it). The CSRF token of the page's forms (language switch, page feedback) is stored as a
  placeholder and each visitor gets their own. A hit is one Redis round trip and no query.
- `pagina`: the content of a page (district table, a district's comuni and schools) for everyone else
  who sees the public view, e.g. a logged-in school coordinator; the page around it is rendered fresh.

Views of staff and district offices, which show reserved data, are never cached.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable
from functools import cache as una_volta
from functools import wraps
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils.translation import get_language

CHIAVE_VERSIONE = "distretti:versione"
DURATA = 60 * 60
_SEGNAPOSTO_CSRF = b"@@csrf-distretti@@"
_TOKEN_CSRF = re.compile(rb'(name="csrfmiddlewaretoken" value=")([^"]+)(")')


def versione() -> int:
    valore = cache.get(CHIAVE_VERSIONE)
    if valore is None:
        cache.add(CHIAVE_VERSIONE, time.time_ns() // 1000, None)
        valore = cache.get(CHIAVE_VERSIONE, 0)
    return valore


def invalida(**_kwargs) -> None:
    """Something public of the territory changed: every cached page becomes stale."""
    cache.set(CHIAVE_VERSIONE, max(time.time_ns() // 1000, versione() + 1), None)


@una_volta
def _rilascio() -> str:
    """Fingerprint of the running release: a page of the previous one may name static files now gone."""
    from django.apps import apps

    impronta = hashlib.sha256()
    manifesto = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if manifesto.exists():
        impronta.update(manifesto.read_bytes())
    cartelle = [Path(d) for t in settings.TEMPLATES for d in t.get("DIRS", [])]
    cartelle += [Path(app.path) / "templates" for app in apps.get_app_configs()]
    for cartella in cartelle:
        if cartella.is_dir():
            for file in sorted(cartella.rglob("*.html")):
                impronta.update(f"{file}:{file.stat().st_mtime_ns}".encode())
    return impronta.hexdigest()[:12]


def _chiave(request, nome: str) -> str:
    impronta = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
    return f"distretti:{nome}:{_rilascio()}:{get_language()}:{impronta}"


def _leggi(chiave: str) -> tuple[int, Any]:
    """(current version, the entry if it was stored at that version) in one round trip."""
    trovati = cache.get_many([CHIAVE_VERSIONE, chiave])
    attuale = trovati.get(CHIAVE_VERSIONE)
    if attuale is None:
        attuale = versione()
    voce = trovati.get(chiave)
    return attuale, voce if voce is not None and voce[0] == attuale else None


def _anonimo(request) -> bool:
    if request.method not in ("GET", "HEAD") or request.user.is_authenticated:
        return False
    # A session or pending messages mean personal content (e.g. "you have logged out").
    return not (request.COOKIES.get(settings.SESSION_COOKIE_NAME) or request.COOKIES.get("messages"))


def pagina_anonima_in_cache(view):
    """Decorator: the whole response of a public page for anonymous visitors."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not _anonimo(request):
            return view(request, *args, **kwargs)
        chiave = _chiave(request, "intera")
        attuale, voce = _leggi(chiave)
        if voce is not None:
            _versione, corpo, tipo = voce
            if _SEGNAPOSTO_CSRF in corpo:
                corpo = corpo.replace(_SEGNAPOSTO_CSRF, get_token(request).encode())
            return HttpResponse(corpo, content_type=tipo)
        response = view(request, *args, **kwargs)
        if (
            response.status_code == 200
            and not response.streaming
            and not response.cookies.get(settings.SESSION_COOKIE_NAME)
        ):
            corpo = _TOKEN_CSRF.sub(rb"\g<1>" + _SEGNAPOSTO_CSRF + rb"\g<3>", response.content)
            cache.set(chiave, (attuale, corpo, response["Content-Type"]), DURATA)
        return response

    return wrapper


def pagina(request, nome: str, calcola: Callable[[], tuple[str, Any]]) -> tuple[str, Any]:
    """(html, extra) of a page's content: from the cache, or computed by `calcola` and stored."""
    chiave = _chiave(request, nome)
    attuale, voce = _leggi(chiave)
    if voce is None:
        html, extra = calcola()
        voce = (attuale, html, extra)  # html is the SafeString of render_to_string: it pickles as such
        cache.set(chiave, voce, DURATA)
    return voce[1], voce[2]
