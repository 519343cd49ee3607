"""The projects' pages in the portal-wide page cache (alternanza.core.cache) under the area "progetti".

Showcase pages also show districts, comuni and thematic areas (the filters), hence the "territorio" area.
Every change visible to the public (a transition, an edit, an attachment, the demo load) calls
`invalida_vetrina()`, so a newly published project appears at once.
"""

from __future__ import annotations

from collections.abc import Callable

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from alternanza.core.cache import frammento, invalida, pagina_pubblica_in_cache
from distretti.permissions import ambito_di

AREA = "progetti"
# What the reserved lists show besides projects: school names ("scuole"), district names ("territorio").
AREE_RISERVATE = (AREA, "scuole", "territorio")


def invalida_vetrina() -> None:
    invalida(AREA)


def pagina_in_cache():
    """Decorator of the public projects pages (anonymous visitors only; see alternanza.core.cache)."""
    return pagina_pubblica_in_cache(AREA, "territorio")


def corpo_riservato(request, nome: str, template: str, contesto: Callable[[], dict]) -> SafeString:
    """The body of a reserved page (dashboards, review queue) rendered once per address, language and
    viewer's scope (distretti.permissions.Ambito.chiave) and shared from the cache until any project,
    school or district changes; `contesto` runs (and queries) only on a miss. The body must hold no
    CSRF token or per-user data beyond the scope: the page around it is rendered fresh."""
    html = frammento(
        request,
        f"progetti-{nome}",
        AREE_RISERVATE,
        lambda: render_to_string(template, contesto(), request=request),
        ambito=ambito_di(request.user).chiave,
    )
    return mark_safe(html)  # noqa: S308 - rendered from our own escaping template  # nosec
