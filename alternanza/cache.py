"""Whole-page cache of the public pages for anonymous visitors, in Redis, invalidated by content area.

HOW TO USE IT (for every engineer with public pages):

    from alternanza.cache import pagina_pubblica_in_cache

    @pagina_pubblica_in_cache("territorio")            # the areas whose content the page shows
    def elenco(request): ...

    # class-based views: path("x/", pagina_pubblica_in_cache("partner")(MyView.as_view()))

and bump the area's version whenever that content changes, e.g. in a post_save/post_delete receiver or
at the end of an import/bulk job (bulk_create and update() send no signals):

    from alternanza.cache import invalida
    invalida("partner")                               # every page cached under "partner" is now stale

A page is served from the cache only to anonymous visitors without a session or pending messages (those
see personal content: the page is rendered for them as usual), for GET/HEAD answered 200. The key is the
language + the full path (query string included); the entry remembers the version of each area it was
rendered with, and is used only while those are still the current ones (nothing is ever deleted: a bumped
version makes the entry stale; entries expire after `durata`). A hit costs ONE Redis round trip (MGET of
the versions and the entry) and no database query. The CSRF token of the forms in the page (language
switch, page feedback) is stored as a placeholder and each visitor gets their own on the way out.

Areas in use: "territorio" (districts, comuni, thematic areas; invalidated by the receivers connected in
`collega_invalidazioni`, called from AlternanzaConfig.ready) and "istituzionali" (the static pages, which
change only with a release). Lower-layer apps (distretti, partnership) must not import alternanza: connect
the receivers for their models in `collega_invalidazioni`, or in the higher app that shows their content.
A new release (other templates or static files) gets new keys by itself (see `_rilascio`).
"""

from __future__ import annotations

import hashlib
import re
import time
from functools import cache as una_volta
from functools import wraps
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils.translation import get_language

DURATA = 60 * 60  # seconds an entry lives at most (a bumped version makes it unreachable before)
_PREFISSO_VERSIONE = "pagine:versione:"
_SEGNAPOSTO_CSRF = b"@@csrf-pagina@@"
_TOKEN_CSRF = re.compile(rb'(name="csrfmiddlewaretoken" value=")([^"]+)(")')
_COOKIE_PERSONALI = ("messages",)


def _nuova_versione() -> int:
    return time.time_ns() // 1000


def versioni(*aree: str) -> list[int]:
    """The current version of each area (created on first use), in one Redis round trip."""
    chiavi = [_PREFISSO_VERSIONE + area for area in aree]
    trovate = cache.get_many(chiavi)
    risultato = []
    for chiave in chiavi:
        valore = trovate.get(chiave)
        if valore is None:
            cache.add(chiave, _nuova_versione(), None)
            valore = cache.get(chiave)
        risultato.append(valore)
    return risultato


def invalida(*aree: str, **_kwargs) -> None:
    """Content of these areas changed: every page cached under any of them becomes stale.

    Usable directly as a signal receiver (extra keyword arguments are ignored)."""
    for area in aree:
        chiave = _PREFISSO_VERSIONE + area
        cache.set(chiave, max(_nuova_versione(), (cache.get(chiave) or 0) + 1), None)


def _personale(request) -> bool:
    if request.method not in ("GET", "HEAD"):
        return True
    cookie = request.COOKIES
    if cookie.get(settings.SESSION_COOKIE_NAME) or any(cookie.get(nome) for nome in _COOKIE_PERSONALI):
        return True
    return request.user.is_authenticated


@una_volta
def _rilascio() -> str:
    """Fingerprint of the running release: the static-files manifest (hashed names) and the templates.

    A page cached by the previous release may reference static files that no longer exist."""
    from django.apps import apps

    impronta = hashlib.sha256()
    manifesto = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if manifesto.exists():
        impronta.update(manifesto.read_bytes())
    cartelle = [Path(d) for t in settings.TEMPLATES for d in t.get("DIRS", [])]
    cartelle += [Path(app.path) / "templates" for app in apps.get_app_configs()]
    for cartella in cartelle:
        if cartella.is_dir():
            for file in sorted(cartella.rglob("*.html")) + sorted(cartella.rglob("*.txt")):
                impronta.update(f"{file}:{file.stat().st_mtime_ns}".encode())
    return impronta.hexdigest()[:12]


def _chiave(request, aree: tuple[str, ...]) -> str:
    percorso = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
    return f"pagine:{_rilascio()}:{get_language()}:{'+'.join(aree)}:{percorso}"


def _leggi(chiave: str, aree: tuple[str, ...]) -> tuple[list[int], tuple | None]:
    """The areas' current versions and the cached entry, in ONE Redis round trip (MGET).

    The entry holds the versions it was rendered with: it is fresh only if they are still current."""
    chiavi_versioni = [_PREFISSO_VERSIONE + area for area in aree]
    trovati = cache.get_many([*chiavi_versioni, chiave])
    attuali = [trovati.get(k) for k in chiavi_versioni]
    if None in attuali:  # first use of an area (or Redis was emptied)
        attuali = versioni(*aree)
    return attuali, trovati.get(chiave)


def pagina_pubblica_in_cache(*aree: str, durata: int = DURATA):
    """Decorator: cache the whole response of a public view for anonymous visitors (see the module doc)."""
    if not aree:
        raise ValueError("name at least one content area, so the page can be invalidated")

    def decoratore(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if _personale(request):
                return view(request, *args, **kwargs)
            chiave = _chiave(request, aree)
            attuali, salvata = _leggi(chiave, aree)
            if salvata is not None and salvata[0] == attuali:
                _, corpo, tipo = salvata
                if _SEGNAPOSTO_CSRF in corpo:
                    corpo = corpo.replace(_SEGNAPOSTO_CSRF, get_token(request).encode())
                return HttpResponse(corpo, content_type=tipo)
            response = view(request, *args, **kwargs)
            if (
                response.status_code == 200
                and not response.streaming
                and not response.cookies.get(settings.SESSION_COOKIE_NAME)
            ):
                if hasattr(response, "render") and callable(response.render) and not response.is_rendered:
                    response.render()
                corpo = _TOKEN_CSRF.sub(rb"\g<1>" + _SEGNAPOSTO_CSRF + rb"\g<3>", response.content)
                cache.set(chiave, (attuali, corpo, response["Content-Type"]), durata)
            return response

        return wrapper

    return decoratore


def collega_invalidazioni() -> None:
    """Connect the receivers that bump the areas of the portal-wide pages (called once, at start)."""
    from django.db.models.signals import post_delete, post_save

    from distretti.models import AmbitoTematico, Comune, Distretto

    for modello in (Distretto, Comune, AmbitoTematico):
        for segnale in (post_save, post_delete):
            segnale.connect(_invalida_territorio, sender=modello, dispatch_uid=f"cache-territorio-{modello}")


def _invalida_territorio(**_kwargs) -> None:
    invalida("territorio")
