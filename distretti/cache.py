"""Cache of the public territory pages.

The content of a public page (the district table, a district's comuni and filtered schools) is rendered
once and kept in the cache under a *version* that any change to a district, comune, school or name
bumps (model signals; the registry import and the demo loader, which write in bulk, bump it
themselves). The page around it (header with the CSRF token of the language switch, footer) is rendered
on every request, so no visitor ever gets another visitor's token. Views of staff and district offices,
which show reserved data, are never cached.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

CHIAVE_VERSIONE = "distretti:versione"
DURATA = 60 * 60


def versione() -> int:
    valore = cache.get(CHIAVE_VERSIONE)
    if valore is None:
        cache.add(CHIAVE_VERSIONE, time.time_ns() // 1000, None)
        valore = cache.get(CHIAVE_VERSIONE, 0)
    return valore


def invalida(**_kwargs) -> None:
    """Something public of the territory changed: every cached page becomes stale."""
    cache.set(CHIAVE_VERSIONE, max(time.time_ns() // 1000, versione() + 1), None)


def pagina(request, nome: str, calcola: Callable[[], tuple[str, Any]]) -> tuple[str, Any]:
    """(html, extra) of a page's content: from the cache, or computed by `calcola` and stored.

    The key holds the version, the language and the full path with its query string (the filters).
    """
    impronta = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
    chiave = f"distretti:pagina:{nome}:{versione()}:{get_language()}:{impronta}"
    valore = cache.get(chiave)
    if valore is None:
        valore = calcola()
        cache.set(chiave, (str(valore[0]), valore[1]), DURATA)
    return mark_safe(valore[0]), valore[1]  # noqa: S308 - HTML rendered by our own templates
