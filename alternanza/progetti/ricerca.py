"""Full-text search of projects in Italian.

The weighted vector `Progetto.ricerca` (title A, description/objectives B, the rest C, kept by a
trigger, GIN-indexed) is matched with a `websearch` query in the Italian configuration, so "meccanica"
finds "meccanico", and results are ranked. A project also matches through the names of its thematic
areas ("gap di genere" finds the projects of "Superamento del gap di genere...").
"""

from __future__ import annotations

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import F, Q

from alternanza.core.ricerca import pulisci, query_italiana, vettore
from alternanza.progetti.models import Progetto
from distretti.models import AmbitoTematico


def per_ambiti(testo: str) -> Q:
    """Projects whose thematic areas match `testo` (Italian full text over the areas' names)."""
    testo = pulisci(testo)
    if not testo:
        return Q(pk__in=[])
    ambiti = AmbitoTematico.objects.annotate(_v=vettore("nome")).filter(_v=query_italiana(testo))
    return Q(pk__in=Progetto.ambiti.through.objects.filter(ambitotematico__in=ambiti).values("progetto_id"))


def cerca(queryset, testo: str):
    """Filter `queryset` by the words of `testo` (or its thematic areas), most relevant first."""
    testo = pulisci(testo)
    if not testo:
        return queryset
    query = SearchQuery(testo, config="italian", search_type="websearch")
    return (
        queryset.filter(Q(ricerca=query) | per_ambiti(testo))
        .annotate(rilevanza=SearchRank(F("ricerca"), query))
        .order_by("-rilevanza", "-pubblicato_il", "-id")
    )
