"""Sections that higher apps add to a district's page (partnerships, projects, events…).

distretti is the lowest layer and never imports the apps above it; they register here instead, from
their AppConfig.ready():

    from alternanza.core.sezioni import registra_sezione

    @registra_sezione(aree=("progetti",))
    def progetti_del_distretto(request, distretto):
        progetti = Progetto.objects.visibili_a(request.user).del_distretto(distretto)[:5]
        if not progetti:
            return None  # nothing to show: no section
        return Sezione(_("Progetti"), "progetti/_progetti_distretto.html", {"progetti": progetti},
                       ordine=20)

The template is included with the section's `contesto` as `dati`, plus `distretto`. Each section must
run a constant number of queries (the district page asserts its own bound).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise


@dataclass(frozen=True)
class Sezione:
    titolo: str | _StrPromise
    template: str
    contesto: dict[str, Any] = field(default_factory=dict)
    ordine: int = 100


_REGISTRO: list[Callable[..., Sezione | None]] = []
# Cache areas (alternanza.core.cache) of the content the sections show: the district's cached page is stale
# when any of them is bumped (e.g. "progetti" when a project is published).
_AREE: list[str] = []


def registra_sezione(funzione: Callable[..., Sezione | None] | None = None, *, aree: tuple[str, ...] = ()):
    """Register a function (request, distretto) -> Sezione | None, with the cache areas of what it shows;
    usable as a decorator, with or without arguments."""
    if funzione is None:
        return lambda f: registra_sezione(f, aree=aree)
    if funzione not in _REGISTRO:
        _REGISTRO.append(funzione)
    _AREE.extend(a for a in aree if a not in _AREE)
    return funzione


def aree_delle_sezioni() -> tuple[str, ...]:
    """The cache areas of every registered section (complete once every AppConfig.ready has run)."""
    return tuple(_AREE)


def sezioni_del_distretto(request, distretto) -> list[Sezione]:
    sezioni = [s for funzione in _REGISTRO if (s := funzione(request, distretto)) is not None]
    return sorted(sezioni, key=lambda s: s.ordine)


# The same for the pages of one school ("scuola": its published projects, Festival events, partnerships)
# and of one organisation ("organizzazione": the projects it hosted, its events): a function
# (request, oggetto) -> Sezione | None per section, registered by the app that owns the records.
_PAGINE: dict[str, list[Callable[..., Sezione | None]]] = {}
_AREE_PAGINE: dict[str, list[str]] = {}


def registra_sezione_di(pagina: str, funzione: Callable[..., Sezione | None], *, aree: tuple[str, ...] = ()):
    """Register a section of the `pagina` page ("scuola", "organizzazione") with its cache areas."""
    registro = _PAGINE.setdefault(pagina, [])
    if funzione not in registro:
        registro.append(funzione)
    elenco = _AREE_PAGINE.setdefault(pagina, [])
    elenco.extend(a for a in aree if a not in elenco)
    return funzione


def aree_di(pagina: str) -> tuple[str, ...]:
    return tuple(_AREE_PAGINE.get(pagina, ()))


def sezioni_di(pagina: str, request, oggetto) -> list[Sezione]:
    sezioni = [s for funzione in _PAGINE.get(pagina, ()) if (s := funzione(request, oggetto)) is not None]
    return sorted(sezioni, key=lambda s: s.ordine)
