"""Helpers shared by the public Festival views: lazy context values and cache keys.

Public templates wrap their content in `{% cache %}` blocks keyed by the content version (eventi.cache),
the language and the full path; the views hand them *lazy* values, so a cache hit runs no query at all.
"""

from __future__ import annotations

import hashlib
from datetime import date, timedelta

from django.apps import apps
from django.urls import NoReverseMatch
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from eventi import cache as cache_eventi
from eventi.cache import DURATA

PER_PAGINA = 20


def pigro(funzione):
    """A value computed only if the template uses it (i.e. when the cached fragment is missing)."""
    return SimpleLazyObject(funzione)


def contesto_cache(request, *extra) -> dict:
    """Context variables for the `{% cache durata nome versione_cache chiave_cache %}` blocks."""
    materiale = "|".join([request.get_full_path(), *map(str, extra)])
    return {
        "durata_cache": DURATA,
        "versione_cache": cache_eventi.versione_della_richiesta(request),
        "chiave_cache": hashlib.sha256(materiale.encode()).hexdigest()[:40],
    }


def oggi() -> date:
    return timezone.localdate()


def settimana(giorno: date) -> tuple[date, date]:
    """Monday..Sunday of the week of `giorno`."""
    lunedi = giorno - timedelta(days=giorno.weekday())
    return lunedi, lunedi + timedelta(days=6)


def url_sicuro(oggetto) -> str:
    """The object's URL, or "" when its app has not published that page yet."""
    try:
        return oggetto.get_absolute_url()
    except (NoReverseMatch, AttributeError):
        return ""


def anno_scolastico(anno_edizione: int) -> str:
    """A spring Festival of 2026 shows the school year 2025/26."""
    return f"{anno_edizione - 1}/{str(anno_edizione)[2:]}"


def vetrina_progetti(anno_edizione: int, limite: int = 6) -> list:
    """Published projects (with showcase consent) of the edition's school year, when projects exist."""
    try:
        Progetto = apps.get_model("alternanza", "Progetto")
    except LookupError:
        return []
    qs = Progetto.objects.all()
    qs = (
        qs.pubblicati() if hasattr(qs, "pubblicati") else qs.filter(stato="pubblicato", consenso_vetrina=True)
    )
    progetti = list(
        qs.filter(anno_scolastico=anno_scolastico(anno_edizione))
        .select_related("scuola__comune")
        .order_by("-pubblicato_il", "-id")[:limite]
    )
    for progetto in progetti:
        progetto.url_vetrina = url_sicuro(progetto)
    return progetti
