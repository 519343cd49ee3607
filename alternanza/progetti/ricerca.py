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
    """Projects whose thematic areas match `testo` (Italian full text over the areas' names).

    The areas (a dozen rows) are read first: when none matches, the usual case, the condition is empty
    and drops out of the search's OR, so the search reads the GIN index of the projects' vector; a
    subquery in the OR, even one finding nothing, made PostgreSQL test every project (a sequential scan
    of 100,000 rows on each search)."""
    testo = pulisci(testo)
    if not testo:
        return Q(pk__in=[])
    ambiti = list(
        AmbitoTematico.objects.annotate(_v=vettore("nome"))
        .filter(_v=query_italiana(testo))
        .values_list("pk", flat=True)
    )
    if not ambiti:
        return Q(pk__in=[])
    return Q(
        pk__in=Progetto.ambiti.through.objects.filter(ambitotematico_id__in=ambiti).values("progetto_id")
    )


def cerca(queryset, testo: str):
    """Filter `queryset` by the words of `testo` (or its thematic areas), most relevant first."""
    testo = pulisci(testo)
    if not testo:
        return queryset
    query = SearchQuery(testo, config="italian", search_type="websearch")
    return (
        queryset.filter(Q(ricerca=query) | per_ambiti(testo))
        .alias(rilevanza=SearchRank(F("ricerca"), query))
        .order_by("-rilevanza", "-pubblicato_il", "-id")
    )
