"""Full-text search of projects in Italian.

The weighted vector `Progetto.ricerca` (title A, description/objectives B, the rest C, kept by a
trigger, GIN-indexed) is matched with a `websearch` query in the Italian configuration, so "meccanica"
finds "meccanico", and results are ranked.
"""

from __future__ import annotations

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import F


def cerca(queryset, testo: str):
    """Filter `queryset` by the words of `testo`, most relevant first."""
    testo = " ".join((testo or "").split())[:200]
    if not testo:
        return queryset
    query = SearchQuery(testo, config="italian", search_type="websearch")
    return (
        queryset.filter(ricerca=query)
        .annotate(rilevanza=SearchRank(F("ricerca"), query))
        .order_by("-rilevanza", "-pubblicato_il", "-id")
    )
