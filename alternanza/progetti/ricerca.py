"""Full-text search of projects in Italian.

On PostgreSQL the weighted vector `Progetto.ricerca` (title A, description/objectives B, the rest C,
kept by a trigger, GIN-indexed) is matched with a `websearch` query in the Italian configuration, so
"meccanica" finds "meccanico", and results are ranked. On the embedded SQLite default every word must
appear (icontains) in the title, description or objectives.
"""

from __future__ import annotations

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import F, Q

MAX_PAROLE = 8


def cerca(queryset, testo: str):
    """Filter (and, on PostgreSQL, rank) `queryset` by the words of `testo`."""
    testo = " ".join((testo or "").split())[:200]
    if not testo:
        return queryset
    if connection.vendor == "postgresql":
        query = SearchQuery(testo, config="italian", search_type="websearch")
        return (
            queryset.filter(ricerca=query)
            .annotate(rilevanza=SearchRank(F("ricerca"), query))
            .order_by("-rilevanza", "-pubblicato_il", "-id")
        )
    condizione = Q()
    for parola in testo.split()[:MAX_PAROLE]:
        condizione &= (
            Q(titolo__icontains=parola) | Q(descrizione__icontains=parola) | Q(obiettivi__icontains=parola)
        )
    return queryset.filter(condizione)
