"""The projects' pages in the portal-wide page cache (alternanza.core.cache) under the area "progetti".

Showcase pages also show districts, comuni and thematic areas (the filters), hence the "territorio" area.
Every change visible to the public (a transition, an edit, an attachment, the demo load) calls
`invalida_vetrina()`, so a newly published project appears at once.
"""

from __future__ import annotations

from collections.abc import Callable

from alternanza.core.cache import invalida, pagina_pubblica_in_cache

AREA = "progetti"


def invalida_vetrina() -> None:
    invalida(AREA)


def pagina_in_cache() -> Callable:
    """Decorator of the public projects pages (anonymous visitors only; see alternanza.core.cache)."""
    return pagina_pubblica_in_cache(AREA, "territorio")
