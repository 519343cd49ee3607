"""The portal's cache of public pages, in Redis, invalidated by content area. It sits in the lowest layer so
that every app (distretti, partnership, alternanza, eventi) uses this one implementation.

WHOLE PAGES for anonymous visitors:

    from alternanza.core.cache import pagina_pubblica_in_cache

    @pagina_pubblica_in_cache("territorio")            # the areas whose content the page shows
    def elenco(request): ...

    # class-based views: path("x/", pagina_pubblica_in_cache("partnership")(MyView.as_view()))

and bump the area's version whenever that content changes, e.g. in a post_save/post_delete receiver or
at the end of an import/bulk job (bulk_create and update() send no signals):

    from alternanza.core.cache import invalida
    invalida("partnership")                           # every page cached under "partnership" is now stale

A page is served from the cache only to anonymous visitors without a session or pending messages (those
see personal content: the page is rendered for them as usual), for GET/HEAD answered 200. The key is the
running release (settings.RELEASE), the language, the areas and the full path (query string included);
the entry remembers the version of each area it was rendered with, and is used only while those are still
the current ones (nothing is ever deleted: a bumped version makes the entry stale; entries expire after
`durata`). A hit costs ONE Redis round trip (MGET of the versions and the entry) and no database query,
and answers with the body and the headers the view set (Content-Type, Content-Language, Vary,
Cache-Control, ...; never Set-Cookie). The CSRF token of the forms in the page (language switch, page
feedback) is stored as a placeholder and each visitor gets their own on the way out (which also sets
their CSRF cookie).

Everyone else (logged-in users, visitors with a session) gets the page rendered by the view: reserved
pages keep a constant number of queries instead (see the query-count tests).

Areas in use: "territorio" (districts, comuni, thematic areas), "scuole" (schools and their names; the
registry import and the demo loader bump it themselves) — both connected in distretti.signals,
called from DistrettiConfig.ready — "partnership" (partnership.signals), "progetti"
(alternanza.progetti.cache), "festival" (eventi.signals) and "istituzionali" (the static pages, which
change only with a release). A new release (settings.RELEASE) gets new keys by itself.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

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
# Response headers that are not part of the page: set by the middleware on the way out (per visitor or
# per response) or personal; every other header the view set is stored with the entry and replayed.
_INTESTAZIONI_NON_SALVATE = frozenset({"set-cookie", "content-length"})


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

    A version is a timestamp, so an emptied cache cannot bring an old one back."""
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


def _percorso(request) -> str:
    return hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]


def _leggi(chiave: str, aree: tuple[str, ...]) -> tuple[list[int], Any]:
    """The areas' current versions and the entry if it is still fresh, in ONE Redis round trip (MGET).

    The entry (versions, ...) holds the versions it was rendered with: fresh only if they are current."""
    chiavi_versioni = [_PREFISSO_VERSIONE + area for area in aree]
    trovati = cache.get_many([*chiavi_versioni, chiave])
    letti = [trovati.get(k) for k in chiavi_versioni]
    # None: first use of an area (or Redis was emptied)
    attuali = versioni(*aree) if None in letti else [v for v in letti if v is not None]
    voce = trovati.get(chiave)
    return attuali, voce if voce is not None and voce[0] == attuali else None


def pagina_pubblica_in_cache(*aree: str, durata: int = DURATA) -> Callable[[Callable], Callable]:
    """Decorator: cache the whole response of a public view for anonymous visitors (see the module doc)."""
    if not aree:
        raise ValueError("name at least one content area, so the page can be invalidated")

    def decoratore(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if _personale(request):
                return view(request, *args, **kwargs)
            chiave = f"pagine:{settings.RELEASE}:{get_language()}:{'+'.join(aree)}:{_percorso(request)}"
            attuali, voce = _leggi(chiave, aree)
            if voce is not None:
                _, corpo, intestazioni = voce
                if _SEGNAPOSTO_CSRF in corpo:
                    corpo = corpo.replace(_SEGNAPOSTO_CSRF, get_token(request).encode())
                return HttpResponse(corpo, headers=intestazioni)
            response = view(request, *args, **kwargs)
            if (
                response.status_code == 200
                and not response.streaming
                and not response.cookies.get(settings.SESSION_COOKIE_NAME)
            ):
                if hasattr(response, "render") and callable(response.render) and not response.is_rendered:
                    response.render()
                corpo = _TOKEN_CSRF.sub(rb"\g<1>" + _SEGNAPOSTO_CSRF + rb"\g<3>", response.content)
                intestazioni = {
                    nome: valore
                    for nome, valore in response.items()
                    if nome.lower() not in _INTESTAZIONI_NON_SALVATE
                }
                cache.set(chiave, (attuali, corpo, intestazioni), durata)
            return response

        return wrapper

    return decoratore


# --- The territory's own areas ----------------------------------------------------------------------

AREE_TERRITORIO = ("territorio", "scuole")  # the pages of districts, comuni and schools


def invalida_scuole(**_kwargs) -> None:
    """Schools changed (also after bulk writes: the registry import, the demo loader)."""
    invalida("scuole")
